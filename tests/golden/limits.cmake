# Golden tests of the limits and refusals of docs/limits.md: each error names the input, the
# limit and where the input is.
set(limit_scenarios ${golden_sources}/tests/golden/scenarios)
set(limit_tests WORKDIR ${PROJECT_SOURCE_DIR}/tests)
cellkit_golden(simulate_error_fault_after_until simulate_error_fault_after_until.txt EXIT 1
               STREAM stderr ARGS simulate ${limit_scenarios}/fault_after_until.yaml)
cellkit_golden(simulate_error_repeated_key simulate_error_repeated_key.txt EXIT 1
               STREAM stderr ARGS simulate ${limit_scenarios}/repeated_key.yaml)
cellkit_golden(simulate_error_shards_without_explicit simulate_error_shards_without_explicit.txt
               EXIT 1 STREAM stderr ARGS simulate ${limit_scenarios}/shards_without_explicit.yaml)
cellkit_golden(demo_error_requests_cap demo_error_requests_cap.txt EXIT 2 STREAM stderr
               ARGS demo --requests 1000001)
cellkit_golden(demo_error_tenants_cap demo_error_tenants_cap.txt EXIT 2 STREAM stderr
               ARGS demo --tenants 4294967295)
cellkit_golden(place_error_tenants_cap place_error_tenants_cap.txt EXIT 2 STREAM stderr
               ARGS place --tenants 4294967295)
cellkit_golden(place_error_shard_size_beyond_analysis place_error_shard_size_beyond_analysis.txt
               EXIT 2 STREAM stderr ARGS place -k 17 --strategy random)
cellkit_golden(analyze_error_number_too_large analyze_error_number_too_large.txt EXIT 1
               STREAM stderr ${limit_tests} ARGS analyze golden/fixtures/number_too_large.json)
cellkit_golden(analyze_zero_weights analyze_zero_weights.txt ${limit_tests}
               ARGS analyze golden/fixtures/zero_weights.json)
cellkit_golden(analyze_error_fail_repeated analyze_error_fail_repeated.txt EXIT 2 STREAM stderr
               ${limit_tests} ARGS analyze data/mixed.csv --fail c1,c2,c1)
cellkit_golden(analyze_error_fleet_csv analyze_error_fleet_csv.txt EXIT 1 STREAM stderr
               ${limit_tests} ARGS analyze data/zoned.csv --fleet data/zoned.csv)
# An empty value ("") is refused by every option that takes one, named, before anything runs:
# never a write to "", never read as 0, never ignored.
cellkit_golden(place_error_empty_output place_error_empty_output.txt EXIT 2 STREAM stderr
               ARGS place -o "")
cellkit_golden(rebalance_error_empty_plan rebalance_error_empty_plan.txt EXIT 2 STREAM stderr
               ARGS rebalance ${golden_sources}/tests/golden/place_shuffle_20.json --add-cells 1
                    --plan "")
cellkit_golden(simulate_error_empty_out simulate_error_empty_out.txt EXIT 2 STREAM stderr
               ARGS simulate ${limit_scenarios}/small.json --out "")
cellkit_golden(simulate_error_empty_until simulate_error_empty_until.txt EXIT 2 STREAM stderr
               ARGS simulate ${limit_scenarios}/small.json --until "")
cellkit_golden(demo_error_empty_cells demo_error_empty_cells.txt EXIT 2 STREAM stderr
               ARGS demo --cells "")
cellkit_golden(router_error_empty_control router_error_empty_control.txt EXIT 2 STREAM stderr
               ARGS router --control "" --listen 127.0.0.1:0)
cellkit_golden(cell_error_empty_fail_rate cell_error_empty_fail_rate.txt EXIT 2 STREAM stderr
               ARGS cell --fail-rate "" --listen 127.0.0.1:0)
