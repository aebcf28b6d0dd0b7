#include "cellkit/sim/sweep.h"

#include <gtest/gtest.h>

namespace cellkit::sim {
namespace {

const std::string kLong(500, 'v');
const std::string kShown = std::string(40, 'v') + "...";

TEST(SweepParameter, ReadsAKeyAndItsValues) {
  Result<SweepParameter> p = parse_sweep_parameter("tenants.shard_size=1,2");
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->key, "tenants.shard_size");
  EXPECT_EQ(p->values, (std::vector<std::string>{"1", "2"}));
}

TEST(SweepParameter, MessagesCutALongText) {
  EXPECT_EQ(parse_sweep_parameter(kLong).status().message(),
            "--set '" + kShown +
                "': give a scenario field and its values, e.g. tenants.shard_size=1,2,3");
  EXPECT_EQ(parse_sweep_parameter("k=" + kLong + ",,").status().message(),
            "--set 'k=" + std::string(38, 'v') + "...': a value is empty");
}

TEST(SweepScenario, AnErrorNamesTheParameterAndValueCut) {
  const SweepSpec spec{.source = "s.yaml",
                       .text = "seed: 1\n",
                       .parameters = {{.key = "seed", .values = {kLong}}},
                       .runs = 1};
  const std::vector<std::string> values = {kLong};
  EXPECT_EQ(
      sweep_scenario(spec, values).status().message(),
      "seed=" + kShown + ": s.yaml:1:7: seed: expected a whole number >= 0, got '" + kShown + "'");
}

}  // namespace
}  // namespace cellkit::sim
