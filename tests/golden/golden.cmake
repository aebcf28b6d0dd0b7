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

# cellkit simulate: every scenario shipped in scenarios/ runs as a golden test.
foreach(scenario poison-k2 poison-k1 poison-naive control-plane-outage zone-outage
                 bad-deployment scale-out)
  file(RELATIVE_PATH path ${CMAKE_CURRENT_BINARY_DIR} ${PROJECT_SOURCE_DIR}/scenarios/${scenario}.yaml)
  cellkit_golden(simulate_${scenario} simulate_${scenario}.txt ARGS simulate ${path})
endforeach()
# Fixtures for format and error cases, by a path relative to the test's directory so the
# messages that name the file are the same on every machine.
file(RELATIVE_PATH fixtures ${CMAKE_CURRENT_BINARY_DIR} ${PROJECT_SOURCE_DIR}/tests/golden/scenarios)
file(RELATIVE_PATH poison_k2 ${CMAKE_CURRENT_BINARY_DIR} ${PROJECT_SOURCE_DIR}/scenarios/poison-k2.yaml)
cellkit_golden(simulate_json simulate_small_json.json
               ARGS simulate ${fixtures}/small.json --format json)
cellkit_golden(simulate_runs simulate_poison_k2_runs.txt
               ARGS simulate ${poison_k2} --runs 3 --until 2m)
cellkit_golden(simulate_seed_override simulate_small_seed9.txt
               ARGS simulate ${fixtures}/small.json --seed 9)
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
cellkit_golden(simulate_error_until simulate_error_until.txt EXIT 2 STREAM stderr
               ARGS simulate ${poison_k2} --until soon)
cellkit_golden(simulate_error_runs simulate_error_runs.txt EXIT 2 STREAM stderr
               ARGS simulate ${poison_k2} --runs 0)
cellkit_golden(simulate_error_format simulate_error_format.txt EXIT 2 STREAM stderr
               ARGS simulate ${poison_k2} --format xml)
