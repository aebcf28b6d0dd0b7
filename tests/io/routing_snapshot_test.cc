// The flat routing snapshot read straight from mapping JSON (parse_routing_snapshot_json)
// agrees with the document reader: the same snapshot from good documents, the same located
// error from bad ones.
#include "cellkit/io/routing_snapshot.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
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

// Text as UTF-8.
std::string utf8(const std::vector<std::uint32_t>& code_points) {
  std::string out;
  for (const std::uint32_t c : code_points) {
    const auto put = [&](std::uint32_t byte) { out += static_cast<char>(byte); };
    if (c < 0x80) {
      put(c);
    } else if (c < 0x800) {
      put(0xc0 | c >> 6), put(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      put(0xe0 | c >> 12), put(0x80 | (c >> 6 & 0x3f)), put(0x80 | (c & 0x3f));
    } else {
      put(0xf0 | c >> 18), put(0x80 | (c >> 12 & 0x3f)), put(0x80 | (c >> 6 & 0x3f)),
          put(0x80 | (c & 0x3f));
    }
  }
  return out;
}

// Names of any text but NUL: mostly printable ASCII (with '"', '\\' and '/'), some control
// characters (written as escapes) and characters of 2, 3 and 4 bytes in UTF-8 (written raw).
rc::Gen<std::string> name_text() {
  const rc::Gen<std::uint32_t> code_point = rc::gen::weightedOneOf<std::uint32_t>(
      {{16, rc::gen::inRange<std::uint32_t>(32, 127)},
       {1, rc::gen::inRange<std::uint32_t>(1, 32)},
       {1, rc::gen::element<std::uint32_t>(0xe9, 0x416, 0x20ac, 0xfffd, 0x1f600, 0x10ffff)}});
  return rc::gen::map(rc::gen::container<std::vector<std::uint32_t>>(code_point), utf8);
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

// Names in raw UTF-8 (characters of 2, 3 and 4 bytes, a piece ending anywhere inside one)
// are read as they arrive, as the document reader reads them.
RC_GTEST_PROP(RoutingSnapshotJsonStream, ReadsAWrittenDocumentInPiecesOfAnySize, ()) {
  const MappingDocument doc = random_document();
  const std::string text = write_mapping_json(doc);
  const auto piece = *rc::gen::inRange<std::size_t>(1, text.size() + 1);
  const std::optional<FlatSnapshot> flat = streamed(text, piece);
  RC_ASSERT(flat.has_value());
  RC_ASSERT(*flat == *through_document(text));
}

// The text with every character beyond ASCII spelled as a \u escape (a surrogate pair past
// U+FFFF, hex digits in either case) and some '~' and '/' as \u007e, \u007E and \/: the same
// document to any JSON reader. Only names hold such characters.
std::string respelled(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      const bool spell = (c == '~' || c == '/') && *rc::gen::arbitrary<bool>();
      out += !spell     ? std::string(1, static_cast<char>(c))
             : c == '/' ? std::string("\\/")
                        : *rc::gen::element<std::string>("\\u007e", "\\u007E");
      ++i;
      continue;
    }
    const std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    std::uint32_t code = c & (0x7f >> n);
    for (std::size_t k = 1; k < n; ++k)
      code = code << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    i += n;
    const bool upper = *rc::gen::arbitrary<bool>();
    const auto escape = [&](std::uint32_t unit) {
      out += upper ? fmt::format("\\u{:04X}", unit) : fmt::format("\\u{:04x}", unit);
    };
    if (code < 0x10000) {
      escape(code);
    } else {
      escape(0xd800 + ((code - 0x10000) >> 10));
      escape(0xdc00 + ((code - 0x10000) & 0x3ff));
    }
  }
  return out;
}

RC_GTEST_PROP(RoutingSnapshotJsonStream, ReadsNamesSpelledWithEscapesInPiecesOfAnySize, ()) {
  const std::string text = respelled(write_mapping_json(random_document()));
  const auto piece = *rc::gen::inRange<std::size_t>(1, text.size() + 1);
  const std::optional<FlatSnapshot> flat = streamed(text, piece);
  RC_ASSERT(flat.has_value());
  RC_ASSERT(*flat == *through_document(text));
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
  // Read whole by parse_routing_snapshot_json all the same: a repeated key, an escaped key.
  for (const std::string& other :
       {std::string(kHeadForStream) +
            "\"tenants\": [{\"name\": \"t\", \"name\": \"u\", \"cells\": [\"a\"]}]}",
        std::string(kHeadForStream) +
            "\"tenants\": [{\"n\\u0061me\": \"t\", \"cells\": [\"a\"]}]}"}) {
    SCOPED_TRACE(other);
    EXPECT_FALSE(streamed(other, other.size()).has_value());
    ASSERT_TRUE(parse_routing_snapshot_json(other, "m.json").is_ok());
    expect_agree(other);
  }
}

