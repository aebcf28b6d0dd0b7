// The flat routing snapshot read straight from mapping JSON (parse_routing_snapshot_json)
// agrees with the document reader: the same snapshot from good documents, the same located
// error from bad ones.
#include "cellkit/io/routing_snapshot.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cellkit/io/mapping_file.h"

namespace cellkit {
namespace {

// What the router did before: the whole document, then its snapshot, then the flat form.
Result<FlatSnapshot> through_document(std::string_view text) {
  Result<MappingDocument> doc = parse_mapping_json(text, "m.json");
  if (!doc.is_ok()) return doc.status();
  return flatten(routing_snapshot_of(*doc));
}

// Both readers give the same snapshot, or both the same message.
void expect_agree(std::string_view text) {
  const Result<FlatSnapshot> flat = parse_routing_snapshot_json(text, "m.json");
  const Result<FlatSnapshot> old = through_document(text);
  ASSERT_EQ(flat.is_ok(), old.is_ok()) << text;
  if (flat.is_ok()) {
    EXPECT_EQ(*flat, *old) << text;
  } else {
    EXPECT_EQ(flat.status().message(), old.status().message()) << text;
  }
}

// What the streaming reader gives for `text` fed in pieces of `piece` bytes.
std::optional<FlatSnapshot> streamed(std::string_view text, std::size_t piece) {
  RoutingSnapshotJsonStream stream;
  for (std::size_t at = 0; at < text.size(); at += piece)
    stream.feed(text.substr(at, piece));
  return stream.finish();
}

constexpr std::string_view kHeadForStream =
    "{\"format\": \"cellkit.mapping\", \"version\": 2, \"routing_version\": 4,\n"
    "\"cells\": [{\"name\": \"a\", \"endpoint\": \"127.0.0.1:4000\"}, {\"name\": \"b\"}],\n";

rc::Gen<std::string> name_text() {
  return rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127));
}

// A document with names (unique: what follows the last '#' is the number), endpoints,
// disabled cells, sparse ids, and shards in any preference order.
MappingDocument random_document() {
  MappingDocument doc;
  const auto cells = *rc::gen::inRange<std::uint32_t>(1, 10);
  for (std::uint32_t c = 0; c < cells; ++c) {
    const bool reachable = *rc::gen::arbitrary<bool>();
    Cell cell{.id = CellId{c * 3 + 2},
              .name = *name_text() + "#" + std::to_string(c),
              .state = *rc::gen::element(CellState::kActive, CellState::kDisabled),
              .endpoint = reachable ? "127.0.0.1:" + std::to_string(4000 + c) : ""};
    RC_ASSERT(doc.fleet.add(cell).is_ok());
  }
  const auto tenants = *rc::gen::inRange<std::uint32_t>(0, 30);
  std::uint32_t id = *rc::gen::inRange<std::uint32_t>(0, 5);
  for (std::uint32_t t = 0; t < tenants; ++t) {
    id += *rc::gen::inRange<std::uint32_t>(1, 4);
    const auto size = *rc::gen::inRange<std::uint32_t>(1, cells + 1);
    const auto offset = *rc::gen::inRange<std::uint32_t>(0, cells);
    Shard shard;
    for (std::uint32_t i = 0; i < size; ++i)
      shard.push_back(CellId{((offset + i) % cells) * 3 + 2});
    doc.tenants.push_back({.id = TenantId{id},
                           .name = *name_text() + "#" + std::to_string(t),
                           .shard_size = static_cast<std::uint32_t>(shard.size())});
    doc.mapping.assign(TenantId{id}, shard);
  }
  if (*rc::gen::arbitrary<bool>()) doc.routing_version = *rc::gen::inRange<std::uint64_t>(1, 99);
  doc.allow_empty = tenants == 0 || *rc::gen::arbitrary<bool>();
  return doc;
}

RC_GTEST_PROP(RoutingSnapshotJson, IsTheSnapshotOfTheDocumentItWasWrittenFrom, ()) {
  const MappingDocument doc = random_document();
  const std::string text = write_mapping_json(doc);
  const Result<FlatSnapshot> flat = parse_routing_snapshot_json(text, "m.json");
  RC_ASSERT(flat.is_ok());
  RC_ASSERT(*flat == flatten(routing_snapshot_of(doc)));
  RC_ASSERT(*flat == *through_document(text));
}

