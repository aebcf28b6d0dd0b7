#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cellkit/io/mapping_file.h"

namespace cellkit {
namespace {

MappingDocument sample_document() {
  MappingDocument doc;
  doc.zone_names = {"us-east-1a", "us-east-1b"};
  EXPECT_TRUE(doc.fleet.add({.id = CellId{0}, .name = "cell-0", .zone = ZoneId{0}}).is_ok());
  EXPECT_TRUE(doc.fleet
                  .add({.id = CellId{1},
                        .name = "cell \"one\"",
                        .zone = ZoneId{1},
                        .capacity = 7,
                        .state = CellState::kDraining,
                        .healthy = false})
                  .is_ok());
  EXPECT_TRUE(doc.fleet.add({.id = CellId{5}, .name = "cell-5", .zone = ZoneId{1}}).is_ok());
  doc.tenants = {{.id = TenantId{0}, .name = "acme", .shard_size = 2},
                 {.id = TenantId{3}, .name = "ünïcode", .shard_size = 3, .weight = 9}};
  doc.mapping.assign(TenantId{0}, {CellId{5}, CellId{0}});
  doc.mapping.assign(TenantId{3}, {CellId{1}});
  doc.strategy = "shuffle";
  doc.seed = 18446744073709551615ull;
  doc.max_overlap = 2;
  doc.zone_aware = true;
  return doc;
}

std::string error_of(std::string_view text) {
  Result<MappingDocument> doc = parse_mapping_json(text, "m.json");
  EXPECT_FALSE(doc.is_ok());
  return doc.status().message();
}

constexpr std::string_view kHeader = "{\"format\": \"cellkit.mapping\", \"version\": 1,\n";

TEST(MappingJson, ParseOfWriteGivesTheSameDocument) {
  const MappingDocument doc = sample_document();
  Result<MappingDocument> back = parse_mapping_json(write_mapping_json(doc), "m.json");
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, doc);
}

TEST(MappingJson, WritesOneCellAndOneTenantPerLine) {
  const std::string text = write_mapping_json(sample_document());
  EXPECT_NE(text.find("    {\"id\": 1, \"name\": \"cell \\\"one\\\"\", \"zone\": \"us-east-1b\", "
                      "\"capacity\": 7, \"state\": \"draining\", \"healthy\": false},\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("    {\"id\": 0, \"name\": \"acme\", \"cells\": [\"cell-5\", \"cell-0\"]},\n"),
      std::string::npos)
      << text;
}

TEST(MappingJson, DefaultsOptionalFields) {
  Result<MappingDocument> doc =
      parse_mapping_json(std::string(kHeader) +
                             "\"cells\": [{\"name\": \"a\"}, {\"name\": \"b\"}],\n"
                             "\"tenants\": [{\"name\": \"t\", \"cells\": [\"b\", \"a\"]}, "
                             "{\"name\": \"u\", \"cells\": [\"a\"]}]}",
                         "m.json");
  ASSERT_TRUE(doc.is_ok()) << doc.status().message();
  EXPECT_EQ(doc->fleet.cell(CellId{1}).name, "b");
  EXPECT_EQ(doc->fleet.cell(CellId{1}).state, CellState::kActive);
  EXPECT_EQ(doc->tenants[1].id, TenantId{1});
  EXPECT_EQ(doc->tenants[0].shard_size, 2u);
  EXPECT_EQ(doc->tenants[0].weight, 1u);
  EXPECT_EQ(doc->mapping.shard(TenantId{0}), (Shard{CellId{1}, CellId{0}}));
  EXPECT_EQ(doc->strategy, "");
}

TEST(MappingJson, SyntaxErrorNamesLineAndColumn) {
  EXPECT_EQ(error_of("{\n  \"format\": \"cellkit.mapping\",\n  \"version\": x\n}"),
            "m.json:3:14: invalid JSON: syntax error while parsing value - invalid literal; "
            "last read: '\"version\": x'");
}

// An unterminated string is the token the parser last read: it is cut, not printed whole.
TEST(MappingJson, ASyntaxErrorCutsTheLongTokenItLastRead) {
  const std::string doc = "{\n  \"strategy\": \"" + std::string(20000, '[') + "\n}";
  EXPECT_EQ(error_of(doc),
            "m.json:2:20016: invalid JSON: syntax error while parsing value - invalid "
            "string: control character U+000A (LF) must be escaped to \\u000A or "
            "\\n; last read: '\"" +
                std::string(39, '[') + "...'");
}

TEST(MappingJson, AnUnknownCellsLongNameIsCut) {
  const std::string name(5000, 'c');
  const std::string doc =
      "{\"format\": \"cellkit.mapping\", \"version\": 1, \"cells\": "
      "[{\"id\": 0, \"name\": \"a\"}], \"tenants\": [{\"name\": \"t\", "
      "\"cells\": [\"" +
      name + "\"]}]}";
  const std::string error = error_of(doc);
  EXPECT_LT(error.size(), 200u) << error;
  EXPECT_NE(error.find("names unknown cell \"" + std::string(40, 'c') + "...\""), std::string::npos)
      << error;
}

TEST(MappingJson, RefusesAnotherVersion) {
  EXPECT_EQ(error_of("{\"format\": \"cellkit.mapping\",\n \"version\": 3, \"cells\": []}"),
            "m.json:2:13: 'version' 3 is not supported; this cellkit reads versions 1 and 2");
}

TEST(MappingJson, WritesVersionOneUnlessAVersionTwoFieldIsUsed) {
  MappingDocument doc = sample_document();
  EXPECT_NE(write_mapping_json(doc).find("\"version\": 1,\n"), std::string::npos);
  doc.routing_version = 7;
  EXPECT_NE(write_mapping_json(doc).find("\"version\": 2,\n  \"routing_version\": 7,\n"),
            std::string::npos);
}

TEST(MappingJson, RoundTripsEndpointsRoutingVersionAndAllowEmpty) {
  MappingDocument doc = sample_document();
  doc.routing_version = 12;
  doc.allow_empty = true;
  Cell c = doc.fleet.cell(CellId{0});
  ASSERT_TRUE(doc.fleet.remove(CellId{0}).is_ok());
  c.endpoint = "127.0.0.1:4001";
  ASSERT_TRUE(doc.fleet.add(c).is_ok());
  const std::string text = write_mapping_json(doc);
  EXPECT_NE(text.find("\"healthy\": true, \"endpoint\": \"127.0.0.1:4001\"}"), std::string::npos)
      << text;
  Result<MappingDocument> back = parse_mapping_json(text, "m.json");
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, doc);
}

TEST(MappingJson, WritesTheFillAsVersionTwoAndReadsItBack) {
  MappingDocument doc = sample_document();
  doc.fill = PlacementFill{.placed = 2, .bound = 1015};
  const std::string text = write_mapping_json(doc);
  EXPECT_NE(text.find("\"version\": 2,\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  \"max_overlap\": 2,\n  \"fill\": {\"placed\": 2, \"bound\": 1015},\n"),
            std::string::npos)
      << text;
  Result<MappingDocument> back = parse_mapping_json(text, "m.json");
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(*back, doc);
}

TEST(MappingJson, RefusesAFillThatIsNotPlacedAtMostAPositiveBound) {
  const std::string shape = "'fill' must be {\"placed\": P, \"bound\": B} with P <= B and B >= 1";
  EXPECT_EQ(
      error_of(std::string(kHeader) + "\"fill\": {\"placed\": 5, \"bound\": 4}, \"cells\": []}"),
      "m.json:2:9: " + shape);
  EXPECT_EQ(
      error_of(std::string(kHeader) + "\"fill\": {\"placed\": 0, \"bound\": 0}, \"cells\": []}"),
      "m.json:2:9: " + shape);
  EXPECT_EQ(error_of(std::string(kHeader) + "\"fill\": 0.5, \"cells\": []}"),
            "m.json:2:9: " + shape);
}

TEST(MappingJson, RefusesAnEndpointThatIsNotHostPort) {
  EXPECT_EQ(error_of(std::string(kHeader) +
                     "\"cells\": [\n{\"name\": \"a\", \"endpoint\": \"127.0.0.1\"}]}"),
            "m.json:3:1: cells[0]: 'endpoint' must be \"host:port\" (port 1 to 65535), got "
            "\"127.0.0.1\"");
  EXPECT_EQ(error_of(std::string(kHeader) + "\"routing_version\": 0, \"cells\": []}"),
            "m.json:2:20: 'routing_version' must be at least 1");
}

TEST(MappingJson, RefusesAnotherFormat) {
  EXPECT_EQ(error_of("{\"format\": \"other\", \"version\": 1}"),
            "m.json:1:12: 'format' must be \"cellkit.mapping\", got \"other\"");
}

TEST(MappingJson, UnknownCellNameNamesTenantAndLine) {
  EXPECT_EQ(error_of(std::string(kHeader) +
                     "\"cells\": [{\"name\": \"a\"}],\n\"tenants\": [\n  {\"name\": \"t\", "
                     "\"cells\": [\"a\"]},\n  {\"name\": \"u\", \"cells\": [\"zz\"]}\n]}"),
            "m.json:5:3: tenants[1]: 'cells' names unknown cell \"zz\"");
}

TEST(MappingJson, UnknownKeyListsAllowedKeys) {
  EXPECT_EQ(error_of(std::string(kHeader) + "\"cells\": [\n{\"name\": \"a\", \"capasity\": 3}]}"),
            "m.json:3:1: cells[0]: unknown key 'capasity'; allowed keys: capacity, endpoint, "
            "healthy, id, name, state, zone");
}

TEST(MappingJson, BadNumberNamesKeyAndValue) {
  EXPECT_EQ(
      error_of(std::string(kHeader) + "\"cells\": [{\"name\": \"a\", \"capacity\": -3}]}"),
      "m.json:2:11: cells[0]: 'capacity' must be a whole number from 0 to 4294967295, got -3");
}

TEST(MappingJson, ACellWithoutIdAfterTheLargestIdIsRefused) {
  EXPECT_EQ(error_of(std::string(kHeader) + "\"cells\": [{\"id\": 16777215, \"name\": \"a\"},\n" +
                     "{\"name\": \"b\"}]}"),
            "m.json:3:1: cells[1]: a cell without 'id' gets the previous id + 1 (16777216), past "
            "the largest cell id 16777215");
}

TEST(MappingJson, ACellWithoutIdTakesTheLargestIdWhenItIsFree) {
  Result<MappingDocument> doc = parse_mapping_json(
      std::string(kHeader) +
          "\"cells\": [{\"id\": 16777214, \"name\": \"a\"}, {\"name\": \"b\"}], \"tenants\": []}",
      "m.json");
  ASSERT_TRUE(doc.is_ok()) << doc.status().message();
  EXPECT_EQ(doc->fleet.cell(CellId{16777215}).name, "b");
}

TEST(MappingJson, BadStateListsAllowedStates) {
  EXPECT_EQ(error_of(std::string(kHeader) + "\"cells\": [{\"name\": \"a\", \"state\": \"gone\"}]}"),
            "m.json:2:11: cells[0]: 'state' must be active, draining or disabled, got \"gone\"");
}

TEST(MappingJson, DuplicateTenantNamesFirstPlace) {
  EXPECT_EQ(error_of(std::string(kHeader) +
                     "\"cells\": [{\"name\": \"a\"}], \"tenants\": [{\"name\": \"t\", \"cells\": "
                     "[\"a\"]}, {\"name\": \"t\", \"cells\": [\"a\"]}]}"),
            "m.json:2:70: tenants[1]: tenant 't' is listed twice (first at tenants[0])");
}

TEST(MappingJson, RepeatedCellInShardIsRefused) {
  EXPECT_EQ(error_of(std::string(kHeader) +
                     "\"cells\": [{\"name\": \"a\"}], \"tenants\": [{\"name\": \"t\", \"cells\": "
                     "[\"a\", \"a\"]}]}"),
            "m.json:2:39: tenants[0]: 'cells' repeats cell \"a\"");
}

TEST(MappingJson, UnknownZoneIsRefused) {
  EXPECT_EQ(error_of(std::string(kHeader) +
                     "\"zones\": [\"z1\"], \"cells\": [{\"name\": \"a\", \"zone\": \"z2\"}], "
                     "\"tenants\": []}"),
            "m.json:2:28: cells[0]: 'zone' names unknown zone \"z2\"; list it in 'zones'");
}

TEST(MappingJson, DecreasingTenantIdsAreRefused) {
  EXPECT_EQ(error_of(std::string(kHeader) +
                     "\"cells\": [{\"name\": \"a\"}], \"tenants\": [{\"id\": 4, \"name\": \"t\", "
                     "\"cells\": [\"a\"]}, {\"id\": 2, \"name\": \"u\", \"cells\": [\"a\"]}]}"),
            "m.json:2:79: tenants[1]: 'id' 2 must be greater than the previous tenant's id 4");
}

TEST(MappingJson, MissingCellsIsRefused) {
  EXPECT_EQ(error_of(std::string(kHeader) + "\"tenants\": []}"), "m.json:1:1: 'cells' is missing");
}

TEST(MappingJson, NestingDeeperThanTheLimitIsALocatedErrorNotACrash) {
  const std::string deep(80000, '[');
  EXPECT_EQ(error_of("{\"format\": " + deep),
            "m.json:1:75: nested deeper than 64 levels (arrays and objects)");
  const std::string ok = std::string(63, '[') + std::string(63, ']');
  EXPECT_EQ(error_of("{\"format\": " + ok + "}"),
            "m.json:1:12: 'format' must be a string, got an array of 1 elements");
}

TEST(MappingJson, BracketsInsideStringsDoNotCountAsNesting) {
  const std::string name = "\\\"" + std::string(100, '[');
  EXPECT_EQ(error_of("{\"format\": \"" + name + "\"}").substr(0, 30),
            "m.json:1:12: 'format' must be ");
}

TEST(MappingJson, ABadValueIsShownCutNeverWhole) {
  const std::string long_name(1000, 'x');
  EXPECT_EQ(error_of("{\"format\": \"cellkit.mapping\", \"version\": \"" + long_name + "\"}"),
            "m.json:1:42: 'version' \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... is not supported; "
            "this cellkit reads versions 1 and 2");
}

TEST(MappingJson, ATenantWithoutIdAfterTheLargestIdIsRefusedNotWrapped) {
  EXPECT_EQ(error_of(R"({"format": "cellkit.mapping", "version": 1,
  "cells": [{"name": "a"}, {"name": "b"}],
  "tenants": [{"id": 0, "name": "x", "cells": ["a"]},
              {"id": 4294967295, "name": "y", "cells": ["a"]},
              {"name": "z", "cells": ["b"]}]})"),
            "m.json:5:15: tenants[2]: a tenant without 'id' gets the previous id + 1 "
            "(4294967296), past the largest tenant id 4294967295");
}

