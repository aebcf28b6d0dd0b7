#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cellkit/base/limits.h"
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
  const std::string text = *write_mapping_csv(doc);
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

// Long lines are checked by sorting, not pair by pair (issue 14 item 4: 300,000 cells on a
// line took about 4.5e10 comparisons), and name the same cell the pairwise check named: the
// first field that repeats an earlier one.
TEST(MappingCsv, RejectsACellRepeatedWithinALongShardNamingTheFirstRepeat) {
  std::string line = "acme";
  for (int i = 0; i < 40; ++i)
    line += fmt::format(",c{}", i);
  EXPECT_EQ(error_of(line + ",x,y,y,x\n"), "m.csv:1: tenant 'acme' lists cell 'y' twice");
  EXPECT_EQ(error_of(line + ",c7,c3\n"), "m.csv:1: tenant 'acme' lists cell 'c7' twice");
  EXPECT_TRUE(parse_mapping_csv(line + ",x\n", "m.csv").is_ok());
  std::string huge = "acme";
  for (int i = 0; i < 100'000; ++i)  // 688,894 bytes: within the 1 MiB a line may hold
    huge += fmt::format(",c{}", i);
  EXPECT_EQ(error_of(huge + ",c50000\n"), "m.csv:1: tenant 'acme' lists cell 'c50000' twice");
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
  RC_ASSERT(*write_mapping_csv(*doc) == text);
  RC_ASSERT(*parse_mapping_csv(*write_mapping_csv(*doc), "m.csv") == *doc);
}

// A document with these tenant and cell names, built the way the CSV reader builds one:
// cells get ids in order of first use, tenant i gets cells i % c, (i + 1) % c, ...
MappingDocument document_named(const std::vector<std::string>& tenants,
                               const std::vector<std::string>& cells, std::size_t shard_size) {
  MappingDocument doc;
  doc.strategy = "csv import";
  std::vector<bool> added(cells.size(), false);
  std::vector<CellId> ids(cells.size());
  for (std::size_t t = 0; t < tenants.size(); ++t) {
    const TenantId id{static_cast<std::uint32_t>(t)};
    Shard shard;
    for (std::size_t j = 0; j < shard_size; ++j) {
      const std::size_t c = (t + j) % cells.size();
      if (!added[c]) {
        ids[c] = CellId{static_cast<std::uint32_t>(doc.fleet.size())};
        EXPECT_TRUE(doc.fleet.add({.id = ids[c], .name = cells[c]}).is_ok());
        added[c] = true;
      }
      shard.push_back(ids[c]);
    }
    doc.tenants.push_back({.id = id,
                           .name = tenants[t],
                           .shard_size = static_cast<std::uint32_t>(shard_size),
                           .weight = 1});
    doc.mapping.assign(id, std::move(shard));
  }
  return doc;
}

TEST(MappingCsv, WriterRefusesATenantNameWithACommaByName) {
  const Result<std::string> text = write_mapping_csv(document_named({"acme", "a,b"}, {"c1"}, 1));
  EXPECT_EQ(text.status().message(),
            "tenant 'a,b' cannot be written as CSV: it holds a comma; CSV names cannot hold "
            "commas, quotes or line breaks, nor start or end with a blank, nor (tenants) start "
            "with '#'");
}

TEST(MappingCsv, WriterRefusesNamesTheReaderWouldChange) {
  const auto refusal = [](const std::string& tenant, const std::string& cell) {
    const Result<std::string> text = write_mapping_csv(document_named({tenant}, {cell}, 1));
    return text.is_ok() ? std::string("written")
                        : text.status().message().substr(
                              0, text.status().message().find(" cannot be written"));
  };
  EXPECT_EQ(refusal("#acme", "c1"), "tenant '#acme'");
  EXPECT_EQ(refusal(" acme", "c1"), "tenant ' acme'");
  EXPECT_EQ(refusal("ac\nme", "c1"), "tenant 'ac\\nme'");
  EXPECT_EQ(refusal("acme", "c1\t"), "cell 'c1\\t'");
  EXPECT_EQ(refusal("acme", "c\"1"), "cell 'c\"1'");
  EXPECT_EQ(refusal("acme", "#c1"), "written");  // '#' starts a comment only at a line's start
}

// Whether the reader gives `name` back unchanged as a tenant (or as a cell).
bool reader_keeps(const std::string& name, bool tenant) {
  const Result<MappingDocument> doc =
      parse_mapping_csv(tenant ? name + ",c\n" : "t," + name + "\n", "m.csv");
  if (!doc.is_ok() || doc->tenants.size() != 1) return false;
  return tenant ? doc->tenants[0].name == name : doc->fleet.cell(CellId{0}).name == name;
}

// Names made from characters the CSV form treats specially, and plain ones.
rc::Gen<std::vector<std::string>> names() {
  return rc::gen::nonEmpty(rc::gen::uniqueBy<std::vector<std::string>>(
      rc::gen::container<std::string>(rc::gen::elementOf(std::string("ab1 ,#\t\r\n\"-"))),
      [](const std::string& s) { return s; }));
}

// Starting from generated names, not from text that already parsed: the writer either
// refuses (exactly when some name would not come back) or writes text that parses back
// to the same document.
RC_GTEST_PROP(MappingCsvProperty, WriterRefusesOrRoundTripsGeneratedNames, ()) {
  const std::vector<std::string> tenants = *names();
  const std::vector<std::string> cells = *names();
  const std::size_t shard_size = *rc::gen::inRange<std::size_t>(1, cells.size() + 1);
  const MappingDocument doc = document_named(tenants, cells, shard_size);
  bool all_kept = true;
  for (const Tenant& t : doc.tenants)
    all_kept = all_kept && reader_keeps(t.name, true);
  for (const Cell& c : doc.fleet.cells())
    all_kept = all_kept && reader_keeps(c.name, false);
  const Result<std::string> text = write_mapping_csv(doc);
  RC_ASSERT(text.is_ok() == all_kept);
  if (!text.is_ok()) return;
  const Result<MappingDocument> back = parse_mapping_csv(*text, "m.csv");
  RC_ASSERT(back.is_ok());
  RC_ASSERT(*back == doc);
}

TEST(MappingCsv, RefusesCrOnlyLineEndingsInsteadOfReadingOneHugeLine) {
  const Result<MappingDocument> r = parse_mapping_csv("a,c1\rb,c2\r", "m.csv");
  EXPECT_EQ(r.status().message(),
            "m.csv:1: holds a carriage return not followed by a line feed; lines must end with "
            "LF or CRLF");
}

TEST(MappingCsv, RefusesNamesThatAreNotUtf8AndSkipsAByteOrderMark) {
  EXPECT_EQ(parse_mapping_csv("a,c1\nb\xFF,c2\n", "m.csv").status().message(),
            "m.csv:2: holds bytes that are not UTF-8");
  const Result<MappingDocument> r = parse_mapping_csv(
      "\xEF\xBB\xBF"
      "a,c1\n",
      "m.csv");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->tenants[0].name, "a");
}

