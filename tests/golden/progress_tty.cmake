# sweep's progress line: drawn on stderr when it is a terminal, never with --quiet, and stdout
# is the same every way (progress_check.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/progress_check.cmake)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
progress_check(sweep "sweep;${SCENARIO};--set;tenants.shard_size=1,2;--runs;2;-j;1;--out;${WORK}/@MODE@"
               "cellkit sweep: 100.0%  elapsed [0-9.]+s  ETA [0-9.]+s  4/4 runs" "%")
