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

# `cellkit analyze` reads mapping files by relative path, so outputs name them the same way in
# every checkout: the data files are copied next to the golden tests' working directory.
file(GLOB analysis_data RELATIVE ${PROJECT_SOURCE_DIR}/tests/data ${PROJECT_SOURCE_DIR}/tests/data/*)
foreach(file ${analysis_data})
  configure_file(${PROJECT_SOURCE_DIR}/tests/data/${file} ${CMAKE_CURRENT_BINARY_DIR}/data/${file}
                 COPYONLY)
endforeach()
cellkit_golden(analyze_all_pairs analyze_all_pairs.txt
               ARGS analyze data/all_pairs_of_eight.csv --tenant t5 --fail c3,c5)
cellkit_golden(analyze_all_pairs_json analyze_all_pairs.json
               ARGS analyze data/all_pairs_of_eight.csv --tenant t0 --format json)
cellkit_golden(analyze_zones analyze_zones.txt ARGS analyze data/zones.json --fail a1,b1)
cellkit_golden(analyze_zones_json analyze_zones.json ARGS analyze data/zones.json --format json)
cellkit_golden(analyze_mixed analyze_mixed.txt ARGS analyze data/mixed.csv --tenant alpha)
cellkit_golden(analyze_lenient analyze_lenient.txt ARGS analyze data/lenient.csv --lenient)
cellkit_golden(analyze_lenient_problems analyze_lenient_problems.txt STREAM stderr
               ARGS analyze data/lenient.csv --lenient)
cellkit_golden(analyze_error_lenient_off analyze_error_lenient_off.txt EXIT 1 STREAM stderr
               ARGS analyze data/lenient.csv)
cellkit_golden(analyze_error_duplicate analyze_error_duplicate.txt EXIT 1 STREAM stderr
               ARGS analyze data/bad_duplicate_tenant.csv)
cellkit_golden(analyze_error_repeated_cell analyze_error_repeated_cell.txt EXIT 1 STREAM stderr
               ARGS analyze data/bad_repeated_cell.csv)
cellkit_golden(analyze_error_empty_shard analyze_error_empty_shard.txt EXIT 1 STREAM stderr
               ARGS analyze data/bad_empty_shard.csv)
cellkit_golden(analyze_error_malformed analyze_error_malformed.txt EXIT 1 STREAM stderr
               ARGS analyze data/bad_malformed.csv)
cellkit_golden(analyze_error_missing_file analyze_error_missing_file.txt EXIT 1 STREAM stderr
               ARGS analyze data/no_such_file.csv)
cellkit_golden(analyze_error_unknown_tenant analyze_error_unknown_tenant.txt EXIT 2 STREAM stderr
               ARGS analyze data/mixed.csv --tenant zulu)
cellkit_golden(analyze_error_unknown_cell analyze_error_unknown_cell.txt EXIT 2 STREAM stderr
               ARGS analyze data/mixed.csv --fail c1,c99)
cellkit_golden(analyze_error_format analyze_error_format.txt EXIT 2 STREAM stderr
               ARGS analyze data/mixed.csv --format xml)
cellkit_golden(analyze_help analyze_help.txt ARGS analyze --help)