// Whether the streaming reader takes the document: every tenant name and every cell name in
// a shard is written without an escape.
bool plain(const MappingDocument& doc) {
  const auto is_plain = [](std::string_view name) {
    return name.find_first_of("\"\\") == std::string_view::npos;
  };
  for (const Tenant& t : doc.tenants) {
    if (!is_plain(t.name)) return false;
    for (CellId c : doc.mapping.shard(t.id)) {
      if (!is_plain(doc.fleet.cell(c).name)) return false;
    }
  }
  return true;
}

RC_GTEST_PROP(RoutingSnapshotJsonStream, ReadsAWrittenDocumentInPiecesOfAnySize, ()) {
  const MappingDocument doc = random_document();
  const std::string text = write_mapping_json(doc);
  const auto piece = *rc::gen::inRange<std::size_t>(1, text.size() + 1);
  const std::optional<FlatSnapshot> flat = streamed(text, piece);
  RC_ASSERT(flat.has_value() == plain(doc));
  if (flat) RC_ASSERT(*flat == *through_document(text));
}

// A body that ends early is never a snapshot, wherever it stops.
RC_GTEST_PROP(RoutingSnapshotJsonStream, GivesNothingForADocumentCutShort, ()) {
  const std::string text = write_mapping_json(random_document());
  const auto cut = *rc::gen::inRange<std::size_t>(0, text.rfind('}'));
  const auto piece = *rc::gen::inRange<std::size_t>(1, text.size() + 1);
  RC_ASSERT(!streamed(std::string_view(text).substr(0, cut), piece).has_value());
}

TEST(RoutingSnapshotJsonStream, ReadsTheCommonDocumentsAndLeavesTheRestToTheWholeTextReader) {
  const std::string tenants =
      "\"tenants\": [{\"id\": 3, \"name\": \"t\", \"cells\": [\"b\", \"a\"], \"weight\": 2},\n"
      "  {\"name\": \"u\", \"shard_size\": 1, \"cells\": [\"a\"]}]}\n";
  const std::string good = std::string(kHeadForStream) + tenants;
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, good.size()}) {
    const std::optional<FlatSnapshot> flat = streamed(good, piece);
    ASSERT_TRUE(flat.has_value()) << piece;
    EXPECT_EQ(*flat, *through_document(good));
  }
  // Read whole by parse_routing_snapshot_json all the same: an escaped name, a repeated key.
  for (const std::string& other :
       {std::string(kHeadForStream) +
            "\"tenants\": [{\"name\": \"t\\u0041\", \"cells\": [\"a\"]}]}",
        std::string(kHeadForStream) +
            "\"tenants\": [{\"name\": \"t\", \"name\": \"u\", \"cells\": [\"a\"]}]}"}) {
    SCOPED_TRACE(other);
    EXPECT_FALSE(streamed(other, other.size()).has_value());
    ASSERT_TRUE(parse_routing_snapshot_json(other, "m.json").is_ok());
    expect_agree(other);
  }
}

// Any byte deleted or changed to a JSON delimiter, digit or letter: both readers still agree,
// on the snapshot or on the message.
RC_GTEST_PROP(RoutingSnapshotJson, AgreesWithTheDocumentReaderOnMangledDocuments, ()) {
  std::string text = write_mapping_json(random_document());
  const auto changes = *rc::gen::inRange(1, 4);
  for (int i = 0; i < changes && !text.empty(); ++i) {
    const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
    const char c = *rc::gen::element('"', '{', '}', '[', ']', ',', ':', '0', '9', 'x', ' ', '\0');
    if (c == '\0') {
      text.erase(at, 1);
    } else {
      text[at] = c;
    }
  }
  const Result<FlatSnapshot> flat = parse_routing_snapshot_json(text, "m.json");
  const Result<FlatSnapshot> old = through_document(text);
  RC_ASSERT(flat.is_ok() == old.is_ok());
  if (flat.is_ok()) {
    RC_ASSERT(*flat == *old);
  } else {
    RC_ASSERT(flat.status().message() == old.status().message());
  }
  // Streamed in pieces, it takes only what the document reader takes, as the same snapshot.
  const auto piece = *rc::gen::inRange<std::size_t>(1, text.size() + 2);
  if (const std::optional<FlatSnapshot> s = streamed(text, piece)) {
    RC_ASSERT(old.is_ok());
    RC_ASSERT(*s == *old);
  }
}

