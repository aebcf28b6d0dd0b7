# Golden tests of the CLI: exact output, diffed. Regenerate with CELLKIT_UPDATE_GOLDEN=1 ctest.
cellkit_golden(demo_default demo_default.txt ARGS demo)
cellkit_golden(demo_verbose demo_verbose_seed7.txt ARGS demo --seed 7 --requests 30 --verbose)
cellkit_golden(demo_json demo_seed3.json ARGS demo --seed 3 --requests 20 --format json)
cellkit_golden(demo_eight_cells demo_eight_cells.txt
               ARGS demo --seed 2 --cells 8 --tenants 28 --requests 1000)
cellkit_golden(demo_error_k demo_error_k.txt EXIT 2 STREAM stderr
               ARGS demo --cells 3 --cells-per-tenant 4)
cellkit_golden(demo_error_unlucky demo_error_unlucky.txt EXIT 2 STREAM stderr
               ARGS demo --tenants 5 --unlucky-tenant 7)
cellkit_golden(demo_error_not_a_number demo_error_not_a_number.txt EXIT 2 STREAM stderr
               ARGS demo --cells many)
cellkit_golden(demo_help demo_help.txt ARGS demo --help)
cellkit_golden(version version.txt ARGS --version)
cellkit_golden(no_command no_command.txt EXIT 2 STREAM stderr ARGS)
cellkit_golden(math_eight_cells math_eight_cells.txt ARGS math --cells 8 --shard-size 2)
cellkit_golden(math_hundred_cells math_hundred_cells.txt
               ARGS math --cells 100 --shard-size 4 --tenants 10000 --max-overlap 2)
cellkit_golden(math_route53 math_route53.txt ARGS math --cells 2048 --shard-size 4 --max-overlap 2)
cellkit_golden(math_stripes_json math_stripes.json
               ARGS math --cells 2048 --shard-size 4 --zones 4 --max-overlap 2 --format json)
cellkit_golden(math_zones math_zones.txt ARGS math --cells 90 --shard-size 3 --zones 3)
cellkit_golden(math_error_k math_error_k.txt EXIT 2 STREAM stderr
               ARGS math --cells 4 --shard-size 5)
cellkit_golden(math_error_zero_cells math_error_zero_cells.txt EXIT 2 STREAM stderr
               ARGS math --cells 0 --shard-size 1)
cellkit_golden(math_error_zones math_error_zones.txt EXIT 2 STREAM stderr
               ARGS math --cells 10 --shard-size 3 --zones 3)
cellkit_golden(math_error_overlap math_error_overlap.txt EXIT 2 STREAM stderr
               ARGS math --cells 10 --shard-size 3 --max-overlap 3)
cellkit_golden(math_error_missing math_error_missing.txt EXIT 2 STREAM stderr ARGS math --cells 10)
cellkit_golden(math_error_too_large math_error_too_large.txt EXIT 2 STREAM stderr
               ARGS math --cells 4000 --shard-size 2000)
cellkit_golden(math_help math_help.txt ARGS math --help)

# `cellkit analyze` runs in tests/ and names its data files relatively (data/...), so the
# outputs read the same in every checkout.
cellkit_golden(analyze_all_pairs analyze_all_pairs.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests
               ARGS analyze data/all_pairs_of_eight.csv --tenant t5 --fail c3,c5)
cellkit_golden(analyze_all_pairs_json analyze_all_pairs.json WORKDIR ${PROJECT_SOURCE_DIR}/tests
               ARGS analyze data/all_pairs_of_eight.csv --tenant t0 --format json)
cellkit_golden(analyze_zones analyze_zones.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze data/zones.json --fail a1,b1)
cellkit_golden(analyze_zones_json analyze_zones.json WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze data/zones.json --format json)
# Draining and disabled cells are named and left out of the load statistics and the baseline.
cellkit_golden(analyze_draining analyze_draining.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze data/draining.json)
cellkit_golden(analyze_draining_json analyze_draining.json WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze data/draining.json --format json)
cellkit_golden(analyze_mixed analyze_mixed.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze data/mixed.csv --tenant alpha)
cellkit_golden(analyze_lenient analyze_lenient.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze data/lenient.csv --lenient)
cellkit_golden(analyze_lenient_problems analyze_lenient_problems.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests STREAM stderr
               ARGS analyze data/lenient.csv --lenient)
