// DesignPicker: a design's codewords handed out online, lowest index first, for the
// strategies that place at the overlap bound (shuffle and design).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "cellkit/core/designs.h"
#include "core/pooled_strategy.h"

namespace cellkit {

// Gives each tenant the lowest-index codeword of the design its pools admit (zone stripes
// when zoned with one cell per zone, else one pool) whose cells all have room and which
// shares no used (m+1)-subset with any recorded shard — design or not. Removing a tenant
// (forget) makes its codeword available again. The design follows the pools: new pools
// (another serial) of another shape start over from the first codeword.
class DesignPicker {
 public:
  // The tenant's cells in preference order (stripes: the tenant's zone order; one pool: the
  // codeword rotated by its index), or nothing when the pools admit no design for this
  // tenant or no codeword fits. Does not record the shard: the caller adds it to `state`.
  // `restricted`: when no design fits the pools, use a larger one restricted to them
  // (restricted_sqs), for one pool with k = 4, m = 2; for k = 3, m = 1 a triple packing
  // (triple_packing_design).
  // When `state` holds only this design's codewords, only room is checked (they cannot break
  // the limit); otherwise the codewords it held back are recorded first (record_deferred).
  std::optional<Shard> pick(const SelectRequest& r, PlacementState& state,
                            std::uint32_t max_overlap, bool restricted = false);
  // The design the last pick used (nullptr when none applied).
  const Design* design() const { return design_.get(); }
  // Names the design and its points' cells since the last pick (0 when none applied): the
  // codewords of one key never share more than m cells.
  std::uint64_t key() const { return design_ ? generation_ : 0; }
  void forget(TenantId tenant);

 private:
  bool prepare(const SelectRequest& r, std::uint32_t max_overlap, bool restricted);
  void restrict_to(const RestrictedDesign& d, const CellPools& pools);
  bool fits(std::uint64_t index, const SelectRequest& r, const PlacementState& state);
  Shard take(std::uint64_t index, const SelectRequest& r);

  std::uint64_t pools_serial_ = 0;
  std::uint64_t generation_ = 0;  // counts the designs prepared
  std::uint32_t shard_size_ = 0;
  std::uint32_t max_overlap_ = 0;
  bool zoned_ = false;
  std::shared_ptr<const Design> design_;
  std::vector<CellId> points_;   // point -> cell
  std::vector<bool> absent_;     // restricted designs: points with no cell
  bool never_fits_ = false;      // the last fits() met an absent point
  bool only_codewords_ = false;  // this pick: the state holds only this design's codewords
  std::uint64_t cursor_ = 0;     // codewords at and after it were never tried
  std::set<std::uint64_t>
      retry_;                   // tried codewords below the cursor that did not fit or were freed
  bool retry_may_fit_ = false;  // a forget since the last full pass over retry_
  std::unordered_map<std::uint32_t, std::uint64_t> owned_;  // raw tenant id -> codeword
  std::vector<std::uint32_t> scratch_;                      // one codeword's points
  Shard cells_;                                             // the same, as cells
};

}  // namespace cellkit
