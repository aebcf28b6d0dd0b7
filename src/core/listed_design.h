// A design kept as its list of blocks, shared by the design families (designs.cc) and the
// restricted quadruple designs (restricted_sqs.cc).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "cellkit/core/designs.h"
#include "core/steiner_quadruples.h"

namespace cellkit {

// A design kept as its list of blocks (Quad or Triple), in codeword order.
template <typename Block>
class ListedDesign final : public Design {
 public:
  ListedDesign(std::vector<Block> blocks, DesignFamily family)
      : blocks_(std::move(blocks)), family_(family) {}
  DesignFamily family() const override { return family_; }
  std::uint64_t size() const override { return blocks_.size(); }
  void codeword(std::uint64_t index, std::span<std::uint32_t> out) const override {
    assert(index < size() && out.size() == std::tuple_size_v<Block>);
    std::copy(blocks_[index].begin(), blocks_[index].end(), out.begin());
  }

 private:
  std::vector<Block> blocks_;
  DesignFamily family_;
};
using ListedSqsDesign = ListedDesign<Quad>;

}  // namespace cellkit
