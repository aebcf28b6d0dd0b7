// Poison-pill containment: crash counts and expiring, doubling quarantines per fingerprint.
#include <algorithm>

#include "cellkit/base/limits.h"
#include "cellkit/core/router_policy.h"

namespace cellkit {

bool PoisonQuarantine::is_quarantined(std::uint64_t fingerprint, TimePoint now) const {
  auto it = entries_.find(fingerprint);
  return it != entries_.end() && now < it->second.until;
}

bool PoisonQuarantine::record_crash(std::uint64_t fingerprint, TimePoint now) {
  Entry& entry = entries_[fingerprint];
  ++entry.crashes;
  if (threshold_ == 0) return false;
  if (now < entry.until) return false;  // a straggler sent before the quarantine began
  const bool relapse = entry.next_length > Duration::zero();
  if (!relapse && entry.crashes < threshold_) return false;
  // A relapse doubles the length; the first quarantine uses the base length.
  const Duration length = relapse ? entry.next_length : base_;
  entry.until = now + length;
  // Doubling stops at the longest duration: a run of relapses never overflows the clock.
  entry.next_length = std::min(length, kMaxDuration / 2) * 2;
  return true;
}

std::uint32_t PoisonQuarantine::crashes(std::uint64_t fingerprint) const {
  auto it = entries_.find(fingerprint);
  return it == entries_.end() ? 0 : it->second.crashes;
}

TimePoint PoisonQuarantine::quarantined_until(std::uint64_t fingerprint) const {
  auto it = entries_.find(fingerprint);
  return it == entries_.end() ? TimePoint{} : it->second.until;
}

}  // namespace cellkit
