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
