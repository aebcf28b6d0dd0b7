#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cellkit/base/random.h"

#include "cellkit/io/mapping_file.h"

namespace cellkit {
namespace {

std::string error_of(std::string_view text, const ReadOptions& options = {}) {
  Result<MappingDocument> doc = parse_mapping_csv(text, "m.csv", options);
  EXPECT_FALSE(doc.is_ok());
  return doc.status().message();
}

TEST(MappingCsv, ReadsTenantsAndCreatesCellsInOrderOfFirstUse) {
  Result<MappingDocument> doc =
      parse_mapping_csv("# a comment\nacme,c2,c1\n\nglobex, c1 ,c3\r\n", "m.csv");
  ASSERT_TRUE(doc.is_ok()) << doc.status().message();
  ASSERT_EQ(doc->tenants.size(), 2u);
  EXPECT_EQ(doc->tenants[1].name, "globex");
  EXPECT_EQ(doc->tenants[1].shard_size, 2u);
  ASSERT_EQ(doc->fleet.size(), 3u);
  EXPECT_EQ(doc->fleet.cell(CellId{0}).name, "c2");
  EXPECT_EQ(doc->fleet.cell(CellId{2}).name, "c3");
  EXPECT_EQ(doc->mapping.shard(TenantId{0}), (Shard{CellId{0}, CellId{1}}));
  EXPECT_EQ(doc->mapping.shard(TenantId{1}), (Shard{CellId{1}, CellId{2}}));
  EXPECT_EQ(doc->strategy, "csv import");
}

TEST(MappingCsv, ReadsALastLineWithoutNewline) {
  Result<MappingDocument> doc = parse_mapping_csv("a,x\nb,y", "m.csv");
  ASSERT_TRUE(doc.is_ok());
  EXPECT_EQ(doc->tenants.size(), 2u);
}

TEST(MappingCsv, WriteThenParseGivesTheSameDocument) {
  const MappingDocument doc = *parse_mapping_csv("acme,c2,c1\nglobex,c1,c3\ninitech,c4\n", "m.csv");
  const std::string text = write_mapping_csv(doc);
  EXPECT_EQ(text, "acme,c2,c1\nglobex,c1,c3\ninitech,c4\n");
  EXPECT_EQ(*parse_mapping_csv(text, "m.csv"), doc);
}

TEST(MappingCsv, NamesTheLineOfATenantListedTwice) {
  EXPECT_EQ(error_of("acme,a,b\n\nglobex,a\nacme,c\n"),
            "m.csv:4: tenant 'acme' is listed twice (first on line 1)");
}

TEST(MappingCsv, RejectsACellRepeatedWithinAShard) {
  EXPECT_EQ(error_of("acme,a,b,a\n"), "m.csv:1: tenant 'acme' lists cell 'a' twice");
}

TEST(MappingCsv, RejectsAnEmptyShard) {
  EXPECT_EQ(
      error_of("acme,a\nglobex\n"),
      "m.csv:2: tenant 'globex' has no cells (an empty shard); expected tenant,cell,cell,...");
}

TEST(MappingCsv, RejectsMalformedLines) {
  EXPECT_EQ(error_of(",a,b\n"), "m.csv:1: malformed line: the tenant name is empty");
  EXPECT_EQ(error_of("acme,a,,b\n"), "m.csv:1: malformed line: field 3 is empty");
  EXPECT_EQ(error_of("acme,a,\n"), "m.csv:1: malformed line: field 3 is empty");
  EXPECT_EQ(error_of("\"acme\",a\n"),
            "m.csv:1: malformed line: field 1 has a quote; names may not be quoted");
}

TEST(MappingCsv, RejectsUnknownCellsWhenAFleetIsGiven) {
  Fleet fleet;
  ASSERT_TRUE(fleet.add({.id = CellId{4}, .name = "a"}).is_ok());
  ASSERT_TRUE(fleet.add({.id = CellId{9}, .name = "b"}).is_ok());
  ReadOptions options;
  options.fleet = &fleet;
  EXPECT_EQ(error_of("acme,a,b\nglobex,a,z\n", options),
            "m.csv:2: tenant 'globex' names cell 'z', which is not in the fleet");
  Result<MappingDocument> doc = parse_mapping_csv("acme,b,a\n", "m.csv", options);
  ASSERT_TRUE(doc.is_ok());
  EXPECT_EQ(doc->fleet, fleet);
  EXPECT_EQ(doc->mapping.shard(TenantId{0}), (Shard{CellId{9}, CellId{4}}));
}

TEST(MappingCsv, LenientSkipsBadLinesAndCountsThem) {
  ReadOptions options;
  options.lenient = true;
  ReadReport report;
  Result<MappingDocument> doc = parse_mapping_csv("acme,a,b\nbad,q,q\nglobex,b,c\nacme,d\n# note\n",
                                                  "m.csv", options, &report);
  ASSERT_TRUE(doc.is_ok());
  EXPECT_EQ(doc->tenants.size(), 2u);
  EXPECT_EQ(report.lines, 4u);
  EXPECT_EQ(report.skipped_lines, 2u);
  EXPECT_EQ(report.problems,
            (std::vector<std::string>{"m.csv:2: tenant 'bad' lists cell 'q' twice",
                                      "m.csv:4: tenant 'acme' is listed twice (first on line 1)"}));
  // A skipped line creates no cells: q and d never appear.
  EXPECT_EQ(doc->fleet.size(), 3u);
}

TEST(MappingCsv, LenientKeepsOnlyTheFirstHundredProblems) {
  std::string text;
  for (int i = 0; i < 150; ++i)
    text += ",x\n";
  ReadOptions options;
  options.lenient = true;
  ReadReport report;
  ASSERT_TRUE(parse_mapping_csv(text, "m.csv", options, &report).is_ok());
  EXPECT_EQ(report.skipped_lines, 150u);
  EXPECT_EQ(report.problems.size(), 100u);
}

// Any document the CSV form can express survives write then parse unchanged.
RC_GTEST_PROP(MappingCsvProperty, WriteThenParseRoundTrips, ()) {
  Random random(*rc::gen::arbitrary<std::uint64_t>());
  std::string text;
  const std::uint64_t tenants = random.uniform_int(1, 30);
  for (std::uint64_t t = 0; t < tenants; ++t) {
    text += fmt::format("tenant-{}", t);
    const std::uint64_t k = random.uniform_int(1, 5);
    std::vector<std::uint64_t> cells;
    while (cells.size() < k) {
      const std::uint64_t c = random.index(12);
      if (std::find(cells.begin(), cells.end(), c) == cells.end()) cells.push_back(c);
    }
    for (std::uint64_t c : cells)
      text += fmt::format(",cell-{}", c);
    text += "\n";
  }
  const Result<MappingDocument> doc = parse_mapping_csv(text, "m.csv");
  RC_ASSERT(doc.is_ok());
  RC_ASSERT(write_mapping_csv(*doc) == text);
  RC_ASSERT(*parse_mapping_csv(write_mapping_csv(*doc), "m.csv") == *doc);
}

}  // namespace
}  // namespace cellkit
