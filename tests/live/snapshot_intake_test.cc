// A snapshot offer's body taken piece by piece (SnapshotIntake) gives what the whole body
// gives (parse_flat_snapshot): the same snapshot, or the same located error.
#include "cellkit/live/snapshot_intake.h"

#include <fmt/format.h>
#include <functional>

#include <gtest/gtest.h>

#include "cellkit/core/snapshot_codec.h"
#include "cellkit/live/snapshot_file.h"

namespace cellkit::live {
namespace {

constexpr std::string_view kSource = "PUT /admin/snapshot";

// A mapping of `tenants` tenants on two cells; `name` makes each tenant's name.
std::string mapping(int tenants, const std::function<std::string(int)>& name) {
  std::string text =
      "{\"format\": \"cellkit.mapping\", \"version\": 2, \"routing_version\": 3,\n"
      " \"cells\": [{\"name\": \"c0\", \"endpoint\": \"127.0.0.1:4000\"}, {\"name\": \"c1\"}],\n"
      " \"tenants\": [";
  for (int t = 0; t < tenants; ++t) {
    text += fmt::format("{}\n  {{\"id\": {}, \"name\": \"{}\", \"cells\": [\"c{}\", \"c{}\"]}}",
                        t == 0 ? "" : ",", t, name(t), t % 2, (t + 1) % 2);
  }
  return text + "]}\n";
}

Result<FlatSnapshot> in_pieces(std::string_view body, std::size_t piece) {
  SnapshotIntake intake{std::string(kSource)};
  for (std::size_t at = 0; at < body.size(); at += piece)
    intake.add(body.substr(at, piece));
  return intake.finish();
}

void expect_same_as_whole(std::string_view body) {
  const Result<FlatSnapshot> whole = parse_flat_snapshot(body, kSource);
  for (std::size_t piece : {std::size_t{1}, std::size_t{13}, std::size_t{4096}, body.size() + 1}) {
    SCOPED_TRACE(fmt::format("pieces of {} bytes", piece));
    const Result<FlatSnapshot> taken = in_pieces(body, piece);
    ASSERT_EQ(taken.is_ok(), whole.is_ok()) << taken.status().message();
    if (whole.is_ok()) {
      EXPECT_EQ(*taken, *whole);
    } else {
      EXPECT_EQ(taken.status().message(), whole.status().message());
    }
  }
}

std::string plain_name(int t) {
  return fmt::format("tenant-{}", t);
}

TEST(SnapshotIntake, TakesAMappingInPiecesAsTheWholeBodyReadsIt) {
  const std::string body = mapping(300, plain_name);
  const Result<FlatSnapshot> taken = in_pieces(body, 1000);
  ASSERT_TRUE(taken.is_ok()) << taken.status().message();
  EXPECT_EQ(taken->tenant_names.size(), 300u);
  EXPECT_EQ(taken->version, 3u);
  expect_same_as_whole(body);
  // Names with escapes and names in raw UTF-8, both read as they arrive.
  expect_same_as_whole(mapping(50, [](int t) { return fmt::format("t\\u00e9-{}", t); }));
  expect_same_as_whole(mapping(50, [](int t) { return fmt::format("t\xc3\xa9-{}", t); }));
}

TEST(SnapshotIntake, GivesTheWholeBodysLocatedErrors) {
  const std::string good = mapping(40, plain_name);
  std::string malformed = good;  // broken mid-stream, in tenant 20
  malformed.insert(malformed.find("\"tenant-20\"") + 11, " x");
  std::string unknown_cell = good;
  unknown_cell.replace(unknown_cell.find("\"c1\"]}", good.size() / 2), 4, "\"c9\"");
  for (const std::string& body :
       {malformed, unknown_cell, good.substr(0, good.size() / 2), good.substr(0, good.size() - 3),
        good + "x", std::string("  \n "), std::string(), std::string("CKSNAP02 but not really"),
        std::string("not a snapshot")}) {
    SCOPED_TRACE(body.substr(0, 80));
    ASSERT_FALSE(parse_flat_snapshot(body, kSource).is_ok());
    expect_same_as_whole(body);
  }
  EXPECT_EQ(in_pieces(malformed, 64).status().message(),
            "PUT /admin/snapshot:24:34: invalid JSON: syntax error while parsing object - "
            "invalid literal; last read: '\"tenant-20\" x'; expected '}'");
}

// A name that is not UTF-8 (here an overlong '/') in a body of names in raw UTF-8 is refused
// with the whole body's message, naming its line and column.
TEST(SnapshotIntake, RefusesANameThatIsNotUtf8NamingWhereItIs) {
  std::string body = mapping(40, [](int t) { return fmt::format("t\xc3\xa9-{}", t); });
  body.insert(body.find("-20\""), "\xc0\xaf");
  ASSERT_FALSE(parse_flat_snapshot(body, kSource).is_ok());
  expect_same_as_whole(body);
  EXPECT_EQ(in_pieces(body, 64).status().message(),
            "PUT /admin/snapshot:24:26: invalid JSON: syntax error while parsing value - invalid "
            "string: ill-formed UTF-8 byte; last read: '\"t\xc3\xa9\xc0'");
}

TEST(SnapshotIntake, TakesABinarySnapshotWhole) {
  const Result<FlatSnapshot> flat = parse_flat_snapshot(mapping(20, plain_name), kSource);
  ASSERT_TRUE(flat.is_ok()) << flat.status().message();
  const std::vector<std::byte> encoded = encode_snapshot(*flat);
  expect_same_as_whole(
      std::string_view(reinterpret_cast<const char*>(encoded.data()), encoded.size()));
}

}  // namespace
}  // namespace cellkit::live
