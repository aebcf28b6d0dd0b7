// Text and JSON renderings of the closed-form calculator.
#include "cellkit/report/math_report.h"

#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cellkit {
namespace {

using Json = nlohmann::ordered_json;
using Out = std::back_insert_iterator<std::string>;

std::string layout(const MathOptions& o) {
  if (o.zones <= 1) return "";
  return fmt::format(", {} zones of {} cells, {} per zone in every shard", o.zones,
                     o.cells / o.zones, o.shard_size / o.zones);
}

// Large factors read better as whole numbers: "1,427,465,216x", not "1.42747e+09x".
std::string format_factor(double value) {
  if (value < 1e6) return format_measure(value);
  return with_separators(static_cast<UInt128>(value + 0.5));
}

void write_overlap(Out out, const MathResult& r) {
  const bool tenants = r.options.tenants > 0;
  fmt::format_to(out, "\nOverlap of two random shards (hypergeometric{})\n",
                 r.options.zones > 1 ? ", per zone" : "");
  std::vector<TextColumn> columns = {{"shared"}, {"shards"}, {"probability"}};
  if (tenants) columns.push_back({"expected pairs"});
  TextTable table(std::move(columns));
  std::vector<double> probabilities;
  for (const OverlapLine& line : r.overlap)
    probabilities.push_back(line.probability);
  const int decimals = decimals_for(probabilities, 6);
  for (const OverlapLine& line : r.overlap) {
    std::vector<std::string> row = {std::to_string(line.overlap), with_separators(line.shards),
                                    format_fixed(line.probability, decimals)};
    if (tenants) row.push_back(format_measure(line.expected_pairs));
    table.add_row(std::move(row));
  }
  fmt::format_to(out, "{}", table.render());
  fmt::format_to(out, "  mean overlap {} cells (k²/N)\n", format_probability(r.mean_overlap));
}

void write_tenants(Out out, const MathResult& r) {
  fmt::format_to(out, "\nTenants: {} ({} pairs)\n", with_separators(r.options.tenants),
                 with_separators(r.tenant_pairs));
  fmt::format_to(out, "  tenants per cell: mean {}, sd {} (Binomial(T, k/N))\n",
                 format_measure(r.cell_load_mean), format_measure(r.cell_load_sd));
  fmt::format_to(out, "  adding one cell moves at least {} tenant slots to it (T·k/(N+1))\n",
                 format_measure(r.add_cell_moves));
}

// "design: affine plane (affine plane AG(2,5): its 30 lines), reaches 30 tenants: the bound".
void write_design(Out out, const DesignFit& d) {
  if (d.family == DesignFamily::kNone) {
    fmt::format_to(out, "  design: none ({})\n", d.reason);
    return;
  }
  fmt::format_to(out, "  design: {} ({}), reaches {} tenants{}\n", family_name(d.family), d.reason,
                 with_separators(d.reach), d.reach == d.bound ? ": the bound" : "");
}

void write_limit(Out out, const MathResult& r) {
  const std::uint32_t m = *r.options.max_overlap;
  fmt::format_to(out, "\nOverlap limit m = {}\n", m);
  fmt::format_to(out, "  chance a random pair shares more than {}: {}\n", m,
                 format_probability(r.probability_over_limit));
  if (r.options.tenants > 0) {
    fmt::format_to(out, "  expected pairs over the limit among {} random tenants: {}\n",
                   with_separators(r.options.tenants), format_measure(r.expected_pairs_over_limit));
  }
  fmt::format_to(out, "  capacity bound: at most {} tenants can share no more than {} cell{}{}\n",
                 with_separators(r.capacity_bound), m, m == 1 ? "" : "s",
                 r.options.zones > 1 ? "" : " (C(N,m+1)/C(k,m+1))");
  write_design(out, r.design);
}

void write_poison(Out out, const MathResult& r) {
  fmt::format_to(out, "\nPoison pill\n");
  fmt::format_to(out, "  chance a random other tenant is fully inside the poisoned shard: {}\n",
                 format_probability(r.fully_inside_probability));
  fmt::format_to(out, "  with plain sharding ({} disjoint groups of {}): {}\n",
                 r.options.cells / r.options.shard_size, r.options.shard_size,
                 format_probability(r.plain_probability));
  fmt::format_to(out, "  shuffle sharding is {}x better\n", format_factor(r.ratio_to_plain));
}

Json exact(UInt128 value) {
  if (value <= UInt128{UINT64_MAX}) return static_cast<std::uint64_t>(value);
  return to_decimal(value);
}

Json options_json(const MathOptions& o) {
  Json j = {
      {"cells", o.cells}, {"shard_size", o.shard_size}, {"zones", o.zones}, {"tenants", o.tenants}};
  j["max_overlap"] = o.max_overlap ? Json(*o.max_overlap) : Json(nullptr);
  return j;
}

}  // namespace

std::string render_math_text(const MathResult& r) {
  std::string text;
  Out out(text);
  const MathOptions& o = r.options;
  fmt::format_to(out, "cellkit math: {} cells, shard size {}{}\n", with_separators(o.cells),
                 o.shard_size, layout(o));
  fmt::format_to(out, "  distinct shards: {}\n", with_separators(r.distinct_shards));
  write_overlap(out, r);
  if (o.tenants > 0) write_tenants(out, r);
  if (o.max_overlap) write_limit(out, r);
  write_poison(out, r);
  return text;
}

std::string render_math_json(const MathResult& r) {
  Json doc;
  doc["options"] = options_json(r.options);
  doc["distinct_shards"] = exact(r.distinct_shards);
  Json overlap = Json::array();
  for (const OverlapLine& line : r.overlap) {
    overlap.push_back({{"overlap", line.overlap},
                       {"shards", exact(line.shards)},
                       {"probability", line.probability},
                       {"expected_pairs", line.expected_pairs}});
  }
  doc["overlap"] = overlap;
  doc["mean_overlap"] = r.mean_overlap;
  doc["tenant_pairs"] = exact(r.tenant_pairs);
  doc["cell_load"] = {{"mean", r.cell_load_mean}, {"sd", r.cell_load_sd}};
  doc["add_cell_moves"] = r.add_cell_moves;
  if (r.options.max_overlap) {
    doc["limit"] = {{"probability_over", r.probability_over_limit},
                    {"expected_pairs_over", r.expected_pairs_over_limit},
                    {"capacity_bound", exact(r.capacity_bound)},
                    {"design",
                     {{"family", family_name(r.design.family)},
                      {"reason", r.design.reason},
                      {"reach", r.design.reach}}}};
  }
  doc["poison"] = {{"fully_inside_probability", r.fully_inside_probability},
                   {"plain_probability", r.plain_probability},
                   {"ratio_to_plain", r.ratio_to_plain}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace cellkit