cellkit_golden(analyze_error_lenient_off analyze_error_lenient_off.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 1 STREAM stderr
               ARGS analyze data/lenient.csv)
cellkit_golden(analyze_error_duplicate analyze_error_duplicate.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 1 STREAM stderr
               ARGS analyze data/bad_duplicate_tenant.csv)
cellkit_golden(analyze_error_repeated_cell analyze_error_repeated_cell.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 1 STREAM stderr
               ARGS analyze data/bad_repeated_cell.csv)
cellkit_golden(analyze_error_empty_shard analyze_error_empty_shard.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 1 STREAM stderr
               ARGS analyze data/bad_empty_shard.csv)
cellkit_golden(analyze_error_malformed analyze_error_malformed.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 1 STREAM stderr
               ARGS analyze data/bad_malformed.csv)
cellkit_golden(analyze_error_missing_file analyze_error_missing_file.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 1 STREAM stderr
               ARGS analyze data/no_such_file.csv)
cellkit_golden(analyze_error_directory analyze_error_directory.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 1 STREAM stderr
               ARGS analyze data)
cellkit_golden(analyze_error_no_tenants analyze_error_no_tenants.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 1 STREAM stderr
               ARGS analyze data/bad_no_tenants.csv)
cellkit_golden(analyze_error_shard_too_large analyze_error_shard_too_large.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 1 STREAM stderr
               ARGS analyze data/bad_shard_too_large.csv)
cellkit_golden(analyze_error_unknown_tenant analyze_error_unknown_tenant.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 2 STREAM stderr
               ARGS analyze data/mixed.csv --tenant zulu)
cellkit_golden(analyze_error_unknown_cell analyze_error_unknown_cell.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 2 STREAM stderr
               ARGS analyze data/mixed.csv --fail c1,c99)
cellkit_golden(analyze_error_format analyze_error_format.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests EXIT 2 STREAM stderr
               ARGS analyze data/mixed.csv --format xml)
cellkit_golden(analyze_help analyze_help.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze --help)

# cellkit simulate: every scenario shipped in scenarios/ runs as a golden test.
foreach(scenario poison-k2 poison-k1 poison-naive control-plane-outage zone-outage
                 bad-deployment scale-out scale-out-rebalance zone-outage-zone-aware)
  set(path ${golden_sources}/scenarios/${scenario}.yaml)
  cellkit_golden(simulate_${scenario} simulate_${scenario}.txt ARGS simulate ${path})
endforeach()
# Fixtures for format and error cases, by a path relative to the goldens' working directory
# (golden_sources), so the messages that name the file are the same in every build.
set(fixtures ${golden_sources}/tests/golden/scenarios)
set(poison_k2 ${golden_sources}/scenarios/poison-k2.yaml)
cellkit_golden(simulate_json simulate_small_json.json
               ARGS simulate ${fixtures}/small.json --format json)
cellkit_golden(simulate_runs simulate_poison_k2_runs.txt
               ARGS simulate ${poison_k2} --runs 3 --until 2m)
cellkit_golden(simulate_seed_override simulate_small_seed9.txt
               ARGS simulate ${fixtures}/small.json --seed 9)
# Spread routing through poison crashes retried on another cell and a scheduled crash. The
# expected file was written by the simulator before spread's key was computed once per
# request (78da279), so it pins that spread's decisions did not change.
cellkit_golden(simulate_spread_crash_retry simulate_spread_crash_retry.txt
               ARGS simulate ${fixtures}/spread_crash_retry.yaml)
cellkit_golden(simulate_help simulate_help.txt ARGS simulate --help)
cellkit_golden(simulate_error_unknown_key simulate_error_unknown_key.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/unknown_key.yaml)
cellkit_golden(simulate_error_wrong_type simulate_error_wrong_type.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/wrong_type.yaml)
cellkit_golden(simulate_error_bad_duration simulate_error_bad_duration.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/bad_duration.yaml)
cellkit_golden(simulate_error_bad_value simulate_error_bad_value.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/bad_value.yaml)
cellkit_golden(simulate_error_not_yaml simulate_error_not_yaml.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/not_yaml.yaml)
cellkit_golden(simulate_error_missing_file simulate_error_missing_file.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/no_such_file.yaml)
cellkit_golden(simulate_error_directory simulate_error_directory.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures})
cellkit_golden(simulate_error_until simulate_error_until.txt EXIT 2 STREAM stderr
               ARGS simulate ${poison_k2} --until soon)
