#include "cellkit/io/tenant_list.h"

#include <gtest/gtest.h>

#include "cellkit/base/limits.h"

namespace cellkit {
namespace {

TEST(TenantList, ReadsNamesWeightsAndShardSizes) {
  Result<std::vector<Tenant>> list = parse_tenant_list(
      "name,weight,shard_size\n# big ones first\nacme,10,6\n\nglobex, 3\r\ninitech\n", "t.csv", 4,
      100);
  ASSERT_TRUE(list.is_ok()) << list.status().message();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0],
            (Tenant{.id = TenantId{100}, .name = "acme", .shard_size = 6, .weight = 10}));
  EXPECT_EQ((*list)[1],
            (Tenant{.id = TenantId{101}, .name = "globex", .shard_size = 4, .weight = 3}));
  EXPECT_EQ((*list)[2], (Tenant{.id = TenantId{102}, .name = "initech", .shard_size = 4}));
}

TEST(TenantList, BadWeightNamesFileLineAndValue) {
  EXPECT_EQ(parse_tenant_list("a\nb,heavy\n", "t.csv", 2).status().message(),
            "t.csv:2: weight 'heavy' must be a whole number from 1 to 4294967295");
}

TEST(TenantList, ZeroShardSizeIsRefused) {
  EXPECT_EQ(parse_tenant_list("a,1,0\n", "t.csv", 2).status().message(),
            "t.csv:1: shard size '0' must be a whole number from 1 to 4294967295");
}

TEST(TenantList, DuplicateNameNamesTheFirstLine) {
  EXPECT_EQ(parse_tenant_list("a\nb\na\n", "t.csv", 2).status().message(),
            "t.csv:3: tenant 'a' is listed twice (first on line 1)");
}

TEST(TenantList, TooManyFieldsAndEmptyNamesAreRefused) {
  EXPECT_EQ(parse_tenant_list("a,1,2,3\n", "t.csv", 2).status().message(),
            "t.csv:1: expected name[,weight[,shard_size]], got 4+ fields");
  EXPECT_EQ(parse_tenant_list(",3\n", "t.csv", 2).status().message(),
            "t.csv:1: the tenant name is empty");
}

TEST(TenantList, IdsPastTheLargestAreRefusedNotWrapped) {
  const Result<std::vector<Tenant>> r = parse_tenant_list("a\nb\nc\n", "t.csv", 2, 4294967294u);
  EXPECT_EQ(r.status().message(),
            "t.csv:3: this tenant would get id 4294967296, past the largest tenant id 4294967295");
}

TEST(TenantList, ALoneNameOnTheFirstLineIsATenantNotAHeader) {
  const Result<std::vector<Tenant>> r = parse_tenant_list("name\nb\n", "t.csv", 2);
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "name");
  EXPECT_EQ(parse_tenant_list("name,weight\nb\n", "t.csv", 2)->size(), 1u);
}

TEST(TenantList, AByteOrderMarkIsNotPartOfTheFirstName) {
  const Result<std::vector<Tenant>> r = parse_tenant_list(
      "\xEF\xBB\xBF"
      "acme\n",
      "t.csv", 2);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ((*r)[0].name, "acme");
}

// Found by fuzz_tenant_list: a second mark stayed in the name, and the list written back
// lost it (only one mark opens a file).
TEST(TenantList, ANameStartingWithAByteOrderMarkIsRefusedOnItsLine) {
  const std::string expected =
      "t.csv:2: the tenant name starts with a byte order mark (U+FEFF); only one may open the "
      "file";
  EXPECT_EQ(parse_tenant_list("\xEF\xBB\xBF\xEF\xBB\xBF\t\t/h_\n", "t.csv", 2).status().message(),
            "t.csv:1: the tenant name starts with a byte order mark (U+FEFF); only one may open "
            "the file");
  EXPECT_EQ(parse_tenant_list("a\n\xEF\xBB\xBF"
                              "b\n",
                              "t.csv", 2)
                .status()
                .message(),
            expected);
}

TEST(TenantList, RefusesNulBytesCrOnlyLinesAndInvalidUtf8WithTheirLine) {
  using namespace std::string_literals;
  EXPECT_EQ(parse_tenant_list("a\nb\0c\n"s, "t.csv", 2).status().message(),
            "t.csv:2: holds a NUL byte");
  EXPECT_EQ(parse_tenant_list("a\rb\rc\r", "t.csv", 2).status().message(),
            "t.csv:1: holds a carriage return not followed by a line feed; lines must end with "
            "LF or CRLF");
  EXPECT_EQ(parse_tenant_list("a\r\nb\r\n\xC3\x28\n", "t.csv", 2).status().message(),
            "t.csv:3: holds bytes that are not UTF-8");
  EXPECT_TRUE(parse_tenant_list("caf\xC3\xA9\r\n\xF0\x9F\x98\x80\n", "t.csv", 2).is_ok());
}

// A value as long as a line allows is shown cut (base/cut.h), in each message naming one.
TEST(TenantList, EveryMessageCutsALongValue) {
  const std::string v(5000, 'v');
  const std::string shown = std::string(40, 'v') + "...";
  EXPECT_EQ(parse_tenant_list("a," + v + "\n", "t.csv", 2).status().message(),
            "t.csv:1: weight '" + shown + "' must be a whole number from 1 to 4294967295");
  EXPECT_EQ(parse_tenant_list("a,1," + v + "\n", "t.csv", 2).status().message(),
            "t.csv:1: shard size '" + shown + "' must be a whole number from 1 to 4294967295");
  EXPECT_EQ(parse_tenant_list(v + "\n" + v + "\n", "t.csv", 2).status().message(),
            "t.csv:2: tenant '" + shown + "' is listed twice (first on line 1)");
}

// A line may hold 1 MiB (kMaxLineBytes); a longer one is refused naming its file and line.
TEST(TenantList, ALineLongerThanTheLimitIsALocatedError) {
  const std::string longest(kMaxLineBytes, 'n');
  Result<std::vector<Tenant>> list = parse_tenant_list("a\n" + longest + "\n", "t.csv", 2);
  ASSERT_TRUE(list.is_ok()) << list.status().message();
  EXPECT_EQ((*list)[1].name.size(), kMaxLineBytes);
  EXPECT_EQ(parse_tenant_list("a\n" + longest + "n\nb\n", "t.csv", 2).status().message(),
            "t.csv:2: the line is 1048577 bytes long, more than the 1048576 bytes (1 MiB) a line "
            "may hold");
  EXPECT_EQ(parse_tenant_list("a\n" + longest + "n", "t.csv", 2).status().message(),
            "t.csv:2: the line is 1048577 bytes long, more than the 1048576 bytes (1 MiB) a line "
            "may hold");
}

}  // namespace
}  // namespace cellkit
