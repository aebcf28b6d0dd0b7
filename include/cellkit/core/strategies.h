// Placement strategies by name: random, least-loaded, rendezvous and bounded-overlap shuffle,
// each optionally zone-aware and capacity-capped, configured by one plain options struct.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "cellkit/base/status.h"
#include "cellkit/core/placement.h"

namespace cellkit {

// The placement strategies. Names are parsed and printed only at the edges (files, CLI)
// with parse_strategy and to_string.
enum class Strategy : std::uint8_t {
  kRandom,
  kLeastLoaded,
  kRendezvous,
  kShuffle,
  kDesign,
  kPacking
};
inline constexpr std::array<Strategy, 6> kAllStrategies = {
    Strategy::kRandom,  Strategy::kLeastLoaded, Strategy::kRendezvous,
    Strategy::kShuffle, Strategy::kDesign,      Strategy::kPacking};
std::string_view to_string(Strategy strategy);  // "random", "least-loaded", ...
// nullopt when the name is not one of strategy_names().
std::optional<Strategy> parse_strategy(std::string_view name);

// How to place tenants. A cell's load is the sum of its tenants' weights (tenant count when
// every weight is 1). docs/placement.md describes each strategy and its guarantees.
struct PlacementOptions {
  Strategy strategy = Strategy::kRandom;
  // shuffle, design and packing: no two tenants share more than this many cells (m). Must be below
  // every tenant's shard size; at most 15.
  std::uint32_t max_overlap = 2;
  // Spread each shard over the zones of the placeable cells: per-zone counts differ by at
  // most one, remainders go to zones in a fixed per-tenant order (so growing a shard by one
  // changes one cell). A shard size equal to the zone count gives one cell per zone (stripes).
  bool zone_aware = false;
  // Keys rendezvous scores and each tenant's zone order. Random draws come from the Random
  // passed to choose(), so the same seed must be given there for reproducible output.
  std::uint64_t seed = 0;
  // Most load per cell, for cells whose own capacity is 0; 0 = no limit.
  std::uint32_t capacity = 0;
  // shuffle: candidate cells tried per tenant before refusing; 0 = max(4096, 64 × cells).
  std::uint32_t search_budget = 0;

  bool operator==(const PlacementOptions&) const = default;
};

// The strategies' names, in the order help lists them.
std::span<const std::string_view> strategy_names();

// True for the strategies that keep the overlap limit max_overlap (shuffle, design, packing).
bool limits_overlap(const PlacementOptions& options);

// True when a shard of `shard_size` cells can keep the options' overlap limit: max_overlap
// below shard_size under a strategy that limits overlap, always otherwise. The one rule that
// the placement (per tenant), `cellkit place` and scenario files word in their own places.
bool overlap_fits(const PlacementOptions& options, std::uint32_t shard_size);

// The max_overlap used when none is given, so shuffle and design work with every other
// default: 2, or shard_size - 1 when shards are smaller (the largest limit below the shard
// size). 2 for shard_size 0, which no placement accepts anyway. `cellkit place` and scenario
// files both use it.
std::uint32_t default_max_overlap(std::uint32_t shard_size);

// Checks the options on their own; the Status names the bad value and what is allowed.
Status validate(const PlacementOptions& options);

// A fresh strategy with no tenants recorded. Stateful strategies (least-loaded, shuffle,
// and any with a capacity) count what they choose; tell them about removed tenants with
// forget() and about shards they did not choose with remember().
Result<std::unique_ptr<PlacementStrategy>> make_strategy(const PlacementOptions& options);

}  // namespace cellkit
