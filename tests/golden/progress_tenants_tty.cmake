# place, analyze and rebalance at 100,000 tenants draw a progress line (percent, ETA,
# tenants/s) on stderr when it is a terminal (under `script`, a pseudo-terminal); never with
# --quiet or when stderr is not a terminal; and stdout is the same every way.
cmake_policy(SET CMP0054 NEW)
include(${CMAKE_CURRENT_LIST_DIR}/progress_check.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(mapping ${WORK}/m.json)
execute_process(COMMAND ${CELLKIT} place --strategy random --cells 50 --tenants 100000 -k 2
                        -o ${mapping} --quiet
                OUTPUT_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cellkit place -o failed (${rc})")
endif()

set(place_args place --strategy random --cells 50 --tenants 100000 -k 2)
set(analyze_args analyze ${mapping})
set(rebalance_args rebalance ${mapping} --add-cells 2)

foreach(command place analyze rebalance)
  progress_check(${command} "${${command}_args}"
                 "cellkit ${command}[a-z: ]*: 100.0%  elapsed [0-9.]+s  ETA [0-9.]+s  [0-9,]+ tenants/s"
                 "%|\\.\\.\\.\r?\n")
endforeach()
