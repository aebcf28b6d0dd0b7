// Mapping JSON read into the flat routing snapshot as its bytes arrive (RoutingSnapshotJsonStream).
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cellkit/io/routing_snapshot.h"
#include "io/json_source_map.h"
#include "io/tenant_rows.h"
#include "io/text_fields.h"

namespace cellkit {
namespace {

// A tenant's unread bytes are kept until the tenant is whole; one longer than this, or a
// document whose fields other than "tenants" are longer, is left to the whole-text reader.
constexpr std::size_t kMaxPending = std::size_t{1} << 20;
constexpr std::size_t kMaxHead = std::size_t{16} << 20;
// Deeper values are left to the whole-text reader, which names the depth it refuses.
constexpr std::size_t kMaxDepth = 32;

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// What reading a piece of the text came to.
enum class Got : std::uint8_t { kDone, kMore, kGiveUp };

// Reads the text after an opening quote up to its closing quote into *out: plain ASCII
// without escapes, nothing to decode and nothing the parser could refuse (object keys).
Got plain_string(std::string_view data, std::size_t& pos, std::string_view* out) {
  const std::size_t begin = pos;
  for (std::size_t i = pos; i < data.size(); ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c == '"') {
      *out = data.substr(begin, i - begin);
      pos = i + 1;
      return Got::kDone;
    }
    if (c < 0x20 || c >= 0x80 || c == '\\') return Got::kGiveUp;
  }
  return Got::kMore;
}

// Where a string's text is: in the document (`decoded` false: data[begin, begin + size)) or,
// when it had escapes, in the element's buffer of decoded strings.
struct Text {
  std::size_t begin = 0;
  std::size_t size = 0;
  bool decoded = false;
};

std::optional<std::uint32_t> hex4(std::string_view data, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = data[i];
    std::uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
      digit = static_cast<std::uint32_t>((c | 0x20) - 'a' + 10);
    } else {
      return std::nullopt;
    }
    value = value * 16 + digit;
  }
  return value;
}

