# place, analyze and rebalance at 100,000 tenants draw a progress line (percent, ETA,
# tenants/s) on stderr when it is a terminal (under `script`, a pseudo-terminal); never with
# --quiet or when stderr is not a terminal; and stdout is the same every way.
cmake_policy(SET CMP0054 NEW)
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
  string(REPLACE ";" " " args "${${command}_args}")
  foreach(mode shown quiet)
    set(extra "")
    if(mode STREQUAL "quiet")
      set(extra "--quiet")
    endif()
    execute_process(
      COMMAND script -qfec "${CELLKIT} ${args} ${extra} > ${WORK}/${command}-${mode}.out"
              ${WORK}/${command}-${mode}.tty
      RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "cellkit ${command} under a terminal failed (${rc})")
    endif()
  endforeach()
  execute_process(COMMAND ${CELLKIT} ${${command}_args} OUTPUT_FILE ${WORK}/${command}-piped.out
                  ERROR_VARIABLE piped_err RESULT_VARIABLE rc)
  file(READ ${WORK}/${command}-shown.tty shown_text)
  file(READ ${WORK}/${command}-quiet.tty quiet_text)
  if(NOT shown_text MATCHES "cellkit ${command}[a-z: ]*: 100.0%  elapsed [0-9.]+s  ETA [0-9.]+s  [0-9,]+ tenants/s")
    message(FATAL_ERROR "${command}: no progress line on a terminal: '${shown_text}'")
  endif()
  if(quiet_text MATCHES "%|\\.\\.\\.\r?\n")
    message(FATAL_ERROR "${command}: --quiet still drew progress: '${quiet_text}'")
  endif()
  if(NOT rc EQUAL 0 OR NOT piped_err STREQUAL "")
    message(FATAL_ERROR "${command}: stderr not a terminal, yet it says something: '${piped_err}'")
  endif()
  foreach(mode shown quiet)
    file(READ ${WORK}/${command}-${mode}.out a)
    file(READ ${WORK}/${command}-piped.out b)
    if(NOT a STREQUAL b)
      message(FATAL_ERROR "${command}: stdout differs with a terminal on stderr (${mode})")
    endif()
  endforeach()
endforeach()
