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

// Reads the text after an opening quote up to its closing quote into *out. Only plain
// ASCII without escapes is read here: nothing to decode, nothing the parser could refuse.
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
  std::string_view name;
  std::optional<std::uint32_t> id;
  std::optional<std::uint32_t> shard_size;
  std::uint32_t weight = 1;
  std::vector<std::string_view> cells;
  bool has_name = false;
  bool has_cells = false;
  bool has_weight = false;

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
      return plain_string(data, pos, &name);
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
      std::string_view cell;
      if (Got g = plain_string(data, pos, &cell); g != Got::kDone) return g;
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
    std::vector<std::string_view> cells = std::move(element.cells);  // keeps its capacity
    cells.clear();
    element = Element{};
    element.cells = std::move(cells);
    if (Got g = element.read(data, pos); g != Got::kDone) return g;
    rows.begin_row(element.name, element.shard_size, element.weight, element.id.has_value());
    for (std::string_view cell : element.cells)
      rows.add_cell(cell);
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
