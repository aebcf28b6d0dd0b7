# The progress line: drawn on stderr when it is a terminal (run under `script`, a pseudo-
# terminal), never with --quiet, and stdout is the same either way.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(grid ${SCENARIO} --set tenants.shard_size=1,2 --runs 2 -j 1)
string(REPLACE ";" " " grid_text "${grid}")

function(under_tty name extra)
  execute_process(
    COMMAND script -qfec "${CELLKIT} sweep ${grid_text} --out ${WORK}/${name} ${extra} > ${WORK}/${name}.out" ${WORK}/${name}.tty
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cellkit sweep under a terminal failed (${rc})")
  endif()
endfunction()

under_tty(shown "")
under_tty(quiet "--quiet")
execute_process(COMMAND ${CELLKIT} sweep ${grid} --out ${WORK}/piped OUTPUT_FILE ${WORK}/piped.out
                ERROR_VARIABLE piped_err RESULT_VARIABLE rc)
file(READ ${WORK}/shown.tty shown)
file(READ ${WORK}/quiet.tty quiet)
if(NOT shown MATCHES "cellkit sweep: 100.0%  elapsed [0-9.]+s  ETA [0-9.]+s  4/4 runs")
  message(FATAL_ERROR "no progress line on a terminal: '${shown}'")
endif()
if(quiet MATCHES "%")
  message(FATAL_ERROR "--quiet still drew progress: '${quiet}'")
endif()
if(NOT rc EQUAL 0 OR NOT piped_err STREQUAL "")
  message(FATAL_ERROR "stderr not a terminal, yet it says something: '${piped_err}'")
endif()
foreach(name shown quiet)
  file(READ ${WORK}/${name}.out a)
  file(READ ${WORK}/piped.out b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "stdout differs with a terminal on stderr (${name})")
  endif()
endforeach()