cellkit_golden(simulate_error_runs simulate_error_runs.txt EXIT 2 STREAM stderr
               ARGS simulate ${poison_k2} --runs 0)
cellkit_golden(simulate_error_format simulate_error_format.txt EXIT 2 STREAM stderr
               ARGS simulate ${poison_k2} --format xml)
# --print-scenario: the scenario as read, every field written, overrides applied; a mapping
# stays a reference to its file. It runs nothing, so the options of a run are refused beside it.
cellkit_golden(simulate_print_scenario simulate_print_scenario.yaml
               ARGS simulate ${golden_sources}/scenarios/bad-deployment.yaml --print-scenario
                    --seed 4)
cellkit_golden(simulate_print_scenario_mapping simulate_print_scenario_mapping.yaml
               ARGS simulate ${fixtures}/mapped/from_json.yaml --print-scenario)
cellkit_golden(simulate_error_print_scenario_runs simulate_error_print_scenario_runs.txt EXIT 2
               STREAM stderr ARGS simulate ${poison_k2} --print-scenario --runs 3)
cellkit_golden(simulate_error_print_scenario_missing_file
               simulate_error_print_scenario_missing_file.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/no_such_file.yaml --print-scenario)
# --until is checked against the file's fields: control-plane-outage.yaml crashes cell 3 at 7m.
cellkit_golden(simulate_error_print_scenario_until simulate_error_print_scenario_until.txt EXIT 2
               STREAM stderr
               ARGS simulate ${golden_sources}/scenarios/control-plane-outage.yaml
                    --print-scenario --until 6m)
cellkit_golden(simulate_error_until_interval simulate_error_until_interval.txt EXIT 2
               STREAM stderr ARGS simulate ${fixtures}/small.json
                    --until 100000h0s0s0s0s0s0s0s0s0s0s0s0s0s0s0s0s0s0s)
# The scenario fuzz target's seeds that give every field between them stay valid scenarios.
foreach(seed every_field every_field_explicit)
  cellkit_golden(simulate_print_scenario_${seed} simulate_print_scenario_${seed}.yaml
                 ARGS simulate ${golden_sources}/tests/fuzz/corpus/scenario/${seed}.yaml
                      --print-scenario)
endforeach()
# A mapping the user already has: the fleet, zones and shards from a JSON or CSV file next to
# the scenario; keys the mapping gives are refused beside it, each with its line.
cellkit_golden(simulate_mapping_json simulate_mapping_json.txt
               ARGS simulate ${fixtures}/mapped/from_json.yaml)
cellkit_golden(simulate_mapping_csv simulate_mapping_csv.txt
               ARGS simulate ${fixtures}/mapped/from_csv.yaml)
cellkit_golden(simulate_mapping_conflict simulate_mapping_conflict.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/mapped/conflict.yaml)
cellkit_golden(simulate_mapping_cells_conflict simulate_mapping_cells_conflict.txt EXIT 1
               STREAM stderr ARGS simulate ${fixtures}/mapped/cells_conflict.yaml)
cellkit_golden(simulate_mapping_missing simulate_mapping_missing.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/mapped/missing.yaml)
# Explicit shards by cell name (cell-<id>, or cells.names).
cellkit_golden(simulate_shards_by_name simulate_shards_by_name.txt
               ARGS simulate ${fixtures}/shards_by_name.yaml)
cellkit_golden(simulate_named_cells simulate_named_cells.txt
               ARGS simulate ${fixtures}/named_cells.yaml)
cellkit_golden(simulate_shards_unknown_name simulate_shards_unknown_name.txt EXIT 1
               STREAM stderr ARGS simulate ${fixtures}/shards_unknown_name.yaml)
# --out: every file simulate writes is diffed with tests/golden/<test name>/ (one run, two runs).
foreach(runs 1 2)
  set(out golden-out/simulate_out_runs${runs})
  cellkit_golden(simulate_out_runs${runs} simulate_out_runs${runs}.txt OUT_DIR ${out}
                 FILES ${out}/timeseries.csv ${out}/tenants.csv ${out}/result.json
                 ARGS simulate ${fixtures}/small.json --runs ${runs} --out ${out})
