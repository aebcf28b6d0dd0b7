# The CLI's user-facing policy (docs/cli.md): exit codes, pointing a lost user at the right help,
# output formats that follow the file name, and result files that are not silently replaced.
cellkit_golden(unknown_command unknown_command.txt EXIT 2 STREAM stderr ARGS analyse)
cellkit_golden(unknown_command_prefix unknown_command_prefix.txt EXIT 2 STREAM stderr ARGS sim)
cellkit_golden(unknown_command_far unknown_command_far.txt EXIT 2 STREAM stderr ARGS xyz)
cellkit_golden(simulate_error_no_scenario simulate_error_no_scenario.txt EXIT 2 STREAM stderr
               ARGS simulate)
cellkit_golden(place_error_extra_argument place_error_extra_argument.txt EXIT 2 STREAM stderr
               ARGS place extra)

# A refused tenant is a partial result: exit code 3 and a line on stderr, unless --allow-partial.
cellkit_golden(place_partial_message place_partial_message.txt EXIT 3 STREAM stderr
               ARGS place --cells 5 --tenants 3 --shard-size 4 --max-overlap 2)
cellkit_golden(place_allow_partial place_refuses_second_tenant.txt
               ARGS place --cells 5 --tenants 3 --shard-size 4 --max-overlap 2 --allow-partial)

# -o follows the file name's extension, or --output-format.
cellkit_golden(place_output_csv place_output_csv.txt FILES place_output.csv
               ARGS place --cells 6 --tenants 5 --shard-size 2 -m 1 -o place_output.csv)
cellkit_golden(place_output_format_csv place_output_format_csv.csv
               ARGS place --cells 6 --tenants 5 --shard-size 2 -m 1 --output-format csv -o -)
cellkit_golden(place_error_output_format place_error_output_format.txt EXIT 2 STREAM stderr
               ARGS place --output-format xml -o -)
set(placed_json ${golden_sources}/tests/golden/place_shuffle_20.json)
cellkit_golden(rebalance_output_csv rebalance_output_csv.txt FILES rebalance_output.csv
               ARGS rebalance ${placed_json} --add-cells 1 -o rebalance_output.csv)

# simulate --out refuses the files of an earlier run (left untouched) unless --force.
set(small ${golden_sources}/tests/golden/scenarios/small.json)
set(out golden-out/simulate_out_exists)
cellkit_golden(simulate_out_refuses_existing simulate_out_refuses_existing.txt EXIT 1
               STREAM stderr OUT_DIR ${out}
               FILES ${out}/timeseries.csv ${out}/tenants.csv ${out}/result.json
               FILES_EXPECTED simulate_out_runs1
               BEFORE simulate ${small} --out ${out}
               ARGS simulate ${small} --seed 9 --out ${out})
set(out golden-out/simulate_out_force)
cellkit_golden(simulate_out_force simulate_out_runs1.txt OUT_DIR ${out}
               FILES ${out}/timeseries.csv ${out}/tenants.csv ${out}/result.json
               FILES_EXPECTED simulate_out_runs1
               BEFORE simulate ${small} --seed 9 --out ${out}
               ARGS simulate ${small} --out ${out} --force)

# The README's demo example, exactly as written there: two of eight cells dead, and tenant-16
# (the same two cells as tenant-2 by chance) down with it, which is what the README says.
cellkit_golden(readme_demo_eight_cells readme_demo_eight_cells.txt
               ARGS demo --cells 8 --tenants 28 --requests 1000)

# `tenants: {placement: shuffle}` works with the other defaults; a max_overlap that cannot work
# is a located scenario error.
set(scenarios ${golden_sources}/tests/golden/scenarios)
cellkit_golden(simulate_shuffle_defaults simulate_shuffle_defaults.txt
               ARGS simulate ${scenarios}/shuffle_defaults.yaml)
cellkit_golden(simulate_error_max_overlap simulate_error_max_overlap.txt EXIT 1 STREAM stderr
               ARGS simulate ${scenarios}/bad_max_overlap.yaml)

# place warns when identical shards exceed what random placement gives (a mapping written by
# least-loaded before it broke ties with the seeded stream: 4 groups of 10 identical shards).
set(groups ${golden_sources}/tests/golden/fixtures/least_loaded_groups.json)
cellkit_golden(place_warns_identical_groups place_warns_identical_groups.txt STREAM stderr
               ARGS place --from ${groups} --tenants 1 --shard-size 2)
