// Service-time draws, normal draws, Zipf weights and the alias table.
#include "cellkit/sim/distributions.h"
#include "cellkit/base/limits.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace cellkit::sim {

std::string_view to_string(ServiceKind kind) {
  switch (kind) {
    case ServiceKind::kExponential:
      return "exponential";
    case ServiceKind::kConstant:
      return "constant";
    case ServiceKind::kLogNormal:
      return "lognormal";
  }
  return "unknown";
}

std::optional<ServiceKind> parse_service_kind(std::string_view name) {
  for (ServiceKind k :
       {ServiceKind::kExponential, ServiceKind::kConstant, ServiceKind::kLogNormal}) {
    if (name == to_string(k)) return k;
  }
  return std::nullopt;
}

namespace {

// A draw is cut at the longest duration: a lognormal tail (sigma near 10) would otherwise
// exceed what a Duration holds.
constexpr double kMaxDrawUs = static_cast<double>(kMaxDuration.count());

}  // namespace

Status ServiceTime::validate() const {
  if (mean <= Duration::zero()) {
    return invalid_argument(fmt::format("service mean ({}us) must be positive", mean.count()));
  }
  if (mean > kMaxDuration) {
    return invalid_argument(
        fmt::format("service mean ({}us) must be at most {}h", mean.count(), kMaxDurationHours));
  }
  if (kind == ServiceKind::kLogNormal && !(sigma > 0.0 && sigma < 10.0)) {
    return invalid_argument(fmt::format("service sigma ({}) must be in (0, 10)", sigma));
  }
  return Status::ok();
}

Duration ServiceTime::sample_other(Random& random) const {
  const auto m = static_cast<double>(mean.count());
  switch (kind) {
    case ServiceKind::kConstant:
      return mean;
    case ServiceKind::kExponential:
      return round_us(std::min(random.exponential(m), kMaxDrawUs));
    case ServiceKind::kLogNormal: {
      // mu chosen so that the mean of exp(mu + sigma Z) is `mean`.
      const double mu = std::log(m) - sigma * sigma / 2.0;
      return round_us(std::min(std::exp(mu + sigma * standard_normal(random)), kMaxDrawUs));
    }
  }
  return mean;
}

double standard_normal(Random& random) {
  const double u1 = 1.0 - random.uniform_real();  // (0, 1]: log is finite
  const double u2 = random.uniform_real();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::vector<double> zipf_weights(std::uint32_t n, double exponent) {
  std::vector<double> weights(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    weights[i] = 1.0 / std::pow(static_cast<double>(i) + 1.0, exponent);
  }
  return weights;
}

// Vose's method with index-ordered work lists, so the table depends only on the weights.
AliasTable::AliasTable(std::span<const double> weights)
    : probability_(weights.size()), alias_(weights.size()) {
  assert(!weights.empty());
  double sum = 0;
  for (double w : weights)
    sum += w;
  assert(sum > 0);
  const auto n = static_cast<double>(weights.size());
  std::vector<double> scaled(weights.size());
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  for (std::uint32_t i = 0; i < weights.size(); ++i) {
    scaled[i] = weights[i] * n / sum;
    (scaled[i] < 1.0 ? small : large).push_back(i);
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    const std::uint32_t l = large.back();
    small.pop_back();
    probability_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (std::uint32_t i : large)
    probability_[i] = 1.0, alias_[i] = i;
  for (std::uint32_t i : small)
    probability_[i] = 1.0, alias_[i] = i;
  even_ = std::all_of(probability_.begin(), probability_.end(), [](double p) { return p == 1.0; });
}

std::size_t AliasTable::memory_bytes() const {
  return probability_.capacity() * sizeof(double) + alias_.capacity() * sizeof(std::uint32_t);
}

}  // namespace cellkit::sim