endforeach()
cellkit_golden(simulate_error_out_is_a_file simulate_error_out_is_a_file.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/small.json --out ${fixtures}/small.json)
# cellkit place: summaries, the first 100 shards per strategy (golden vectors), refusals, errors.
cellkit_golden(place_help place_help.txt ARGS place --help)
cellkit_golden(place_default place_default.txt ARGS place)
foreach(strategy random least-loaded rendezvous shuffle)
  cellkit_golden(place_vectors_${strategy} place_vectors_${strategy}.txt
                 ARGS place --strategy ${strategy} --cells 100 --tenants 100 --shard-size 4 --show 100)
endforeach()
# shuffle's seeded search on one pool: 100 cells take the SQS(100)'s codewords above, whatever the
# seed; 99 cells admit no design (and shuffle takes no restricted one), so every shard is searched.
cellkit_golden(place_vectors_shuffle_no_design place_vectors_shuffle_no_design.txt
               ARGS place --strategy shuffle --cells 99 --tenants 100 --shard-size 4 --show 100)
cellkit_golden(place_vectors_stripes place_vectors_stripes.txt
               ARGS place --cells 64 --zones 4 --tenants 100 --shard-size 4 --show 100)
# Designs: the family the fleet admits, what it reaches and the fill (docs/placement.md).
cellkit_golden(place_design_sqs20 place_design_sqs20.txt EXIT 3
               ARGS place --strategy design --cells 20 --tenants 290 --shard-size 4 -m 2 --show 4)
# The stored SQS(38), in balance_order: 1,000 tenants on 38 cells load each 105 or 106 (in the
# stored order cell 37 took none); its family is rotational, not doubled.
cellkit_golden(place_design_sqs38 place_design_sqs38.txt
               ARGS place --cells 38 --tenants 1000 --shard-size 4 -m 2 --show 4)
cellkit_golden(math_design_rotational math_design_rotational.txt
               ARGS math --cells 46 --shard-size 4 --max-overlap 2)
cellkit_golden(place_design_stripes place_design_stripes.txt EXIT 3
               ARGS place --strategy design --cells 20 --zones 4 --tenants 126 --shard-size 4 -m 2
                    --show 6)
cellkit_golden(place_design_affine place_design_affine.txt
               ARGS place --strategy design --cells 49 --tenants 56 --shard-size 7 -m 1 --show 8)
# packing: the least-blocking search where no design applies (N = 30: 946, shuffle 812).
cellkit_golden(place_packing_n30 place_packing_n30.txt
               ARGS place --strategy packing --cells 30 --tenants 1015 --shard-size 4 -m 2 --show 4
                    --allow-partial)
cellkit_golden(math_design_affine math_design_affine.txt
               ARGS math --cells 49 --shard-size 7 --max-overlap 1)
# k = 3, m = 1: a Steiner triple system (Skolem, N = 31), and the packing design places for 35.
cellkit_golden(math_design_triples math_design_triples.txt
               ARGS math --cells 31 --shard-size 3 --max-overlap 1)
cellkit_golden(math_design_triple_packing math_design_triple_packing.txt
               ARGS math --cells 35 --shard-size 3 --max-overlap 1)
cellkit_golden(place_design_triples place_design_triples.txt EXIT 3
               ARGS place --strategy design --cells 15 --tenants 37 --shard-size 3 -m 1 --show 6)
cellkit_golden(place_design_triple_packing place_design_triple_packing.txt EXIT 3
               ARGS place --strategy design --cells 16 --tenants 38 --shard-size 3 -m 1 --show 4)
cellkit_golden(math_design_none math_design_none.txt
               ARGS math --cells 30 --shard-size 4 --max-overlap 2)
cellkit_golden(place_refuses_second_tenant place_refuses_second_tenant.txt EXIT 3
               ARGS place --cells 5 --tenants 3 --shard-size 4 --max-overlap 2)
cellkit_golden(place_capacity_full place_capacity_full.txt EXIT 3
               ARGS place --strategy least-loaded --cells 4 --capacity 2 --tenants 5 --shard-size 2)
cellkit_golden(place_json place_shuffle_20.json
               ARGS place --cells 20 --zones 2 --tenants 60 --seed 7 -o -)
# Shuffle with -k 2 and no --max-overlap: the default is min(2, k - 1) = 1, as in scenarios.
cellkit_golden(place_default_overlap_k2 place_default_overlap_k2.txt
               ARGS place --cells 4 --tenants 6 -k 2 --show 6)
