// A writer of the Prometheus text exposition format (version 0.0.4): families with HELP and
// TYPE lines, samples with escaped label values, histograms from cumulative buckets.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace cellkit::live {

using Label = std::pair<std::string_view, std::string_view>;

class PrometheusText {
 public:
  // Starts a family: "# HELP name help" and "# TYPE name type" (counter, gauge, histogram).
  void family(std::string_view name, std::string_view type, std::string_view help);
  // name{labels} value. Integers print exactly; doubles with up to 17 significant digits.
  void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value);
  void sample(std::string_view name, std::initializer_list<Label> labels, double value);
  // name_bucket{le=...} for each upper bound (counts per bucket, not cumulative: they are
  // summed here), name_bucket{le="+Inf"}, name_sum and name_count. `counts` has one more
  // entry than `bounds` (the overflow bucket).
  void histogram(std::string_view name, std::span<const double> bounds,
                 std::span<const std::uint64_t> counts, double sum);

  const std::string& text() const { return out_; }

 private:
  void labels(std::initializer_list<Label> labels, std::string_view extra_key = {},
              std::string_view extra_value = {});
  std::string out_;
};

// Escapes a label value: backslash, double quote and line feed.
std::string escape_label_value(std::string_view value);

}  // namespace cellkit::live
