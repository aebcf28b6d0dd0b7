// DesignPicker: lowest fitting codeword first, with the codewords passed over kept for retry.
#include "core/design_picker.h"

#include <algorithm>

namespace cellkit {

void DesignPicker::restrict_to(const RestrictedDesign& d, const CellPools& pools) {
  design_ = d.design;
  absent_ = d.absent;
  points_.assign(absent_.size(), CellId{});
  std::size_t next = 0;
  for (std::size_t p = 0; p < absent_.size(); ++p) {
    if (!absent_[p]) points_[p] = pools.all[next++];
  }
}

bool DesignPicker::prepare(const SelectRequest& r, std::uint32_t m, bool restricted) {
  const std::uint32_t k = r.tenant.shard_size;
  if (r.pools.serial == pools_serial_ && k == shard_size_ && m == max_overlap_ &&
      r.zoned == zoned_) {
    return design_ != nullptr;
  }
  pools_serial_ = r.pools.serial;
  ++generation_;
  shard_size_ = k;
  max_overlap_ = m;
  zoned_ = r.zoned;
  design_.reset();
  points_.clear();
  cursor_ = 0;
  retry_.clear();
  retry_may_fit_ = false;
  owned_.clear();
  absent_.clear();
  DesignShape shape{static_cast<std::uint32_t>(r.pools.all.size()), 0, k, m};
  if (r.zoned && r.pools.groups.size() > 1) {
    shape.zones = static_cast<std::uint32_t>(r.pools.groups.size());
    for (const auto& g : r.pools.groups) {
      if (g.size() != r.pools.groups.front().size()) return false;
      points_.insert(points_.end(), g.begin(), g.end());
    }
  } else {
    points_ = r.pools.all;
  }
  design_ = make_design(shape);
  if (!design_ && restricted && shape.zones == 0 && k == 4 && m == 2) {
    if (std::optional<RestrictedDesign> d = restricted_sqs(shape.cells)) restrict_to(*d, r.pools);
  }
  if (!design_ && restricted && shape.zones == 0 && k == 3 && m == 1) {
    design_ = triple_packing_design(shape.cells);
  }
  scratch_.resize(k);
  return design_ != nullptr;
}

bool DesignPicker::fits(std::uint64_t index, const SelectRequest& r, const PlacementState& state) {
  design_->codeword(index, scratch_);
  cells_.clear();
  never_fits_ = false;
  for (std::uint32_t p : scratch_) {
    if (!absent_.empty() && absent_[p]) {
      never_fits_ = true;  // no cell holds this point: the codeword is never used
      return false;
    }
  }
  for (std::uint32_t p : scratch_) {
    const CellId c = points_[p];
    if (!state.has_room(c, r.pools.cap(c), r.tenant.weight) ||
        (!only_codewords_ && !state.fits_with(cells_, c))) {
      return false;
    }
    cells_.push_back(c);
  }
  return true;
}

// Stripes follow the tenant's zone order (the quotas' order), as every zoned strategy does;
// one pool rotates the codeword by its index so first cells spread evenly too.
Shard DesignPicker::take(std::uint64_t index, const SelectRequest& r) {
  owned_[raw(r.tenant.id)] = index;
  Shard shard;
  shard.reserve(cells_.size());
  if (zoned_ && r.pools.groups.size() > 1) {
    for (const Quota& q : r.quotas)
      shard.push_back(cells_[q.group]);
    return shard;
  }
  const std::size_t k = cells_.size();
  for (std::size_t i = 0; i < k; ++i)
    shard.push_back(cells_[(i + index) % k]);
  return shard;
}

std::optional<Shard> DesignPicker::pick(const SelectRequest& r, PlacementState& state,
                                        std::uint32_t m, bool restricted) {
  if (!prepare(r, m, restricted)) return std::nullopt;
  only_codewords_ = state.tenants() == 0 || state.only_codewords_of(key());
  if (!only_codewords_) state.record_deferred();
  if (r.zoned && r.pools.groups.size() > 1 && r.quotas.size() != r.pools.groups.size()) {
    return std::nullopt;
  }
  if (retry_may_fit_) {
    for (auto it = retry_.begin(); it != retry_.end(); ++it) {
      if (!fits(*it, r, state)) continue;
      const std::uint64_t index = *it;
      retry_.erase(it);
      return take(index, r);
    }
    retry_may_fit_ = false;  // nothing freed since this pass: no retry can fit until a forget
  }
  while (cursor_ < design_->size()) {
    const std::uint64_t index = cursor_++;
    if (fits(index, r, state)) return take(index, r);
    if (!never_fits_) retry_.insert(index);
  }
  return std::nullopt;
}

void DesignPicker::forget(TenantId tenant) {
  retry_may_fit_ = true;  // freed room or subsets may let a passed-over codeword fit
  const auto it = owned_.find(raw(tenant));
  if (it == owned_.end()) return;
  retry_.insert(it->second);
  owned_.erase(it);
}

}  // namespace cellkit