constexpr std::string_view kHead =
    "{\"format\": \"cellkit.mapping\", \"version\": 2,\n"
    "\"cells\": [{\"name\": \"a\", \"endpoint\": \"127.0.0.1:4000\"}, {\"name\": \"b\"}],\n";

TEST(RoutingSnapshotJson, GivesTheDocumentReadersLocatedErrors) {
  const std::string bad[] = {
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\", \"cells\": [\"c\"]}]}",
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\", \"cells\": [\"a\", \"a\"]}]}",
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\", \"cells\": [\"a\"]},\n" +
          "{\"name\": \"t\", \"cells\": [\"b\"]}]}",
      std::string(kHead) + "\"tenants\": [{\"id\": 4, \"name\": \"t\", \"cells\": [\"a\"]},\n" +
          "{\"id\": 2, \"name\": \"u\", \"cells\": [\"b\"]}]}",
      std::string(kHead) + "\"tenants\": [{\"id\": 4294967295, \"name\": \"t\", \"cells\": " +
          "[\"a\"]}, {\"name\": \"u\", \"cells\": [\"b\"]}]}",
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\", \"cells\": [\"c\"]}, 7]}",
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\", \"cells\": [\"a\"], \"x\": 1}]}",
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\", \"cells\": []}]}",
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\\u0000\", \"cells\": [\"a\"]}]}",
      std::string(kHead) +
          "\"tenants\": [{\"name\": \"t\", \"cells\": [\"a\"], \"weight\": 1e400}]}",
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\", \"cells\": [\"a\"]}",
      std::string(kHead) + "\"tenants\": {}}",
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\", \"cells\": [\"a\"]}], \"version\": 3}",
      std::string("{\"format\": \"cellkit.mapping\", \"version\": 1, \"tenants\": [") +
          "{\"name\": \"t\", \"cells\": [\"a\"]}], \"cells\": [{\"name\": \"a\", \"zone\": "
          "\"z\"}]}",
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]"
      "]]]]"
      "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
  };
  for (const std::string& text : bad) {
    SCOPED_TRACE(text);
    ASSERT_FALSE(parse_routing_snapshot_json(text, "m.json").is_ok());
    expect_agree(text);
  }
  EXPECT_EQ(parse_routing_snapshot_json(bad[0], "m.json").status().message(),
            "m.json:3:13: tenants[0]: 'cells' names unknown cell \"c\"");
  EXPECT_EQ(parse_routing_snapshot_json(bad[2], "m.json").status().message(),
            "m.json:4:1: tenants[1]: tenant 't' is listed twice (first at tenants[0])");
}

// The first bad tenant in document order is the one named, whether the trouble is found while
// reading an element (not an object) or when checking it against the cells (unknown cell).
TEST(RoutingSnapshotJson, NamesTheFirstBadTenantWhateverItsTrouble) {
  const std::string unknown_first =
      std::string(kHead) + "\"tenants\": [{\"name\": \"t\", \"cells\": [\"c\"]}, 7]}";
  EXPECT_EQ(parse_routing_snapshot_json(unknown_first, "m.json").status().message(),
            "m.json:3:13: tenants[0]: 'cells' names unknown cell \"c\"");
  const std::string shape_first =
      std::string(kHead) + "\"tenants\": [7, {\"name\": \"t\", \"cells\": [\"c\"]}]}";
  EXPECT_EQ(parse_routing_snapshot_json(shape_first, "m.json").status().message(),
            "m.json:3:13: tenants[0]: a tenant must be an object");
}

TEST(RoutingSnapshotJson, KeepsTheLastOfTwoTenantLists) {
  const std::string text =
      std::string(kHead) +
      "\"tenants\": [7], \"tenants\": [{\"name\": \"t\", \"cells\": [\"b\"]}]}";
  const Result<FlatSnapshot> flat = parse_routing_snapshot_json(text, "m.json");
  ASSERT_TRUE(flat.is_ok()) << flat.status().message();
  EXPECT_EQ(flat->tenant_names.name(0), "t");
  EXPECT_EQ(flat->shards.shard(0).front(), CellId{1});
  expect_agree(text);
}

}  // namespace
}  // namespace cellkit
