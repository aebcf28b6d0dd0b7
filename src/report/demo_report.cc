// Text and JSON renderings of the seed demo.
#include "cellkit/report/demo_report.h"

#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cellkit {
namespace {

using Json = nlohmann::ordered_json;
using Out = std::back_insert_iterator<std::string>;

std::string cell_list(const DemoResult& r, const Shard& shard) {
  std::string names;
  for (CellId c : shard)
    names += (names.empty() ? "" : ", ") + r.cell(c).name;
  return names;
}

std::string describe_request(const DemoResult& r, const DemoRequest& q) {
  const std::string& tenant = r.tenant(q.tenant).name;
  const std::string order =
      fmt::format("{} ordered {} bag{} of chips", tenant, q.bags, q.bags == 1 ? "" : "s");
  const std::string& cell = r.cell(q.delivery.cell).name;
  switch (q.delivery.disposition) {
    case Disposition::kServed:
      return fmt::format("{}: served by {}", order, cell);
    case Disposition::kCellCrashed:
      return fmt::format("{}: {} crashed handling it", order, cell);
    case Disposition::kNoHealthyCell:
      return fmt::format("{}: refused, no healthy cell ({} all dead)", order,
                         cell_list(r, r.tenant(q.tenant).cells));
    case Disposition::kUnknownTenant:
      return fmt::format("{}: refused, unknown tenant", order);
  }
  return order;
}

std::string describe_event(const DemoResult& r, const DemoEvent& e) {
  const DemoTenant& tenant = r.tenant(e.tenant);
  if (e.kind == DemoEventKind::kCellDied) {
    return fmt::format("{} died: {} ordered {} bags of chips", r.cell(e.cell).name, tenant.name,
                       kPoisonBags);
  }
  return fmt::format("{} lost its last healthy cell ({} all dead)", tenant.name,
                     cell_list(r, tenant.cells));
}

void write_header(Out out, const DemoResult& r) {
  const DemoOptions& o = r.options;
  fmt::format_to(out, "cellkit demo: the seed's story\n");
  fmt::format_to(out,
                 "seed {}, {} cells, {} tenants, {} cells per tenant, {} requests; "
                 "unlucky tenant: {}\n\n",
                 o.seed, o.cells, o.tenants, o.cells_per_tenant, o.requests,
                 r.tenant(TenantId{o.unlucky_tenant}).name);
  fmt::format_to(out, "Tenants and their cells\n");
  for (const DemoTenant& t : r.tenants) {
    fmt::format_to(out, "  {:<12} {}\n", t.name, cell_list(r, t.cells));
  }
}

void write_timeline(Out out, const DemoResult& r, bool verbose) {
  fmt::format_to(out, "\n{}\n", verbose ? "Requests and events" : "Events");
  std::size_t next_event = 0;
  for (const DemoRequest& q : r.requests) {
    if (verbose) fmt::format_to(out, "  #{:<5} {}\n", q.id, describe_request(r, q));
    for (; next_event < r.events.size() && r.events[next_event].request == q.id; ++next_event) {
      fmt::format_to(out, "  #{:<5} {}{}\n", q.id, verbose ? "  -> " : "",
                     describe_event(r, r.events[next_event]));
    }
  }
  if (r.events.empty()) fmt::format_to(out, "  none: no cell died\n");
}

void write_count(Out out, std::string_view label, std::uint64_t value) {
  fmt::format_to(out, "  {:<20}{:>7}\n", label, value);
}

void write_summary(Out out, const DemoResult& r) {
  const std::uint64_t served = r.count(Disposition::kServed);
  fmt::format_to(out, "\nSummary\n");
  write_count(out, "requests", r.requests.size());
  write_count(out, "served", served);
  write_count(out, "failed", r.requests.size() - served);
  write_count(out, "  cell crashed", r.count(Disposition::kCellCrashed));
  write_count(out, "  no healthy cell", r.count(Disposition::kNoHealthyCell));
  write_count(out, "  unknown tenant", r.count(Disposition::kUnknownTenant));
  fmt::format_to(out, "\n  {:<12} {:>7} {:>7}\n", "tenant", "served", "failed");
  for (const DemoTenant& t : r.tenants) {
    fmt::format_to(out, "  {:<12} {:>7} {:>7}\n", t.name, t.served, t.failed);
  }
}

void write_casualties(Out out, const DemoResult& r) {
  fmt::format_to(out, "\nCells\n");
  for (const DemoCell& c : r.cells) {
    if (c.died_at) {
      fmt::format_to(out, "  {:<12} dead since request #{} (killed by {})\n", c.name, *c.died_at,
                     r.tenant(c.killed_by).name);
    } else {
      fmt::format_to(out, "  {:<12} alive\n", c.name);
    }
  }
  fmt::format_to(out, "\nTenants that lost all their cells\n");
  bool any = false;
  for (const DemoTenant& t : r.tenants) {
    if (!t.lost_all_at) continue;
    any = true;
    fmt::format_to(out, "  {:<12} its cells {} are all dead (since request #{})\n", t.name,
                   cell_list(r, t.cells), *t.lost_all_at);
  }
  if (!any) fmt::format_to(out, "  none: every tenant kept a healthy cell\n");
}

Json names_of(const DemoResult& r, const Shard& shard) {
  Json names = Json::array();
  for (CellId c : shard)
    names.push_back(r.cell(c).name);
  return names;
}

Json cells_json(const DemoResult& r) {
  Json cells = Json::array();
  for (const DemoCell& c : r.cells) {
    Json cell = {{"id", raw(c.id)}, {"name", c.name}, {"alive", !c.died_at.has_value()}};
    if (c.died_at) {
      cell["died_at_request"] = *c.died_at;
      cell["killed_by"] = r.tenant(c.killed_by).name;
    }
    cells.push_back(std::move(cell));
  }
  return cells;
}

Json tenants_json(const DemoResult& r) {
  Json tenants = Json::array();
  for (const DemoTenant& t : r.tenants) {
    Json tenant = {
        {"id", raw(t.id)},    {"name", t.name},     {"cells", names_of(r, t.cells)},
        {"served", t.served}, {"failed", t.failed}, {"lost_all_cells", t.lost_all_at.has_value()}};
    if (t.lost_all_at) tenant["lost_all_cells_at_request"] = *t.lost_all_at;
    tenants.push_back(std::move(tenant));
  }
  return tenants;
}

Json requests_json(const DemoResult& r) {
  Json requests = Json::array();
  for (const DemoRequest& q : r.requests) {
    Json request = {{"id", q.id},
                    {"tenant", r.tenant(q.tenant).name},
                    {"bags", q.bags},
                    {"outcome", to_string(q.delivery.disposition)}};
    const Disposition d = q.delivery.disposition;
    if (d == Disposition::kServed || d == Disposition::kCellCrashed) {
      request["cell"] = r.cell(q.delivery.cell).name;
    }
    requests.push_back(std::move(request));
  }
  return requests;
}

Json events_json(const DemoResult& r) {
  Json events = Json::array();
  for (const DemoEvent& e : r.events) {
    Json event = {{"request", e.request}};
    if (e.kind == DemoEventKind::kCellDied) {
      event["kind"] = "cell_died";
      event["cell"] = r.cell(e.cell).name;
    } else {
      event["kind"] = "tenant_lost_all_cells";
    }
    event["tenant"] = r.tenant(e.tenant).name;
    events.push_back(std::move(event));
  }
  return events;
}

Json summary_json(const DemoResult& r) {
  Json outcomes = Json::object();
  for (Disposition d : {Disposition::kServed, Disposition::kCellCrashed,
                        Disposition::kNoHealthyCell, Disposition::kUnknownTenant}) {
    outcomes[std::string(to_string(d))] = r.count(d);
  }
  const std::uint64_t served = r.count(Disposition::kServed);
  return {{"requests", r.requests.size()},
          {"served", served},
          {"failed", r.requests.size() - served},
          {"outcomes", std::move(outcomes)}};
}

}  // namespace

std::string render_demo_text(const DemoResult& result, bool verbose) {
  std::string text;
  Out out(text);
  write_header(out, result);
  write_timeline(out, result, verbose);
  write_summary(out, result);
  write_casualties(out, result);
  return text;
}

std::string render_demo_json(const DemoResult& result) {
  const DemoOptions& o = result.options;
  Json doc = {{"command", "demo"},
              {"options",
               {{"seed", o.seed},
                {"cells", o.cells},
                {"tenants", o.tenants},
                {"cells_per_tenant", o.cells_per_tenant},
                {"requests", o.requests},
                {"unlucky_tenant", o.unlucky_tenant}}},
              {"cells", cells_json(result)},
              {"tenants", tenants_json(result)},
              {"events", events_json(result)},
              {"requests", requests_json(result)},
              {"summary", summary_json(result)}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace cellkit