// JSON's escapes in names (tenant names and the cell names of a shard) are decoded as the
// document reader decodes them, whatever the pieces.
TEST(RoutingSnapshotJsonStream, DecodesEscapedNamesAsTheDocumentReaderDoes) {
  const std::string text =
      std::string(kHeadForStream) +
      "\"tenants\": [{\"name\": \"t\\u0041\\\"q\\\\b\\/s\\b\\f\\n\\r\\t\", \"cells\": "
      "[\"\\u0062\"]},\n"
      "  {\"name\": \"\\u00e9\\u20AC\\ud83d\\ude00\\uDBFF\\uDFFF\", \"cells\": [\"a\", \"b\"]}]}";
  for (std::size_t piece : {std::size_t{1}, std::size_t{5}, text.size()}) {
    SCOPED_TRACE(piece);
    const std::optional<FlatSnapshot> flat = streamed(text, piece);
    ASSERT_TRUE(flat.has_value());
    EXPECT_EQ(*flat, *through_document(text));
    EXPECT_EQ(flat->tenant_names.name(0), "tA\"q\\b/s\b\f\n\r\t");
    EXPECT_EQ(flat->tenant_names.name(1), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
  }
}

// A name in raw UTF-8 gives the table the same name spelled with escapes gives, tenant names
// and the cell names of a shard alike, whatever the pieces (one may end inside a character).
TEST(RoutingSnapshotJsonStream, ReadsRawUtf8NamesAsTheSameNamesEscaped) {
  const auto document = [](std::string_view cell, std::string_view first, std::string_view second) {
    return fmt::format(
        "{{\"format\": \"cellkit.mapping\", \"version\": 2, \"routing_version\": 4,\n"
        "\"cells\": [{{\"name\": \"a\"}}, {{\"name\": \"{}\"}}],\n"
        "\"tenants\": [{{\"name\": \"{}\", \"cells\": [\"{}\", \"a\"]}},\n"
        "  {{\"name\": \"{}\", \"cells\": [\"a\"]}}]}}",
        cell, first, cell, second);
  };
  const std::string raw = document("c\xc3\xa9ll", "t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
                                   "\xef\xbf\xbd\\n\xf4\x8f\xbf\xbf-\xd0\x96");
  const std::string escaped =
      document("c\\u00e9ll", "t\\u00E9\\u20ac\\ud83d\\ude00", "\\ufffd\\n\\udbff\\udfff-\\u0416");
  const std::optional<FlatSnapshot> expected = streamed(escaped, escaped.size());
  ASSERT_TRUE(expected.has_value());
  EXPECT_EQ(expected->tenant_names.name(0), "t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{3}, raw.size()}) {
    SCOPED_TRACE(piece);
    const std::optional<FlatSnapshot> flat = streamed(raw, piece);
    ASSERT_TRUE(flat.has_value());
    EXPECT_EQ(*flat, *expected);
    EXPECT_EQ(*flat, *through_document(raw));
  }
}

// Bytes in a name that are not UTF-8 (a stray continuation byte, overlong forms, a surrogate,
// a code point past U+10FFFF, a byte no character starts with, a character the closing quote
// cuts short) are left to the document reader, which refuses the document naming where they
// are; in a tenant name, in a cell name of a shard, and after an escape alike.
TEST(RoutingSnapshotJsonStream, LeavesNamesThatAreNotUtf8ToTheWholeTextReader) {
  for (const std::string_view bad : {"\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                                     "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xc3", "\xe2\x82"}) {
    for (const std::string_view where : {"tenant", "cell", "escaped"}) {
      const std::string name = (where == "escaped" ? "t\\n" : "t") + std::string(bad);
      const std::string text = std::string(kHeadForStream) + "\"tenants\": [{\"name\": \"" +
                               (where == "cell" ? "t" : name) + "\", \"cells\": [\"" +
                               (where == "cell" ? name : "a") + "\"]}]}";
      SCOPED_TRACE(text);
      EXPECT_FALSE(streamed(text, 1).has_value());
      EXPECT_FALSE(streamed(text, text.size()).has_value());
      const Result<FlatSnapshot> whole = parse_routing_snapshot_json(text, "m.json");
      ASSERT_FALSE(whole.is_ok());
      EXPECT_THAT(whole.status().message(), ::testing::StartsWith("m.json:3:"));
      EXPECT_THAT(whole.status().message(), ::testing::HasSubstr("ill-formed UTF-8 byte"));
      expect_agree(text);
    }
  }
}

// What the document reader refuses (a bad escape, a lone or unpaired surrogate, U+0000 in a
// name or a cell name) is left to it, and it names the error.
TEST(RoutingSnapshotJsonStream, LeavesBadEscapesToTheWholeTextReader) {
  for (const std::string_view name : {"t\\x", "t\\u12G4", "t\\u12", "t\\ud83d", "t\\ude00",
                                      "t\\ud83dx", "t\\ud83d\\u0041", "t\\u0000"}) {
    for (const bool cell : {false, true}) {
      const std::string text = std::string(kHeadForStream) + "\"tenants\": [{\"name\": \"" +
                               std::string(cell ? "t" : name) + "\", \"cells\": [\"" +
                               std::string(cell ? name : "a") + "\"]}]}";
      SCOPED_TRACE(text);
      EXPECT_FALSE(streamed(text, 3).has_value());
      EXPECT_FALSE(parse_routing_snapshot_json(text, "m.json").is_ok());
      expect_agree(text);
    }
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
