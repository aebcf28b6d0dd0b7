# HTML reports and fleet diagrams (docs/reports.md): the bytes of small cases are pinned, and
# stdout stays what it is without --html.
file(RELATIVE_PATH data ${CMAKE_CURRENT_BINARY_DIR} ${PROJECT_SOURCE_DIR}/tests/data)

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
