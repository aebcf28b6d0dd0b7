# HTML reports and fleet diagrams (docs/reports.md): the bytes of small cases are pinned, and
# stdout stays what it is without --html.
set(data ${golden_sources}/tests/data)

cellkit_golden(simulate_html simulate_small_json.json FILES golden-out-simulate.html
               ARGS simulate ${fixtures}/small.json --format json --html golden-out-simulate.html)
cellkit_golden(simulate_html_runs simulate_poison_k2_runs.txt
               FILES golden-out-simulate_runs.html
               ARGS simulate ${poison_k2} --runs 3 --until 2m --html golden-out-simulate_runs.html)
cellkit_golden(analyze_html analyze_html.json FILES golden-out-analyze.html
               ARGS analyze ${data}/zones.json --format json --html golden-out-analyze.html)
cellkit_golden(place_html place_html.txt FILES golden-out-place.html
               ARGS place --cells 12 --zones 3 --tenants 30 --shard-size 3 --seed 4
                    --html golden-out-place.html)
cellkit_golden(rebalance_html rebalance_html.txt FILES golden-out-rebalance.html
               ARGS rebalance ${data}/placed_stripes.json --add-cells 2 --html golden-out-rebalance.html)

cellkit_golden(diagram_mermaid diagram_zones.mmd ARGS diagram ${data}/zones.json)
cellkit_golden(diagram_svg diagram_zones.svg ARGS diagram ${data}/zones.json --format svg)
cellkit_golden(diagram_aggregated diagram_aggregated.mmd
               ARGS diagram ${data}/placed_rendezvous.json --max-cells 5 --max-tenants 10)
cellkit_golden(diagram_help diagram_help.txt ARGS diagram --help)
cellkit_golden(diagram_error_missing diagram_error_missing.txt EXIT 1 STREAM stderr
               ARGS diagram no-such-mapping.json)

# cellkit sweep: the files are pinned, and -j 1 and -j 3 must both give exactly them.
foreach(jobs 1 3)
  set(out golden-out-sweep-j${jobs})
  cellkit_golden(sweep_j${jobs} sweep_summary.csv OUT_DIR ${out} FILES_EXPECTED sweep
                 FILES ${out}/runs.csv ${out}/summary.csv ${out}/sweep.json
                 ARGS sweep ${fixtures}/small.json --set tenants.shard_size=1,2
                      --set workload.rate=50,200 --runs 3 -j ${jobs} --out ${out})
endforeach()
set(out golden-out-sweep-html)
cellkit_golden(sweep_html sweep_summary.csv OUT_DIR ${out} FILES ${out}/runs.csv
               ${out}/summary.csv ${out}/sweep.json golden-out-sweep.html FILES_EXPECTED sweep_html
               ARGS sweep ${fixtures}/small.json --set tenants.shard_size=1,2
                    --set workload.rate=50,200 --runs 3 -j 2 --out ${out}
                    --html golden-out-sweep.html)
cellkit_golden(sweep_help sweep_help.txt ARGS sweep --help)
cellkit_golden(sweep_error_set sweep_error_set.txt EXIT 2 STREAM stderr
               ARGS sweep ${fixtures}/small.json --set tenants.shard_size --out golden-out-unused)
cellkit_golden(sweep_error_shard sweep_error_shard.txt EXIT 2 STREAM stderr
               ARGS sweep ${fixtures}/small.json --shard 3/3 --out golden-out-unused)

# Slices merged give the bytes of one run (runs.csv, summary.csv, sweep.json and the HTML).
add_test(NAME sweep.shard_merge_equals_one_run
         COMMAND ${CMAKE_COMMAND} -DCELLKIT=$<TARGET_FILE:cellkit>
                 -DSCENARIO=${PROJECT_SOURCE_DIR}/tests/golden/scenarios/small.json
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/sweep-merge-test
                 -P ${PROJECT_SOURCE_DIR}/tests/golden/sweep_merge.cmake)

add_test(NAME progress.drawn_on_a_terminal_only
         COMMAND ${CMAKE_COMMAND} -DCELLKIT=$<TARGET_FILE:cellkit>
                 -DSCENARIO=${PROJECT_SOURCE_DIR}/tests/golden/scenarios/small.json
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/progress-test
                 -P ${PROJECT_SOURCE_DIR}/tests/golden/progress_tty.cmake)

add_test(NAME progress.tenants_on_a_terminal_only
         COMMAND ${CMAKE_COMMAND} -DCELLKIT=$<TARGET_FILE:cellkit>
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/progress-tenants-test
                 -P ${PROJECT_SOURCE_DIR}/tests/golden/progress_tenants_tty.cmake)
