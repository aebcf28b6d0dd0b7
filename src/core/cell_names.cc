// Naming schemes for added cells.
#include "cellkit/core/cell_names.h"

#include <algorithm>

#include <fmt/format.h>

namespace cellkit {
namespace {

// "cell-07" splits into "cell-" and "07"; a name without trailing digits has none.
std::pair<std::string_view, std::string_view> split(std::string_view name) {
  std::size_t digits = name.size();
  while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9')
    --digits;
  return {name.substr(0, digits), name.substr(digits)};
}

// Numbers of more than 18 digits are not a counting scheme; they would overflow.
std::optional<std::uint64_t> number_of(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : digits)
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

// One past the number of `name` when it is `prefix`<digits>, else `next` unchanged.
std::uint64_t next_after(std::string_view prefix, std::string_view name, std::uint64_t next) {
  const auto [head, digits] = split(name);
  if (head != prefix) return next;
  const std::optional<std::uint64_t> n = number_of(digits);
  return n ? std::max(next, *n + 1) : next;
}

}  // namespace

std::string NameScheme::take() {
  return fmt::format("{}{:0{}}", prefix, next++, width);
}

bool SchemeFold::add(std::string_view name) {
  const auto [prefix, digits] = split(name);
  const bool first = !seen_;
  if (first) prefix_ = std::string(prefix);
  seen_ = true;
  if (!fits_) return first;
  const std::optional<std::uint64_t> n = number_of(digits);
  if (prefix != prefix_ || !n) {
    fits_ = false;
    return true;
  }
  next_ = std::max(next_, *n + 1);
  padded_ = padded_ || (digits.size() > 1 && digits[0] == '0');
  same_width_ = (!same_width_ || *same_width_ == digits.size()) ? digits.size() : 0;
  return first;
}

std::optional<NameScheme> SchemeFold::scheme() const {
  if (!has_scheme()) return std::nullopt;
  NameScheme scheme{.prefix = prefix_, .next = next_};
  if (padded_ && same_width_.value_or(0) > 0) scheme.width = *same_width_;
  return scheme;
}

std::optional<NameScheme> evident_scheme(std::span<const std::string> names) {
  SchemeFold fold;
  for (const std::string& name : names)
    fold.add(name);
  return fold.scheme();
}

NameScheme prefix_scheme(std::string_view prefix, std::span<const std::string> names) {
  NameScheme scheme{.prefix = std::string(prefix)};
  for (const std::string& name : names)
    scheme.next = next_after(prefix, name, scheme.next);
  return scheme;
}

AddedCellNames::AddedCellNames(const Fleet& fleet, std::string_view prefix) {
  if (!prefix.empty()) prefix_ = std::string(prefix);
  for (const Cell& c : fleet.cells())
    add(c);
}

std::uint16_t AddedCellNames::least_zone() const {
  return by_count_.empty() ? 0 : by_count_.begin()->second;
}

void AddedCellNames::count(std::uint16_t zone) {
  if (zone >= per_zone_.size()) {
    for (std::size_t z = per_zone_.size(); z <= zone; ++z)
      by_count_.insert({0, static_cast<std::uint16_t>(z)});
    per_zone_.resize(zone + std::size_t{1}, 0);
    zones_.resize(per_zone_.size());
    stale_ = true;
  }
  by_count_.erase({per_zone_[zone], zone});
  by_count_.insert({++per_zone_[zone], zone});
}

void AddedCellNames::add(const Cell& cell) {
  const std::uint16_t zone = raw(cell.zone);
  count(zone);
  next_id_ = std::max(next_id_, raw(cell.id) + 1);
  if (prefix_) {
    prefix_next_ = next_after(*prefix_, cell.name, prefix_next_);
    return;
  }
  stale_ = zones_[zone].add(cell.name) || stale_;
  stale_ = fleet_.add(cell.name) || stale_;
}

// Zone schemes need two zones or more, every zone's names following a scheme, and no two
// zones' schemes with the same prefix.
bool AddedCellNames::zones_have_own_schemes() const {
  if (zones_.size() < 2) return false;
  std::set<std::string> prefixes;
  for (const SchemeFold& z : zones_) {
    if (!z.has_scheme() || !prefixes.insert(z.scheme()->prefix).second) return false;
  }
  return true;
}

AddedCellNames::Source AddedCellNames::source() const {
  if (!stale_) return source_;
  stale_ = false;
  if (prefix_) {
    source_ = Source::kPrefix;
  } else if (zones_have_own_schemes()) {
    source_ = Source::kZones;
  } else {
    source_ = fleet_.has_scheme() ? Source::kFleet : Source::kIds;
  }
  return source_;
}

std::string AddedCellNames::name(std::uint16_t zone, std::uint32_t id) const {
  switch (source()) {
    case Source::kPrefix:
      return NameScheme{.prefix = *prefix_, .next = prefix_next_}.take();
    case Source::kZones:
      if (zone < zones_.size()) return zones_[zone].next();
      break;
    case Source::kFleet:
      return fleet_.next();
    case Source::kIds:
      break;
  }
  return fmt::format("cell-{}", id);
}

std::string AddedCellNames::take(std::uint16_t zone, std::uint32_t id) {
  std::string taken = name(zone, id);
  if (source_ == Source::kPrefix) ++prefix_next_;
  if (source_ == Source::kZones && zone < zones_.size()) zones_[zone].skip();
  if (source_ == Source::kFleet) fleet_.skip();
  count(zone);
  return taken;
}

}  // namespace cellkit