void append_utf8(std::uint32_t code, std::string& out) {
  const auto put = [&](std::uint32_t byte) { out += static_cast<char>(byte); };
  if (code < 0x80) {
    put(code);
  } else if (code < 0x800) {
    put(0xc0 | code >> 6), put(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    put(0xe0 | code >> 12), put(0x80 | (code >> 6 & 0x3f)), put(0x80 | (code & 0x3f));
  } else {
    put(0xf0 | code >> 18), put(0x80 | (code >> 12 & 0x3f)), put(0x80 | (code >> 6 & 0x3f)),
        put(0x80 | (code & 0x3f));
  }
}

// The \uXXXX escape at data[i] (and the low surrogate's after a high one) appended to `out`
// as UTF-8; i moves past it. Gives up where nlohmann's reader errs (a lone or unpaired
// surrogate) and on U+0000, which the document reader refuses in a name.
Got unicode_escape(std::string_view data, std::size_t& i, std::string& out) {
  if (data.size() - i < 6) return Got::kMore;
  const std::optional<std::uint32_t> high = hex4(data, i + 2);
  if (!high || *high == 0 || (*high >= 0xdc00 && *high <= 0xdfff)) return Got::kGiveUp;
  if (*high < 0xd800 || *high > 0xdbff) {
    append_utf8(*high, out);
    i += 6;
    return Got::kDone;
  }
  if (data.size() - i < 12) return Got::kMore;
  if (data[i + 6] != '\\' || data[i + 7] != 'u') return Got::kGiveUp;
  const std::optional<std::uint32_t> low = hex4(data, i + 8);
  if (!low || *low < 0xdc00 || *low > 0xdfff) return Got::kGiveUp;
  append_utf8(0x10000 + ((*high - 0xd800) << 10) + (*low - 0xdc00), out);
  i += 12;
  return Got::kDone;
}

// The escape at data[i] (a backslash) appended to `out` decoded; i moves past it.
Got escape(std::string_view data, std::size_t& i, std::string& out) {
  if (data.size() - i < 2) return Got::kMore;
  char c = data[i + 1];
  switch (c) {
    case 'u':
      return unicode_escape(data, i, out);
    case 'b':
      c = '\b';
      break;
    case 'f':
      c = '\f';
      break;
    case 'n':
      c = '\n';
      break;
    case 'r':
      c = '\r';
      break;
    case 't':
      c = '\t';
      break;
    case '"':
    case '\\':
    case '/':
      break;
    default:
      return Got::kGiveUp;
  }
  out += c;
  i += 2;
  return Got::kDone;
}

// The length of the raw UTF-8 character at data[i] (a byte above 0x7f), as the document
// reader takes it: well-formed UTF-8 (io/text_fields.h, no overlong form, surrogate or code
// point past U+10FFFF). kMore when the data ends inside it; kGiveUp on any other byte, left
// to the document reader, which names it and where it is.
Got utf8_character(std::string_view data, std::size_t i, std::size_t* length) {
  *length = utf8_length(data.substr(i));
  if (*length != 0) return Got::kDone;
  // A longest character is 4 bytes: fewer left may be one cut by the end of a piece.
  return data.size() - i < 4 ? Got::kMore : Got::kGiveUp;
}

// A string that holds an escape, from data[pos] (after its opening quote), decoded to the
// end of `decoded`.
Got escaped_string(std::string_view data, std::size_t& pos, std::string& decoded, Text* out) {
  const std::size_t begin = decoded.size();
  for (std::size_t i = pos; i < data.size();) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c == '"') {
      *out = {.begin = begin, .size = decoded.size() - begin, .decoded = true};
      pos = i + 1;
      return Got::kDone;
    }
    if (c < 0x20) return Got::kGiveUp;
    std::size_t n = 1;
    if (c >= 0x80) {
      if (Got g = utf8_character(data, i, &n); g != Got::kDone) return g;
    } else if (c == '\\') {
      if (Got g = escape(data, i, decoded); g != Got::kDone) return g;
      continue;
    }
    decoded.append(data.substr(i, n));
    i += n;
  }
  return Got::kMore;
}

// Reads a name after its opening quote up to its closing quote into *out: a view of the
// document's bytes (ASCII and raw UTF-8), or the name decoded into `decoded` when it holds
// escapes, as nlohmann decodes them. Gives up on what the whole-text reader refuses or names
// as an error: a control byte, a bad escape, a lone surrogate, U+0000, bytes that are not
// UTF-8.
Got name_string(std::string_view data, std::size_t& pos, std::string& decoded, Text* out) {
  for (std::size_t i = pos; i < data.size();) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c == '"') {
      *out = {.begin = pos, .size = i - pos};
      pos = i + 1;
      return Got::kDone;
    }
    if (c == '\\') return escaped_string(data, pos, decoded, out);
    if (c < 0x20) return Got::kGiveUp;
    std::size_t n = 1;
    if (c >= 0x80) {
      if (Got g = utf8_character(data, i, &n); g != Got::kDone) return g;
    }
    i += n;
  }
  return Got::kMore;
}

// A whole number from 0 to 2^32 - 1 as JSON writes it (no sign, fraction or exponent).
Got small_number(std::string_view data, std::size_t& pos, std::uint32_t* out) {
  std::uint64_t value = 0;
  std::size_t i = pos;
  for (; i < data.size() && data[i] >= '0' && data[i] <= '9'; ++i) {
    value = value * 10 + static_cast<std::uint64_t>(data[i] - '0');
    if (i - pos >= 10) return Got::kGiveUp;
  }
  if (i == data.size()) return Got::kMore;
  if (i == pos || (data[pos] == '0' && i - pos > 1)) return Got::kGiveUp;
  if (data[i] == '.' || data[i] == 'e' || data[i] == 'E') return Got::kGiveUp;
  if (value > std::numeric_limits<std::uint32_t>::max()) return Got::kGiveUp;
  *out = static_cast<std::uint32_t>(value);
  pos = i;
  return Got::kDone;
}