TEST(MappingJson, ANumberBeyondADoubleIsRefusedByKeyAndPlaceNotReadAsInfinity) {
  EXPECT_EQ(error_of(R"({"format": "cellkit.mapping", "version": 1,
  "cells": [{"name": "a", "capacity": 1e400}], "tenants": []})"),
            "m.json:2:39: 'capacity' is 1e400, too large for any number a mapping holds");
  EXPECT_EQ(error_of("{\"zones\": [\"1e400\", 2, -1E+999]}"),
            "m.json:1:24: a number is -1E+999, too large for any number a mapping holds");
}

TEST(MappingJson, ANulByteInANameIsRefusedWithItsPlace) {
  EXPECT_EQ(error_of(R"({"format": "cellkit.mapping", "version": 1,
  "cells": [{"name": "a"}], "tenants": [{"name": "x\u0000y", "cells": ["a"]}]})"),
            "m.json:2:41: tenants[0]: 'name' holds a NUL byte (\\u0000); names are text");
}

TEST(MappingJson, WriteFileAtomicallyReplacesContents) {
  const std::string path = testing::TempDir() + "/atomic_mapping.json";
  ASSERT_TRUE(write_file_atomically(path, "first").is_ok());
  ASSERT_TRUE(write_file_atomically(path, "second").is_ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "second");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::filesystem::remove(path);
}

