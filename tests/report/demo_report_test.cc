// The seed demo's text and JSON, whole, from results built by hand: the report is tested apart
// from the demo's engine (whose own tests and goldens pin what it computes).
#include "cellkit/report/demo_report.h"

#include <gtest/gtest.h>

#include <string>

namespace cellkit {
namespace {

DemoRequest request(std::uint64_t id, std::uint32_t tenant, std::uint32_t bags,
                    Disposition disposition, std::uint32_t cell = 0) {
  return {.id = id,
          .tenant = TenantId{tenant},
          .bags = bags,
          .delivery = {.disposition = disposition, .cell = CellId{cell}, .version = 1}};
}

// Two cells, two tenants on both of them in opposite orders. bravo's five bags kill cell-0
// at request 2 and cell-1 at request 3, after which neither tenant has a cell left and
// alpha's next order is refused.
DemoResult story() {
  DemoResult r{.options = {.seed = 9,
                           .cells = 2,
                           .tenants = 2,
                           .cells_per_tenant = 2,
                           .requests = 4,
                           .unlucky_tenant = 1}};
  r.cells = {{.id = CellId{0}, .name = "cell-0", .died_at = 2, .killed_by = TenantId{1}},
             {.id = CellId{1}, .name = "cell-1", .died_at = 3, .killed_by = TenantId{1}}};
  r.tenants = {{.id = TenantId{0},
                .name = "alpha",
                .cells = {CellId{1}, CellId{0}},
                .served = 1,
                .failed = 1,
                .lost_all_at = 3},
               {.id = TenantId{1},
                .name = "bravo",
                .cells = {CellId{0}, CellId{1}},
                .served = 0,
                .failed = 2,
                .lost_all_at = 3}};
  r.requests = {request(1, 0, 1, Disposition::kServed, 1),
                request(2, 1, 5, Disposition::kCellCrashed, 0),
                request(3, 1, 5, Disposition::kCellCrashed, 1),
                request(4, 0, 2, Disposition::kNoHealthyCell)};
  r.events = {
      {.request = 2, .kind = DemoEventKind::kCellDied, .tenant = TenantId{1}, .cell = CellId{0}},
      {.request = 3, .kind = DemoEventKind::kCellDied, .tenant = TenantId{1}, .cell = CellId{1}},
      {.request = 3, .kind = DemoEventKind::kTenantLostAllCells, .tenant = TenantId{0}},
      {.request = 3, .kind = DemoEventKind::kTenantLostAllCells, .tenant = TenantId{1}}};
  r.outcomes[static_cast<std::size_t>(Disposition::kServed)] = 1;
  r.outcomes[static_cast<std::size_t>(Disposition::kCellCrashed)] = 2;
  r.outcomes[static_cast<std::size_t>(Disposition::kNoHealthyCell)] = 1;
  return r;
}

const std::string kStoryHeader =
    "cellkit demo: the seed's story\n"
    "seed 9, 2 cells, 2 tenants, 2 cells per tenant, 4 requests; unlucky tenant: bravo\n"
    "\n"
    "Tenants and their cells\n"
    "  alpha        cell-1, cell-0\n"
    "  bravo        cell-0, cell-1\n";

const std::string kStoryEnd =
    "\n"
    "Summary\n"
    "  requests                  4\n"
    "  served                    1\n"
    "  failed                    3\n"
    "    cell crashed            2\n"
    "    no healthy cell         1\n"
    "    unknown tenant          0\n"
    "\n"
    "  tenant        served  failed\n"
    "  alpha              1       1\n"
    "  bravo              0       2\n"
    "\n"
    "Cells\n"
    "  cell-0       dead since request #2 (killed by bravo)\n"
    "  cell-1       dead since request #3 (killed by bravo)\n"
    "\n"
    "Tenants that lost all their cells\n"
    "  alpha        its cells cell-1, cell-0 are all dead (since request #3)\n"
    "  bravo        its cells cell-0, cell-1 are all dead (since request #3)\n";

TEST(RenderDemoText, TellsTheEventsAndTheSummary) {
  EXPECT_EQ(render_demo_text(story(), false),
            kStoryHeader +
                "\n"
                "Events\n"
                "  #2     cell-0 died: bravo ordered 5 bags of chips\n"
                "  #3     cell-1 died: bravo ordered 5 bags of chips\n"
                "  #3     alpha lost its last healthy cell (cell-1, cell-0 all dead)\n"
                "  #3     bravo lost its last healthy cell (cell-0, cell-1 all dead)\n" +
                kStoryEnd);
}

TEST(RenderDemoText, VerboseTellsEveryRequestWithItsEventsUnderIt) {
  EXPECT_EQ(render_demo_text(story(), true),
            kStoryHeader +
                "\n"
                "Requests and events\n"
                "  #1     alpha ordered 1 bag of chips: served by cell-1\n"
                "  #2     bravo ordered 5 bags of chips: cell-0 crashed handling it\n"
                "  #2       -> cell-0 died: bravo ordered 5 bags of chips\n"
                "  #3     bravo ordered 5 bags of chips: cell-1 crashed handling it\n"
                "  #3       -> cell-1 died: bravo ordered 5 bags of chips\n"
                "  #3       -> alpha lost its last healthy cell (cell-1, cell-0 all dead)\n"
                "  #3       -> bravo lost its last healthy cell (cell-0, cell-1 all dead)\n"
                "  #4     alpha ordered 2 bags of chips: refused, no healthy cell (cell-1, cell-0 "
                "all dead)\n" +
                kStoryEnd);
}

// One cell, one tenant, one order served and one from a tenant the table did not know.
DemoResult quiet_day() {
  DemoResult r{.options = {.seed = 1,
                           .cells = 1,
                           .tenants = 1,
                           .cells_per_tenant = 1,
                           .requests = 2,
                           .unlucky_tenant = 0}};
  r.cells = {{.id = CellId{0}, .name = "cell-0"}};
  r.tenants = {
      {.id = TenantId{0}, .name = "tenant-0", .cells = {CellId{0}}, .served = 1, .failed = 1}};
  r.requests = {request(1, 0, 3, Disposition::kServed, 0),
                request(2, 0, 4, Disposition::kUnknownTenant)};
  r.outcomes[static_cast<std::size_t>(Disposition::kServed)] = 1;
  r.outcomes[static_cast<std::size_t>(Disposition::kUnknownTenant)] = 1;
  return r;
}

TEST(RenderDemoText, SaysWhenNoCellDiedAndNoTenantLostItsCells) {
  EXPECT_EQ(render_demo_text(quiet_day(), true),
            "cellkit demo: the seed's story\n"
            "seed 1, 1 cells, 1 tenants, 1 cells per tenant, 2 requests; unlucky tenant: "
            "tenant-0\n"
            "\n"
            "Tenants and their cells\n"
            "  tenant-0     cell-0\n"
            "\n"
            "Requests and events\n"
            "  #1     tenant-0 ordered 3 bags of chips: served by cell-0\n"
            "  #2     tenant-0 ordered 4 bags of chips: refused, unknown tenant\n"
            "  none: no cell died\n"
            "\n"
            "Summary\n"
            "  requests                  2\n"
            "  served                    1\n"
            "  failed                    1\n"
            "    cell crashed            0\n"
            "    no healthy cell         0\n"
            "    unknown tenant          1\n"
            "\n"
            "  tenant        served  failed\n"
            "  tenant-0           1       1\n"
            "\n"
            "Cells\n"
            "  cell-0       alive\n"
            "\n"
            "Tenants that lost all their cells\n"
            "  none: every tenant kept a healthy cell\n");
}

TEST(RenderDemoJson, ListsOptionsCellsTenantsEventsRequestsAndTheSummaryInThatOrder) {
  EXPECT_EQ(render_demo_json(story()), R"({
  "command": "demo",
  "options": {
    "seed": 9,
    "cells": 2,
    "tenants": 2,
    "cells_per_tenant": 2,
    "requests": 4,
    "unlucky_tenant": 1
  },
  "cells": [
    {
      "id": 0,
      "name": "cell-0",
      "alive": false,
      "died_at_request": 2,
      "killed_by": "bravo"
    },
    {
      "id": 1,
      "name": "cell-1",
      "alive": false,
      "died_at_request": 3,
      "killed_by": "bravo"
    }
  ],
  "tenants": [
    {
      "id": 0,
      "name": "alpha",
      "cells": [
        "cell-1",
        "cell-0"
      ],
      "served": 1,
      "failed": 1,
      "lost_all_cells": true,
      "lost_all_cells_at_request": 3
    },
    {
      "id": 1,
      "name": "bravo",
      "cells": [
        "cell-0",
        "cell-1"
      ],
      "served": 0,
      "failed": 2,
      "lost_all_cells": true,
      "lost_all_cells_at_request": 3
    }
  ],
  "events": [
    {
      "request": 2,
      "kind": "cell_died",
      "cell": "cell-0",
      "tenant": "bravo"
    },
    {
      "request": 3,
      "kind": "cell_died",
      "cell": "cell-1",
      "tenant": "bravo"
    },
    {
      "request": 3,
      "kind": "tenant_lost_all_cells",
      "tenant": "alpha"
    },
    {
      "request": 3,
      "kind": "tenant_lost_all_cells",
      "tenant": "bravo"
    }
  ],
  "requests": [
    {
      "id": 1,
      "tenant": "alpha",
      "bags": 1,
      "outcome": "served",
      "cell": "cell-1"
    },
    {
      "id": 2,
      "tenant": "bravo",
      "bags": 5,
      "outcome": "cell_crashed",
      "cell": "cell-0"
    },
    {
      "id": 3,
      "tenant": "bravo",
      "bags": 5,
      "outcome": "cell_crashed",
      "cell": "cell-1"
    },
    {
      "id": 4,
      "tenant": "alpha",
      "bags": 2,
      "outcome": "no_healthy_cell"
    }
  ],
  "summary": {
    "requests": 4,
    "served": 1,
    "failed": 3,
    "outcomes": {
      "served": 1,
      "cell_crashed": 2,
      "no_healthy_cell": 1,
      "unknown_tenant": 0
    }
  }
}
)");
}

TEST(RenderDemoJson, ACellAliveHasNoDeathAndATenantWithCellsNoLossAndARefusalNoCell) {
  EXPECT_EQ(render_demo_json(quiet_day()), R"({
  "command": "demo",
  "options": {
    "seed": 1,
    "cells": 1,
    "tenants": 1,
    "cells_per_tenant": 1,
    "requests": 2,
    "unlucky_tenant": 0
  },
  "cells": [
    {
      "id": 0,
      "name": "cell-0",
      "alive": true
    }
  ],
  "tenants": [
    {
      "id": 0,
      "name": "tenant-0",
      "cells": [
        "cell-0"
      ],
      "served": 1,
      "failed": 1,
      "lost_all_cells": false
    }
  ],
  "events": [],
  "requests": [
    {
      "id": 1,
      "tenant": "tenant-0",
      "bags": 3,
      "outcome": "served",
      "cell": "cell-0"
    },
    {
      "id": 2,
      "tenant": "tenant-0",
      "bags": 4,
      "outcome": "unknown_tenant"
    }
  ],
  "summary": {
    "requests": 2,
    "served": 1,
    "failed": 1,
    "outcomes": {
      "served": 1,
      "cell_crashed": 0,
      "no_healthy_cell": 0,
      "unknown_tenant": 1
    }
  }
}
)");
}

}  // namespace
}  // namespace cellkit