// Moves pos past whitespace; kMore when the data ends first.
Got skip_space(std::string_view data, std::size_t& pos) {
  while (pos < data.size() && is_space(data[pos]))
    ++pos;
  return pos < data.size() ? Got::kDone : Got::kMore;
}

// Expects `c` after whitespace.
Got expect(std::string_view data, std::size_t& pos, char c) {
  if (Got g = skip_space(data, pos); g != Got::kDone) return g;
  if (data[pos] != c) return Got::kGiveUp;
  ++pos;
  return Got::kDone;
}

// One element of "tenants", read whole or not at all.
struct Element {
  Text name;
  std::optional<std::uint32_t> id;
  std::optional<std::uint32_t> shard_size;
  std::uint32_t weight = 1;
  std::vector<Text> cells;
  std::string decoded;  // the names that held escapes, decoded
  bool has_name = false;
  bool has_cells = false;
  bool has_weight = false;

  // Empty again, keeping the capacity of its lists (a million elements, one at a time).
  void reset() {
    cells.clear();
    decoded.clear();
    name = {};
    id.reset();
    shard_size.reset();
    weight = 1;
    has_name = has_cells = has_weight = false;
  }

  // A name read from `data`, the text the element was read from.
  std::string_view text(const Text& t, std::string_view data) const {
    return (t.decoded ? std::string_view(decoded) : data).substr(t.begin, t.size);
  }

  Got read(std::string_view data, std::size_t& pos) {
    if (Got g = expect(data, pos, '{'); g != Got::kDone) return g;
    for (bool first = true;; first = false) {
      // "{}" (no name) is left to the whole-text reader with every other surprise.
      if (Got g = skip_space(data, pos); g != Got::kDone) return g;
      if (!first) {
        if (data[pos] != ',') return Got::kGiveUp;
        if (Got g = expect(data, ++pos, '"'); g != Got::kDone) return g;
      } else if (data[pos++] != '"') {
        return Got::kGiveUp;
      }
      std::string_view key;
      if (Got g = plain_string(data, pos, &key); g != Got::kDone) return g;
      if (Got g = expect(data, pos, ':'); g != Got::kDone) return g;
      if (Got g = skip_space(data, pos); g != Got::kDone) return g;
      if (Got g = field(key, data, pos); g != Got::kDone) return g;
      if (Got g = skip_space(data, pos); g != Got::kDone) return g;
      if (data[pos] == '}') {
        ++pos;
        return has_name && has_cells ? Got::kDone : Got::kGiveUp;
      }
    }
  }

  // The value of `key`, each key at most once.
  Got field(std::string_view key, std::string_view data, std::size_t& pos) {
    std::uint32_t number = 0;
    auto once = [](bool& seen) { return std::exchange(seen, true) ? Got::kGiveUp : Got::kDone; };
    if (key == "name") {
      if (once(has_name) != Got::kDone || data[pos++] != '"') return Got::kGiveUp;
      return name_string(data, pos, decoded, &name);
    }
    if (key == "cells") return once(has_cells) == Got::kDone ? cell_names(data, pos) : Got::kGiveUp;
    const bool is_id = key == "id";
    const bool is_size = key == "shard_size";
    if (!is_id && !is_size && key != "weight") return Got::kGiveUp;
    if ((is_id && id) || (is_size && shard_size) || (!is_id && !is_size && has_weight))
      return Got::kGiveUp;
    if (Got g = small_number(data, pos, &number); g != Got::kDone) return g;
    if (is_id) id = number;
    if (is_size) shard_size = number;
    if (!is_id && !is_size) weight = number, has_weight = true;
    return Got::kDone;
  }

  Got cell_names(std::string_view data, std::size_t& pos) {
    if (data[pos++] != '[') return Got::kGiveUp;
    for (bool first = true;; first = false) {
      if (Got g = skip_space(data, pos); g != Got::kDone) return g;
      if (data[pos] == ']') {
        ++pos;
        return first ? Got::kGiveUp : Got::kDone;
      }
      if (!first && data[pos++] != ',') return Got::kGiveUp;
      if (Got g = expect(data, pos, '"'); g != Got::kDone) return g;
      Text cell;
      if (Got g = name_string(data, pos, decoded, &cell); g != Got::kDone) return g;
      cells.push_back(cell);
    }
  }
};