TEST(MappingJson, WriteFileAtomicallyNamesUnwritablePath) {
  Status s = write_file_atomically("/nonexistent-dir/m.json", "x");
  EXPECT_EQ(s.message(), "cannot write '/nonexistent-dir/m.json': No such file or directory");
}

// Printable text with quotes and backslashes (names are UTF-8; invalid bytes are not kept).
rc::Gen<std::string> printable() {
  return rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127));
}

RC_GTEST_PROP(MappingJson, RoundTripsRandomDocuments, ()) {
  MappingDocument doc;
  const auto zones = *rc::gen::inRange<std::size_t>(0, 4);
  for (std::size_t z = 0; z < zones; ++z)
    doc.zone_names.push_back("z" + std::to_string(z));
  const auto cells = *rc::gen::inRange<std::uint32_t>(1, 12);
  for (std::uint32_t c = 0; c < cells; ++c) {
    Cell cell{
        .id = CellId{c * 2 + 1},
        .name = *printable() + "#" + std::to_string(c),
        .zone = ZoneId{static_cast<std::uint16_t>(zones == 0 ? 0 : c % zones)},
        .capacity = *rc::gen::arbitrary<std::uint32_t>(),
        .state = *rc::gen::element(CellState::kActive, CellState::kDraining, CellState::kDisabled),
        .healthy = *rc::gen::arbitrary<bool>()};
    RC_ASSERT(doc.fleet.add(cell).is_ok());
  }
  const auto tenants = *rc::gen::inRange<std::uint32_t>(0, 20);
  for (std::uint32_t t = 0; t < tenants; ++t) {
    const auto size = *rc::gen::inRange<std::uint32_t>(1, cells + 1);
    Shard shard;
    for (std::uint32_t i = 0; i < size; ++i)
      shard.push_back(CellId{((t + i) % cells) * 2 + 1});
    doc.tenants.push_back({.id = TenantId{t * 3},
                           .name = "t" + std::to_string(t) + *printable(),
                           .shard_size = *rc::gen::inRange<std::uint32_t>(1, 9),
                           .weight = *rc::gen::arbitrary<std::uint32_t>()});
    doc.mapping.assign(TenantId{t * 3}, shard);
  }
  doc.strategy = *printable();
  doc.seed = *rc::gen::arbitrary<std::uint64_t>();
  if (*rc::gen::arbitrary<bool>()) doc.max_overlap = *rc::gen::arbitrary<std::uint32_t>();
  doc.zone_aware = *rc::gen::arbitrary<bool>();
  Result<MappingDocument> back = parse_mapping_json(write_mapping_json(doc), "r.json");
  RC_ASSERT(back.is_ok());
  RC_ASSERT(*back == doc);
}

}  // namespace
}  // namespace cellkit