cellkit_golden(place_error_shard_size place_error_shard_size.txt EXIT 2 STREAM stderr
               ARGS place --cells 4 --shard-size 5)
cellkit_golden(place_error_overlap place_error_overlap.txt EXIT 2 STREAM stderr
               ARGS place --shard-size 3 --max-overlap 3)
cellkit_golden(place_error_strategy place_error_strategy.txt EXIT 2 STREAM stderr
               ARGS place --strategy best)
cellkit_golden(place_error_zones place_error_zones.txt EXIT 2 STREAM stderr
               ARGS place --cells 3 --zones 4)
cellkit_golden(place_error_zones_too_many place_error_zones_too_many.txt EXIT 2 STREAM stderr
               ARGS place --cells 70000 --zones 65536)

# cellkit rebalance on the mapping that place_json writes, run inside tests/golden so that
# file names in the output do not depend on where the checkout lives.
set(here WORKDIR ${PROJECT_SOURCE_DIR}/tests/golden)
set(mapping place_shuffle_20.json)
cellkit_golden(rebalance_help rebalance_help.txt ${here} ARGS rebalance --help)
cellkit_golden(rebalance_add_cell rebalance_add_cell.txt ${here}
               ARGS rebalance ${mapping} --add-cells 1 --show-moves 10)
cellkit_golden(rebalance_show_moves_cut rebalance_show_moves_cut.txt ${here}
               ARGS rebalance ${mapping} --add-cells 1 --show-moves 3)
# Added cells follow the mapping's naming: per zone in zones.json (a4, b4), or --name-prefix.
cellkit_golden(rebalance_names_per_zone rebalance_names_per_zone.csv ${here}
               ARGS rebalance ../data/zones.json --add-cells 2 --plan -)
cellkit_golden(rebalance_name_prefix rebalance_name_prefix.csv ${here}
               ARGS rebalance ${mapping} --add-cells 2 --name-prefix edge- --plan -)
cellkit_golden(rebalance_error_name_prefix rebalance_error_name_prefix.txt ${here} EXIT 2 STREAM stderr
               ARGS rebalance ${mapping} --add-cells 1 --name-prefix "a b")
cellkit_golden(rebalance_plan_csv rebalance_plan_csv.csv ${here} ARGS rebalance ${mapping} --add-cells 2 --plan -)
cellkit_golden(rebalance_drain rebalance_drain.txt ${here} ARGS rebalance ${mapping} --drain cell-3)
# A dense drain by chains of moves: moves off the drained cell and moves clearing the way are
# counted apart, and the verdict says how many tenants moved more than once.
cellkit_golden(rebalance_dense_drain rebalance_dense_drain.txt ${here}
               ARGS rebalance ../data/dense_shuffle_20.json --drain cell-5 --show-moves 3)
cellkit_golden(rebalance_remove_max_moves rebalance_remove_max_moves.txt ${here}
               ARGS rebalance ${mapping} --remove cell-0 --max-moves 5 --show-moves 5)
cellkit_golden(rebalance_error_nothing rebalance_error_nothing.txt EXIT 2 STREAM stderr ${here}
               ARGS rebalance ${mapping})
cellkit_golden(rebalance_error_unknown_cell rebalance_error_unknown_cell.txt EXIT 2 STREAM stderr ${here}
               ARGS rebalance ${mapping} --drain cell-99)
cellkit_golden(rebalance_error_drain_twice rebalance_error_drain_twice.txt EXIT 2 STREAM stderr
               ${here} ARGS rebalance ${mapping} --drain cell-0 --drain cell-0)
cellkit_golden(rebalance_error_drain_and_remove rebalance_error_drain_and_remove.txt EXIT 2
               STREAM stderr ${here} ARGS rebalance ${mapping} --drain cell-1 --remove cell-1)
cellkit_golden(rebalance_error_missing_file rebalance_error_missing_file.txt EXIT 1 STREAM stderr ${here}
               ARGS rebalance no-such-mapping.json --add-cells 1)
cellkit_golden(rebalance_error_bad_file rebalance_error_bad_file.txt EXIT 1 STREAM stderr ${here}
               ARGS rebalance fixtures/bad_capacity.json --add-cells 1)
cellkit_golden(rebalance_error_no_max_overlap rebalance_error_no_max_overlap.txt EXIT 1 STREAM stderr
               ${here} ARGS rebalance fixtures/shuffle_without_max_overlap.json --add-cells 1)
