# Golden tests of messages naming a long value a user gave (500 bytes): each shows it cut to
# 40 bytes and "..." (base/cut.h `cut`), from CLI11's parse errors to each command's own.
string(REPEAT v 500 long)
string(REPEAT 9 500 long_number)
set(long_mapping ${golden_sources}/tests/golden/place_shuffle_20.json)
set(long_tests WORKDIR ${PROJECT_SOURCE_DIR}/tests)
cellkit_golden(long_unknown_command long_unknown_command.txt EXIT 2 STREAM stderr ARGS ${long})
cellkit_golden(long_not_a_whole_number long_not_a_whole_number.txt EXIT 2 STREAM stderr
               ARGS place --tenants ${long})
cellkit_golden(long_whole_number_too_large long_whole_number_too_large.txt EXIT 2 STREAM stderr
               ARGS place --tenants ${long_number})
cellkit_golden(long_strategy long_strategy.txt EXIT 2 STREAM stderr ARGS place --strategy ${long})
cellkit_golden(long_extra_argument long_extra_argument.txt EXIT 2 STREAM stderr ARGS place ${long})
cellkit_golden(long_unknown_option long_unknown_option.txt EXIT 2 STREAM stderr
               ARGS place --${long})
cellkit_golden(long_option_value long_option_value.txt EXIT 2 STREAM stderr
               ARGS place --output-format=${long} -o -)
cellkit_golden(long_rebalance_drain_twice long_rebalance_drain_twice.txt EXIT 2 STREAM stderr
               ARGS rebalance ${long_mapping} --drain ${long} --drain ${long})
cellkit_golden(long_rebalance_drain_and_remove long_rebalance_drain_and_remove.txt EXIT 2
               STREAM stderr ARGS rebalance ${long_mapping} --drain ${long} --remove ${long})
cellkit_golden(long_rebalance_unknown_cell long_rebalance_unknown_cell.txt EXIT 2 STREAM stderr
               ARGS rebalance ${long_mapping} --drain ${long})
cellkit_golden(long_rebalance_name_prefix long_rebalance_name_prefix.txt EXIT 2 STREAM stderr
               ARGS rebalance ${long_mapping} --add-cells 1 --name-prefix ${long})
cellkit_golden(long_analyze_fail_repeated long_analyze_fail_repeated.txt EXIT 2 STREAM stderr
               ${long_tests} ARGS analyze data/mixed.csv --fail ${long},${long})
cellkit_golden(long_sweep_shard long_sweep_shard.txt EXIT 2 STREAM stderr
               ARGS sweep ${fixtures}/small.json --shard ${long} --out golden-out-unused)
cellkit_golden(long_sweep_set long_sweep_set.txt EXIT 2 STREAM stderr
               ARGS sweep ${fixtures}/small.json --set ${long} --out golden-out-unused)