// Skips one JSON value other than "tenants" across pieces of text; its syntax is checked
// later, when the kept text is parsed.
struct ValueSkip {
  io::JsonNesting nesting;
  bool started = false;

  // Consumes data from pos to the value's end (kDone) or to the end of data (kMore).
  Got run(std::string_view data, std::size_t& pos) {
    for (; pos < data.size(); ++pos) {
      const char c = data[pos];
      const bool in_string = nesting.in_string;
      if (!in_string && nesting.depth == 0 && (is_space(c) || c == ',' || c == '}' || c == ']')) {
        return started ? Got::kDone : Got::kGiveUp;  // a scalar's end
      }
      started = true;
      nesting.take(c);
      if (nesting.depth > kMaxDepth) return Got::kGiveUp;
      const bool closed = in_string ? !nesting.in_string : c == ']' || c == '}';
      if (nesting.depth == 0 && closed) return ++pos, Got::kDone;
    }
    return Got::kMore;
  }
};

// Where the reader is in the document.
enum class Step : std::uint8_t {
  kOpen,          // before the top-level '{'
  kFirstKey,      // after it: a key or '}'
  kKey,           // after ','
  kValue,         // after a key's ':'
  kOther,         // inside a value other than "tenants"
  kAfterValue,    // ',' or '}'
  kFirstElement,  // after "tenants": [
  kElement,       // after ',' in "tenants"
  kAfterElement,  // ',' or ']'
  kEnd,           // after the top-level '}': only whitespace
  kGaveUp,
};

}  // namespace

struct RoutingSnapshotJsonStream::State {
  Step step = Step::kOpen;
  std::string pending;     // bytes fed but not read yet (part of one tenant at most)
  std::string head = "{";  // the document without the elements of "tenants"
  std::set<std::string, std::less<>> keys;
  bool tenants = false;  // the current value is "tenants"
  ValueSkip skip;
  io::TenantRows rows{false};
  Element element;

  // Reads what it can of data; returns how much it read.
  std::size_t read(std::string_view data) {
    std::size_t pos = 0;
    while (step != Step::kGaveUp) {
      std::size_t at = pos;
      const Got g = next(data, at);
      if (g == Got::kGiveUp) step = Step::kGaveUp;
      if (g != Got::kDone) break;
      pos = at;
    }
    return pos;
  }

  // One step from data[pos]: a token, a key with its ':', a tenant, or a piece of a value.
  Got next(std::string_view data, std::size_t& pos) {
    switch (step) {
      case Step::kOpen:
        return advance(expect(data, pos, '{'), Step::kFirstKey);
      case Step::kFirstKey:
      case Step::kKey:
        return key(data, pos);
      case Step::kValue:
        return value(data, pos);
      case Step::kOther:
        return other(data, pos);
      case Step::kAfterValue:
        return after(data, pos, '}', Step::kKey, Step::kEnd);
      case Step::kFirstElement:
      case Step::kElement:
        return tenant(data, pos);
      case Step::kAfterElement:
        return after(data, pos, ']', Step::kElement, Step::kAfterValue);
      case Step::kEnd: {
        const std::size_t begin = pos;
        if (skip_space(data, pos) == Got::kDone) return Got::kGiveUp;
        return pos > begin ? Got::kDone : Got::kMore;
      }
      case Step::kGaveUp:
        return Got::kGiveUp;
    }
    return Got::kGiveUp;
  }

  Got advance(Got g, Step to) {
    if (g == Got::kDone) step = to;
    return g;
  }

  // ',' (then `more`) or `close` (then `closed`).
  Got after(std::string_view data, std::size_t& pos, char close, Step more, Step closed) {
    if (Got g = skip_space(data, pos); g != Got::kDone) return g;
    const char c = data[pos++];
    if (c == ',') return advance(Got::kDone, more);
    if (c == close) return advance(Got::kDone, closed);
    return Got::kGiveUp;
  }