cellkit_golden(rebalance_error_max_overlap_20 rebalance_error_max_overlap_20.txt EXIT 1 STREAM stderr
               ${here} ARGS rebalance fixtures/max_overlap_20.json --add-cells 1)
cellkit_golden(rebalance_error_overlap_broken rebalance_error_overlap_broken.txt EXIT 1
               STREAM stderr ${here} ARGS rebalance fixtures/overlap_broken.json --add-cells 1)
cellkit_golden(place_from_error_max_overlap_20 place_from_error_max_overlap_20.txt EXIT 1
               STREAM stderr ${here} ARGS place --from fixtures/max_overlap_20.json --tenants 1)
cellkit_golden(rebalance_error_plan_names_file rebalance_error_plan_names_file.txt EXIT 1
               STREAM stderr ${here} ARGS rebalance fixtures/subsets_too_many.json --add-cells 1)
# A new cell the overlap limit keeps below its fair share: the summary says so and why.
cellkit_golden(place_for_shortfall place_for_shortfall.json
               ARGS place --cells 24 --zones 4 --shard-size 3 -m 1 --tenants 60 --allow-partial -o -)
cellkit_golden(rebalance_shortfall rebalance_shortfall.txt ${here}
               ARGS rebalance place_for_shortfall.json --add-cells 1)
cellkit_golden(place_from place_from.txt ${here}
               ARGS place --from ${mapping} --tenants 5 --shard-size 4 --show 2)
cellkit_golden(place_from_error_ids_exhausted place_from_error_ids_exhausted.txt EXIT 1
               STREAM stderr ${here}
               ARGS place --from fixtures/tenant_ids_near_max.json --tenants 3 --shard-size 3)
cellkit_golden(place_from_error_ids_exhausted_file place_from_error_ids_exhausted_file.txt
               EXIT 1 STREAM stderr ${here}
               ARGS place --from fixtures/tenant_ids_near_max.json
                    --tenants-file fixtures/tenants.csv --shard-size 3)
cellkit_golden(place_from_ids_up_to_the_largest place_from_ids_up_to_the_largest.txt ${here}
               ARGS place --from fixtures/tenant_ids_near_max.json --tenants 2 --shard-size 3
                    --show 3)
cellkit_golden(place_from_error_cells place_from_error_cells.txt EXIT 2 STREAM stderr ${here}
               ARGS place --from ${mapping} --cells 4)
cellkit_golden(rebalance_capacity rebalance_capacity.txt ${here}
               ARGS rebalance ${mapping} --capacity 12 --show-moves 8)
cellkit_golden(place_tenants_file place_tenants_file.txt ${here}
               ARGS place --strategy least-loaded --cells 6 --shard-size 2
                    --tenants-file fixtures/tenants.csv --show 6)
cellkit_golden(place_tenants_file_bad place_tenants_file_bad.txt EXIT 1 STREAM stderr ${here}
               ARGS place --tenants-file fixtures/bad_tenants.csv)
cellkit_golden(place_tenants_file_missing place_tenants_file_missing.txt EXIT 1 STREAM stderr
               ${here} ARGS place --tenants-file no-such-tenants.csv)
# Mappings written by `cellkit place` (regenerate: see docs/analysis.md).
cellkit_golden(analyze_placed_stripes analyze_placed_stripes.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests
               ARGS analyze data/placed_stripes.json --tenant tenant-7 --fail cell-0,cell-1)
cellkit_golden(analyze_placed_stripes_json analyze_placed_stripes.json
               WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze data/placed_stripes.json --format json)
cellkit_golden(rebalance_rendezvous rebalance_rendezvous.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests
               ARGS rebalance data/placed_rendezvous.json --add-cells 1 --show-moves 5)
cellkit_golden(analyze_placed_rendezvous analyze_placed_rendezvous.txt
               WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze data/placed_rendezvous.json)
cellkit_golden(analyze_csv_with_fleet analyze_csv_with_fleet.txt
               WORKDIR ${PROJECT_SOURCE_DIR}/tests ARGS analyze data/zoned.csv --fleet data/zones.json)
cellkit_golden(analyze_error_unknown_csv_cell analyze_error_unknown_csv_cell.txt EXIT 1 STREAM stderr
               WORKDIR ${PROJECT_SOURCE_DIR}/tests
               ARGS analyze data/bad_unknown_cell.csv --fleet data/zones.json)
