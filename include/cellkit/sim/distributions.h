// Service-time distributions and weighted choice, as our own transforms over Random so
// that draws are specified bit for bit (no std distributions).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "cellkit/base/random.h"
#include "cellkit/base/status.h"
#include "cellkit/base/time.h"

namespace cellkit::sim {

enum class ServiceKind : std::uint8_t { kExponential, kConstant, kLogNormal };
// Names are parsed and printed only at the scenario file's edge.
std::string_view to_string(ServiceKind kind);  // "exponential", "constant", "lognormal"
std::optional<ServiceKind> parse_service_kind(std::string_view name);  // nullopt if unknown

// How long one request occupies a server.
struct ServiceTime {
  ServiceKind kind = ServiceKind::kExponential;
  Duration mean = std::chrono::milliseconds(10);  // mean of every kind (> 0)
  double sigma = 0.5;  // log-normal only: standard deviation of the log (> 0)

  Status validate() const;
  // One draw, rounded to the microsecond. Inline for the common exponential case.
  Duration sample(Random& random) const {
    if (kind == ServiceKind::kExponential) {
      return round_us(random.exponential(static_cast<double>(mean.count())));
    }
    return sample_other(random);
  }
  bool operator==(const ServiceTime&) const = default;

 private:
  Duration sample_other(Random& random) const;
};

// A standard normal draw by Box–Muller from two uniforms (the second value is dropped, so
// each call consumes exactly two draws).
double standard_normal(Random& random);

// Zipf weights 1/(i+1)^s for i in [0, n).
std::vector<double> zipf_weights(std::uint32_t n, double exponent);

// Walker/Vose alias table: O(1) weighted choice of an index. Built deterministically.
class AliasTable {
 public:
  AliasTable() = default;
  // Requires a non-empty list of non-negative weights with a positive sum.
  explicit AliasTable(std::span<const double> weights);
  // An index drawn with probability weight[i] / sum; consumes two draws, or one when all
  // weights are equal. Inline: the simulator draws one per request.
  std::uint32_t sample(Random& random) const {
    const auto i = static_cast<std::uint32_t>(random.index(probability_.size()));
    if (even_) return i;
    return random.uniform_real() < probability_[i] ? i : alias_[i];
  }
  std::size_t size() const { return probability_.size(); }
  std::size_t memory_bytes() const;

 private:
  std::vector<double> probability_;
  std::vector<std::uint32_t> alias_;
  bool even_ = false;  // every probability is 1: the first draw decides
};

}  // namespace cellkit::sim
