// Names for cells added to a fleet: the fleet's own scheme when one is evident, or a prefix.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cellkit/core/fleet.h"

namespace cellkit {

// Names of the form <prefix><number>: "cell-7", "a3", "use1-cell-007" (width 3 keeps zeros).
struct NameScheme {
  std::string prefix;
  std::uint64_t next = 0;  // the number the next name takes
  std::size_t width = 0;   // digits, zero-padded; 0 = as many as the number needs

  // The next name; advances `next`.
  std::string take();
};

// The scheme every one of `names` follows: one prefix followed by a decimal number (zero
// padding kept when all numbers have the same number of digits and one starts with 0), next
// one past the largest number. Nothing when `names` is empty or any name does not fit.
std::optional<NameScheme> evident_scheme(std::span<const std::string> names);

// The scheme of `prefix`: next one past the largest number any name `prefix`<digits> in
// `names` uses, 0 when none does.
NameScheme prefix_scheme(std::string_view prefix, std::span<const std::string> names);

// evident_scheme of the names seen so far, one name at a time.
class SchemeFold {
 public:
  // Returns true when whether a scheme exists, or its prefix, changed (the first name, or the
  // first that does not fit).
  bool add(std::string_view name);
  std::optional<NameScheme> scheme() const;
  bool has_scheme() const { return seen_ && fits_; }
  // The scheme's next name. Requires has_scheme().
  std::string next() const { return scheme()->take(); }
  // Moves past next(), as if it were added.
  void skip() { ++next_; }

 private:
  bool seen_ = false;
  bool fits_ = true;
  std::string prefix_;
  std::uint64_t next_ = 0;
  bool padded_ = false;
  std::optional<std::size_t> same_width_;
};

// How cells added to a fleet are named and which zone each joins, for next_cells (all at
// once) and for a fleet that grows one cell at a time (add()): one scheme per zone when each
// zone's names have a prefix of their own ("a1".."a3", "b1".."b3"), else one for the fleet,
// else "cell-<id>"; a non-empty prefix overrides them. Each call costs O(log zones)
// amortised, where rebuilding from the fleet costs O(cells).
class AddedCellNames {
 public:
  AddedCellNames(const Fleet& fleet, std::string_view prefix);
  // The zone with the fewest cells, the lowest first (zones below the largest one in the fleet
  // count, empty ones too); 0 for an empty fleet.
  std::uint16_t least_zone() const;
  // One past the largest cell id counted.
  std::uint32_t next_id() const { return next_id_; }
  // The name of a cell joining `zone` with `id`.
  std::string name(std::uint16_t zone, std::uint32_t id) const;
  // name(), then moves its scheme past it, and counts the cell in `zone`: next_cells names a
  // batch by the schemes of the fleet it started from, not by the names it gives.
  std::string take(std::uint16_t zone, std::uint32_t id);
  // Counts a cell that joined the fleet, name, zone and id: afterwards, the names and zones
  // given are those of AddedCellNames built from the grown fleet.
  void add(const Cell& cell);

 private:
  enum class Source { kPrefix, kZones, kFleet, kIds };
  Source source() const;
  bool zones_have_own_schemes() const;
  void count(std::uint16_t zone);

  std::optional<std::string> prefix_;
  std::uint64_t prefix_next_ = 0;  // with prefix_: one past its largest number in the fleet
  std::vector<SchemeFold> zones_;  // by raw zone id
  SchemeFold fleet_;
  std::vector<std::uint32_t> per_zone_;                         // cells by raw zone id
  std::set<std::pair<std::uint32_t, std::uint16_t>> by_count_;  // (cells, zone)
  std::uint32_t next_id_ = 0;
  // Chosen again (O(zones log zones)) only after a zone or the fleet gains or loses a scheme.
  mutable Source source_ = Source::kIds;
  mutable bool stale_ = true;
};

}  // namespace cellkit
