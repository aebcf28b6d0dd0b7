#include "cellkit/io/placement_document.h"

#include <gtest/gtest.h>

namespace cellkit {
namespace {

Placement sample() {
  Placement p{
      .fleet = make_fleet(6, 2),
      .options = {.strategy = Strategy::kShuffle, .max_overlap = 1, .zone_aware = true, .seed = 4}};
  Result<Placement> placed = place(p.fleet, make_tenants(5, 2), p.options);
  EXPECT_TRUE(placed.is_ok());
  return *placed;
}

TEST(PlacementDocument, DocumentOfAPlacementReadsBackAsTheSamePlacement) {
  const Placement p = sample();
  const MappingDocument doc = document_from(p, {"a", "b"});
  EXPECT_EQ(doc.strategy, "shuffle");
  EXPECT_EQ(doc.max_overlap, 1u);
  EXPECT_TRUE(doc.zone_aware);
  Result<MappingDocument> parsed = parse_mapping_json(write_mapping_json(doc), "m.json");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  Result<Placement> back = placement_from(*parsed);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(*back, p);
}

TEST(PlacementDocument, AnUnknownStrategyContinuesAsRandom) {
  MappingDocument doc = document_from(sample(), {});
  doc.strategy = "csv import";
  EXPECT_EQ(placement_from(doc)->options.strategy, Strategy::kRandom);
}

TEST(PlacementDocument, AShuffleMappingWithoutMaxOverlapIsRefused) {
  MappingDocument doc = document_from(sample(), {});
  doc.max_overlap.reset();
  EXPECT_EQ(placement_from(doc).status().message(),
            "a shuffle mapping must record 'max_overlap', the overlap limit it was placed under");
}

TEST(PlacementDocument, MaxOverlapZeroIsARealLimitThatReadsBack) {
  MappingDocument doc = document_from(sample(), {});
  doc.mapping = {};
  doc.tenants.clear();
  doc.max_overlap = 0;
  Result<MappingDocument> parsed = parse_mapping_json(write_mapping_json(doc), "m.json");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  ASSERT_TRUE(parsed->max_overlap.has_value());
  EXPECT_EQ(*parsed->max_overlap, 0u);
  EXPECT_EQ(placement_from(*parsed)->options.max_overlap, 0u);
}

TEST(PlacementDocument, AMappingWithoutMaxOverlapReadsBackWithoutOne) {
  MappingDocument doc = document_from(sample(), {});
  doc.strategy = "rendezvous";
  doc.max_overlap.reset();
  const std::string text = write_mapping_json(doc);
  EXPECT_EQ(text.find("max_overlap"), std::string::npos);
  Result<MappingDocument> parsed = parse_mapping_json(text, "m.json");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  EXPECT_FALSE(parsed->max_overlap.has_value());
  EXPECT_TRUE(placement_from(*parsed).is_ok());
}

TEST(PlacementDocument, AMaxOverlapThePlacerCannotKeepIsRefused) {
  MappingDocument doc = document_from(sample(), {});
  doc.max_overlap = 20;
  EXPECT_EQ(placement_from(doc).status().message(), "max_overlap (20) must be at most 15");
}

TEST(PlacementDocument, AShardNamingAMissingCellIsRefused) {
  MappingDocument doc = document_from(sample(), {});
  doc.mapping.assign(TenantId{0}, {CellId{0}, CellId{42}});
  EXPECT_EQ(placement_from(doc).status().message(), "tenant 'tenant-0' names unknown cell 42");
}

TEST(PlacementDocument, PlansUseNamesAndQuoteCsvFields) {
  Placement p = sample();
  p.tenants[0].name = "acme, inc";
  Fleet target = p.fleet;
  ASSERT_TRUE(target.add({.id = CellId{6}, .name = "new \"one\""}).is_ok());
  const CellId from = p.mapping.shard(TenantId{0})[0];
  const RebalancePlan plan{.moves = {{TenantId{0}, from, CellId{6}}}};
  EXPECT_EQ(write_plan_csv(plan, p, target), "step,tenant,from,to\n1,\"acme, inc\",cell-" +
                                                 std::to_string(raw(from)) +
                                                 ",\"new \"\"one\"\"\"\n");
  EXPECT_EQ(write_plan_json(plan, p, target),
            "{\n  \"format\": \"cellkit.plan\",\n  \"version\": 1,\n  \"moves\": [\n"
            "    {\"step\": 1, \"tenant\": \"acme, inc\", \"from\": \"cell-" +
                std::to_string(raw(from)) + "\", \"to\": \"new \\\"one\\\"\"}\n  ]\n}\n");
}

}  // namespace
}  // namespace cellkit