namespace cellkit {
namespace {

TEST(MappingJson, WritesInvalidUtf8AsReplacementCharacters) {
  MappingDocument doc;
  ASSERT_TRUE(doc.fleet.add({.id = CellId{0}, .name = std::string("bad\xff")}).is_ok());
  const std::string text = write_mapping_json(doc);
  EXPECT_NE(text.find("\"bad\xef\xbf\xbd\""), std::string::npos) << text;
  EXPECT_TRUE(parse_mapping_json(text, "m.json").is_ok());
}

TEST(MappingJson, TenantsMayComeBeforeCells) {
  Result<MappingDocument> doc = parse_mapping_json(
      "{\"tenants\": [{\"name\": \"t\", \"cells\": [\"a\"]}], \"format\": \"cellkit.mapping\", "
      "\"version\": 1, \"cells\": [{\"name\": \"a\"}]}",
      "m.json");
  ASSERT_TRUE(doc.is_ok()) << doc.status().message();
  EXPECT_EQ(doc->mapping.shard(TenantId{0}), Shard{CellId{0}});
}

TEST(MappingJson, ATenantThatIsNotAnObjectIsNamed) {
  EXPECT_EQ(error_of(std::string(kHeader) +
                     "\"cells\": [{\"name\": \"a\"}], \"tenants\": [{\"name\": \"t\", \"cells\": "
                     "[\"a\"]}, 7]}"),
            "m.json:2:70: tenants[1]: a tenant must be an object");
}

TEST(MappingJson, TenantsThatAreNotAnArrayAreRefused) {
  EXPECT_EQ(
      error_of(std::string(kHeader) + "\"cells\": [], \"tenants\": {\"t\": {\"name\": \"t\"}}}"),
      "m.json:2:25: 'tenants' must be an array of tenants");
}

// Keys and names as long as a document allows are shown cut (base/cut.h).
TEST(MappingJson, EveryMessageNamingAKeyOrNameCutsIt) {
  const std::string n(5000, 'n');
  const std::string shown = std::string(40, 'n') + "...";
  EXPECT_EQ(error_of(std::string(kHeader) + "\"cells\": [\n{\"name\": \"a\", \"" + n + "\": 3}]}"),
            "m.json:3:1: cells[0]: unknown key '" + shown +
                "'; allowed keys: capacity, endpoint, healthy, id, name, state, zone");
  EXPECT_EQ(
      error_of(std::string(kHeader) + "\"zones\": [\"" + n + "\", \"" + n + "\"], \"cells\": []}"),
      "m.json:2:5015: zones[1]: zone '" + shown + "' is listed twice");
  EXPECT_EQ(
      error_of(std::string(kHeader) +
               "\"cells\": [{\"name\": \"a\"}], \"tenants\": [{\"name\": \"" + n +
               "\", \"cells\": [\"a\"]}, {\"name\": \"" + n + "\", \"cells\": [\"a\"]}]}"),
      "m.json:2:5069: tenants[1]: tenant '" + shown + "' is listed twice (first at tenants[0])");
}

}  // namespace
}  // namespace cellkit