  Got key(std::string_view data, std::size_t& pos) {
    if (Got g = skip_space(data, pos); g != Got::kDone) return g;
    if (step == Step::kFirstKey && data[pos] == '}') return ++pos, advance(Got::kDone, Step::kEnd);
    if (data[pos++] != '"') return Got::kGiveUp;
    std::string_view name;
    if (Got g = plain_string(data, pos, &name); g != Got::kDone) return g;
    if (Got g = expect(data, pos, ':'); g != Got::kDone) return g;
    if (!keys.emplace(name).second) return Got::kGiveUp;  // a repeated key: last one wins
    head += keys.size() > 1 ? ",\"" : "\"";
    head.append(name).append("\":");
    tenants = name == "tenants";
    return advance(Got::kDone, Step::kValue);
  }

  Got value(std::string_view data, std::size_t& pos) {
    if (Got g = skip_space(data, pos); g != Got::kDone) return g;
    if (!tenants) {
      skip = ValueSkip{};
      return advance(Got::kDone, Step::kOther);
    }
    if (data[pos++] != '[') return Got::kGiveUp;
    head += "[]";
    return advance(Got::kDone, Step::kFirstElement);
  }

  Got other(std::string_view data, std::size_t& pos) {
    const std::size_t begin = pos;
    const Got g = skip.run(data, pos);
    head.append(data.substr(begin, pos - begin));
    if (head.size() > kMaxHead) return Got::kGiveUp;
    if (g == Got::kMore) return pos > begin ? Got::kDone : Got::kMore;  // read on
    return advance(g, Step::kAfterValue);
  }

  Got tenant(std::string_view data, std::size_t& pos) {
    if (Got g = skip_space(data, pos); g != Got::kDone) return g;
    if (step == Step::kFirstElement && data[pos] == ']') {
      return ++pos, advance(Got::kDone, Step::kAfterValue);
    }
    element.reset();
    if (Got g = element.read(data, pos); g != Got::kDone) return g;
    rows.begin_row(element.text(element.name, data), element.shard_size, element.weight,
                   element.id.has_value());
    for (const Text& cell : element.cells)
      rows.add_cell(element.text(cell, data));
    rows.end_row(element.id.value_or(0));
    return advance(Got::kDone, Step::kAfterElement);
  }
};

RoutingSnapshotJsonStream::RoutingSnapshotJsonStream() : state_(std::make_unique<State>()) {}
RoutingSnapshotJsonStream::~RoutingSnapshotJsonStream() = default;
RoutingSnapshotJsonStream::RoutingSnapshotJsonStream(RoutingSnapshotJsonStream&&) noexcept =
    default;
RoutingSnapshotJsonStream& RoutingSnapshotJsonStream::operator=(
    RoutingSnapshotJsonStream&&) noexcept = default;

bool RoutingSnapshotJsonStream::feed(std::string_view bytes) {
  State& s = *state_;
  if (s.step == Step::kGaveUp) return false;
  // Read in place when nothing is pending: a whole document is not copied.
  if (s.pending.empty()) {
    const std::size_t used = s.read(bytes);
    s.pending.assign(bytes.substr(used));
  } else {
    s.pending.append(bytes);
    const std::size_t used = s.read(s.pending);
    s.pending.erase(0, used);
  }
  if (s.pending.size() > kMaxPending) s.step = Step::kGaveUp;
  return s.step != Step::kGaveUp;
}

std::optional<FlatSnapshot> RoutingSnapshotJsonStream::finish() {
  State& s = *state_;
  if (s.step != Step::kEnd || !s.pending.empty()) return std::nullopt;
  s.head += '}';
  nlohmann::json head;
  try {
    head = nlohmann::json::parse(s.head);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // the whole-text reader names the problem
  }
  const io::Reader reader(s.head, "");
  Result<FlatSnapshot> flat = io::flat_snapshot_of(head, reader, std::move(s.rows));
  if (!flat.is_ok()) return std::nullopt;
  return std::move(flat).value();
}

}  // namespace cellkit