// Names as long as a line allows are shown cut (base/cut.h), in each message naming one.
TEST(MappingCsv, EveryMessageCutsALongName) {
  const std::string n(5000, 'n');
  const std::string shown = std::string(40, 'n') + "...";
  EXPECT_EQ(error_of(n + ",c," + n + "," + n + "\n"),
            "m.csv:1: tenant '" + shown + "' lists cell '" + shown + "' twice");
  EXPECT_EQ(error_of(n + ",c\n" + n + ",c\n"),
            "m.csv:2: tenant '" + shown + "' is listed twice (first on line 1)");
  EXPECT_EQ(error_of(n + "\n"),
            "m.csv:1: tenant '" + shown +
                "' has no cells (an empty shard); expected tenant,cell,cell,...");
  Fleet fleet;
  ASSERT_TRUE(fleet.add({.id = CellId{0}, .name = "c"}).is_ok());
  EXPECT_EQ(
      error_of(n + "," + n + "\n", {.fleet = &fleet}),
      "m.csv:1: tenant '" + shown + "' names cell '" + shown + "', which is not in the fleet");
}

TEST(MappingCsv, WritingCutsALongNameItCannotCarry) {
  MappingDocument doc;
  ASSERT_TRUE(doc.fleet.add({.id = CellId{0}, .name = "c"}).is_ok());
  doc.tenants = {{.id = TenantId{0}, .name = std::string(5000, 't') + ","}};
  doc.mapping.assign(TenantId{0}, {CellId{0}});
  const std::string shown = std::string(40, 't') + "...";
  EXPECT_EQ(write_mapping_csv(doc).status().message(),
            "tenant '" + shown +
                "' cannot be written as CSV: it holds a comma; CSV names cannot hold commas, "
                "quotes or line breaks, nor start or end with a blank, nor (tenants) start with "
                "'#'");
  doc.tenants[0].name = std::string(5000, 't');
  doc.mapping = Mapping{};
  EXPECT_EQ(write_mapping_csv(doc).status().message(),
            "tenant '" + shown + "' cannot be written as CSV: it has no cells");
}

// A line may hold 1 MiB (kMaxLineBytes); a longer one is refused naming its file and line,
// and the writer refuses to write one rather than write what no reader takes back.
TEST(MappingCsv, ALineLongerThanTheLimitIsRefusedReadingAndWriting) {
  const std::string cells = "t," + std::string(kMaxLineBytes - 2, 'c');
  Result<MappingDocument> doc = parse_mapping_csv("a,b\n" + cells + "\n", "m.csv");
  ASSERT_TRUE(doc.is_ok()) << doc.status().message();
  ASSERT_TRUE(write_mapping_csv(*doc).is_ok());
  EXPECT_EQ(error_of("a,b\n" + cells + ",d\n"),
            "m.csv:2: the line is 1048578 bytes long, more than the 1048576 bytes (1 MiB) a line "
            "may hold");
  doc->tenants[1].name += "t";
  EXPECT_EQ(write_mapping_csv(*doc).status().message(),
            "tenant 'tt' cannot be written as CSV: the line is 1048577 bytes long, more than the "
            "1048576 bytes (1 MiB) a line may hold");
  doc->tenants[1].name = std::string(kMaxLineBytes + 1, 't');
  EXPECT_EQ(write_mapping_csv(*doc).status().message(),
            "tenant '" + std::string(40, 't') +
                "...' cannot be written as CSV: it is longer than the 1 MiB a line may hold; CSV "
                "names cannot hold commas, quotes or line breaks, nor start or end with a blank, "
                "nor (tenants) start with '#'");
}

}  // namespace
}  // namespace cellkit