cellkit_golden(analyze_error_fleet_for_json analyze_error_fleet_for_json.txt EXIT 1 STREAM stderr
               WORKDIR ${PROJECT_SOURCE_DIR}/tests
               ARGS analyze data/placed_stripes.json --fleet data/zones.json)
cellkit_golden(analyze_disjoint analyze_disjoint.txt WORKDIR ${PROJECT_SOURCE_DIR}/tests
               ARGS analyze data/disjoint.csv)
# Rebalance reads CSV mappings as well as JSON.
cellkit_golden(rebalance_csv rebalance_csv.txt ${here}
               ARGS rebalance ../data/all_pairs_of_eight.csv --add-cells 1 --show-moves 6)
# The top-level help lists every command.
cellkit_golden(help help.txt ARGS --help)
cellkit_golden(cell_help cell_help.txt ARGS cell --help)
cellkit_golden(cell_error_listen cell_error_listen.txt EXIT 2 STREAM stderr
               ARGS cell --listen localhost:80)
cellkit_golden(cell_error_fail_rate cell_error_fail_rate.txt EXIT 2 STREAM stderr
               ARGS cell --fail-rate 2)
cellkit_golden(cell_error_cut_on_bags cell_error_cut_on_bags.txt EXIT 2 STREAM stderr
               ARGS cell --cut-on-bags 5 --crash-on-bags 5)
cellkit_golden(cell_error_body_pace cell_error_body_pace.txt EXIT 2 STREAM stderr
               ARGS cell --body-pace 5)
cellkit_golden(control_help control_help.txt ARGS control --help)
cellkit_golden(control_error_store control_error_store.txt EXIT 2 STREAM stderr
               ARGS control --listen 127.0.0.1:0 --store redis:x)
cellkit_golden(control_error_fleet control_error_fleet.txt EXIT 2 STREAM stderr
               ARGS control --listen 127.0.0.1:0 --store file:unused --fleet a/b)
cellkit_golden(control_error_strategy control_error_strategy.txt EXIT 2 STREAM stderr
               ARGS control --listen 127.0.0.1:0 --store file:unused --strategy best)

# Option values are checked as text before conversion: no sign, no hex, no overflow
# (docs/limits.md). Output files that cannot be written are refused before a run.
cellkit_golden(place_error_negative_seed place_error_negative_seed.txt EXIT 2 STREAM stderr
               ARGS place --seed -1)
cellkit_golden(place_error_hex_cells place_error_hex_cells.txt EXIT 2 STREAM stderr
               ARGS place --cells 0x10)
cellkit_golden(math_error_tenants_overflow math_error_tenants_overflow.txt EXIT 2 STREAM stderr
               ARGS math --cells 8 --shard-size 2 --tenants 18446744073709551616)
cellkit_golden(simulate_error_out_unwritable simulate_error_out_unwritable.txt EXIT 1 STREAM stderr
               ARGS simulate ${fixtures}/small.json --out /proc/cellkit-out)
# rebalance refuses, before planning, outputs that collide with each other or the input.
cellkit_golden(rebalance_error_plan_over_input rebalance_error_plan_over_input.txt ${here}
               EXIT 2 STREAM stderr ARGS rebalance ${mapping} --add-cells 1 --plan ${mapping})
cellkit_golden(rebalance_error_output_is_plan rebalance_error_output_is_plan.txt ${here}
               EXIT 2 STREAM stderr
               ARGS rebalance ${mapping} --add-cells 1 -o same.json --plan ./same.json)
cellkit_golden(rebalance_error_two_stdouts rebalance_error_two_stdouts.txt ${here}
               EXIT 2 STREAM stderr ARGS rebalance ${mapping} --add-cells 1 -o - --plan -)
# cellkit router: help and option errors (the router itself is tested in tests/live).
cellkit_golden(router_help router_help.txt ARGS router --help)
cellkit_golden(router_error_threads router_error_threads.txt EXIT 2 STREAM stderr
               ARGS router --threads 0)
cellkit_golden(router_error_tenant_from router_error_tenant_from.txt EXIT 2 STREAM stderr
               ARGS router --tenant-from cookie)
cellkit_golden(router_error_routing router_error_routing.txt EXIT 2 STREAM stderr
               ARGS router --routing random)
