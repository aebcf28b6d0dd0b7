// Prometheus text format output.
#include "cellkit/live/prometheus_text.h"

#include <fmt/format.h>

namespace cellkit::live {

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void PrometheusText::labels(std::initializer_list<Label> labels, std::string_view extra_key,
                            std::string_view extra_value) {
  if (labels.size() == 0 && extra_key.empty()) return;
  out_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    out_ += fmt::format("{}{}=\"{}\"", first ? "" : ",", key, escape_label_value(value));
    first = false;
  }
  if (!extra_key.empty())
    out_ += fmt::format("{}{}=\"{}\"", first ? "" : ",", extra_key, extra_value);
  out_ += '}';
}

void PrometheusText::sample(std::string_view name, std::initializer_list<Label> labels,
                            std::uint64_t value) {
  out_ += name;
  this->labels(labels);
  out_ += fmt::format(" {}\n", value);
}

void PrometheusText::sample(std::string_view name, std::initializer_list<Label> labels,
                            double value) {
  out_ += name;
  this->labels(labels);
  out_ += fmt::format(" {}\n", value);
}

void PrometheusText::histogram(std::string_view name, std::span<const double> bounds,
                               std::span<const std::uint64_t> counts, double sum) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += counts[i];
    out_ += fmt::format("{}_bucket", name);
    labels({}, "le", fmt::format("{}", bounds[i]));
    out_ += fmt::format(" {}\n", cumulative);
  }
  cumulative += counts[bounds.size()];
  out_ += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
  out_ += fmt::format("{}_sum {}\n{}_count {}\n", name, sum, name, cumulative);
}

}  // namespace cellkit::live
