#include "cellkit/base/status.h"

#include <string>

#include <gtest/gtest.h>

namespace cellkit {
namespace {

TEST(Status, DefaultIsOkWithEmptyMessage) {
  Status s;
  EXPECT_TRUE(s.is_ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
}

TEST(Status, ErrorKeepsCodeAndMessage) {
  Status s = invalid_argument("cells_per_tenant (3) must not exceed cell_count (2)");
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "cells_per_tenant (3) must not exceed cell_count (2)");
}

TEST(Status, EachConstructorSetsItsCode) {
  EXPECT_EQ(not_found("x").code(), StatusCode::kNotFound);
  EXPECT_EQ(already_exists("x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(failed_precondition("x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(resource_exhausted("x").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(data_loss("x").code(), StatusCode::kDataLoss);
}

TEST(Status, CodesHaveReadableNames) {
  EXPECT_EQ(to_string(StatusCode::kDataLoss), "data loss");
  EXPECT_EQ(to_string(StatusCode::kOk), "ok");
}

TEST(Result, HoldsValue) {
  Result<std::string> r = std::string("cell-1");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, "cell-1");
  EXPECT_EQ(r->size(), 6u);
  EXPECT_TRUE(r.status().is_ok());
}

TEST(Result, HoldsError) {
  Result<int> r = not_found("no cell with id 9");
  ASSERT_FALSE(r.is_ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "no cell with id 9");
}

TEST(Result, MovesValueOut) {
  Result<std::string> r = std::string("payload");
  std::string moved = std::move(r).value();
  EXPECT_EQ(moved, "payload");
}

}  // namespace
}  // namespace cellkit