cellkit_golden(router_error_duration router_error_duration.txt EXIT 2 STREAM stderr
               ARGS router --connect-timeout soon)
cellkit_golden(router_error_two_stores router_error_two_stores.txt EXIT 2 STREAM stderr
               ARGS router --control http://127.0.0.1:7000 --etcd http://127.0.0.1:2379)
cellkit_golden(router_error_fleet router_error_fleet.txt EXIT 2 STREAM stderr
               ARGS router --fleet blue --control http://127.0.0.1:7000)
cellkit_golden(router_error_store_url router_error_store_url.txt EXIT 2 STREAM stderr
               ARGS router --etcd 127.0.0.1:2379)
cellkit_golden(router_error_stale_after router_error_stale_after.txt EXIT 2 STREAM stderr
               ARGS router --etcd http://127.0.0.1:2379 --stale-after 0s)
cellkit_golden(router_error_max_snapshot_bytes router_error_max_snapshot_bytes.txt EXIT 2
               STREAM stderr ARGS router --max-snapshot-bytes 0)
cellkit_golden(router_error_listen router_error_listen.txt EXIT 2 STREAM stderr
               ARGS router --listen localhost)
cellkit_golden(router_error_snapshot router_error_snapshot.txt EXIT 1 STREAM stderr
               ARGS router --listen 127.0.0.1:0 --snapshot no-such-snapshot.json)
# cellkit snapshot: a mapping as a binary snapshot, byte for byte; a snapshot of that
# snapshot is the same bytes; invalid input is not written.
set(live_fixtures ${golden_sources}/tests/golden/fixtures)
cellkit_golden(snapshot_help snapshot_help.txt ARGS snapshot --help)
cellkit_golden(snapshot_write snapshot_write.txt FILES snapshot_write.snap
               ARGS snapshot ${live_fixtures}/live_mapping.json -o snapshot_write.snap)
# (tests/golden/snapshot_again/snapshot_again.snap is the same bytes as snapshot_write's.)
cellkit_golden(snapshot_again snapshot_again.txt FILES snapshot_again.snap
               BEFORE snapshot ${live_fixtures}/live_mapping.json -o snapshot_v3.snap
               ARGS snapshot snapshot_v3.snap -o snapshot_again.snap)
cellkit_golden(snapshot_version snapshot_version.txt
               ARGS snapshot ${live_fixtures}/live_mapping.json --routing-version 9
                    -o snapshot_v9.snap)
cellkit_golden(snapshot_error_invalid snapshot_error_invalid.txt EXIT 1 STREAM stderr
               ARGS snapshot ${live_fixtures}/live_mapping_bad_endpoint.json -o bad.snap)
cellkit_golden(snapshot_error_missing snapshot_error_missing.txt EXIT 1 STREAM stderr
               ARGS snapshot no-such-mapping.json -o out.snap)
cellkit_golden(snapshot_error_version snapshot_error_version.txt EXIT 2 STREAM stderr
               ARGS snapshot ${live_fixtures}/live_mapping.json -o v0.snap --routing-version 0)
cellkit_golden(up_help up_help.txt ARGS up --help)
cellkit_golden(up_error_routers up_error_routers.txt EXIT 2 STREAM stderr
               ARGS up --routers 0)
cellkit_golden(up_error_store up_error_store.txt EXIT 2 STREAM stderr
               ARGS up --store zookeeper)
cellkit_golden(up_error_port_with_store up_error_port_with_store.txt EXIT 2 STREAM stderr
               ARGS up --store file --port 8080)
cellkit_golden(up_error_shard_size up_error_shard_size.txt EXIT 2 STREAM stderr
               ARGS up --cells 2 --shard-size 3)
cellkit_golden(up_error_strategy up_error_strategy.txt EXIT 2 STREAM stderr
               ARGS up --strategy design)
# The live demo tells the same story as the simulated one: same expected output, over real
# processes and HTTP (docs/live.md says why the counts agree).
cellkit_golden(demo_live_default demo_default.txt ARGS demo --live)
cellkit_golden(demo_live_verbose demo_verbose_seed7.txt
               ARGS demo --live --seed 7 --requests 30 --verbose)
cellkit_golden(demo_live_json demo_seed3.json ARGS demo --live --seed 3 --requests 20 --format json)
cellkit_golden(demo_live_eight_cells demo_eight_cells.txt
               ARGS demo --live --seed 2 --cells 8 --tenants 28 --requests 1000)
