# Golden-test runner: runs a command and diffs its stdout (and exit code) with a file.
# Usage: cmake -DCOMMAND="a|b|c" -DEXPECTED=file [-DEXPECT_EXIT=0] [-DSTREAM=stdout|stderr]
#        [-DACTUAL_DIR=dir where a differing output is written, default the working directory]
#        -P golden.cmake
# Set CELLKIT_UPDATE_GOLDEN=1 in the environment to rewrite the expected file instead.
if(NOT DEFINED EXPECT_EXIT)
  set(EXPECT_EXIT 0)
endif()
if(NOT DEFINED STREAM)
  set(STREAM stdout)
endif()
string(REPLACE "|" ";" COMMAND "${COMMAND}")
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE exit_code OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(STREAM STREQUAL "stderr")
  set(actual "${err}")
else()
  set(actual "${out}")
endif()
if(DEFINED ENV{CELLKIT_UPDATE_GOLDEN})
  file(WRITE "${EXPECTED}" "${actual}")
  message(STATUS "updated ${EXPECTED}")
  return()
endif()
if(NOT exit_code STREQUAL "${EXPECT_EXIT}")
  message(FATAL_ERROR "exit code ${exit_code}, expected ${EXPECT_EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()
file(READ "${EXPECTED}" expected)
if(NOT actual STREQUAL expected)
  string(REPLACE ";" " " shown "${COMMAND}")
  get_filename_component(name "${EXPECTED}" NAME)
  if(NOT DEFINED ACTUAL_DIR)
    set(ACTUAL_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  set(actual_file "${ACTUAL_DIR}/${name}.actual")
  file(WRITE "${actual_file}" "${actual}")
  execute_process(COMMAND diff -u "${EXPECTED}" "${actual_file}")
  message(FATAL_ERROR "output of `${shown}` differs from ${EXPECTED} "
                      "(actual output written to ${actual_file}; "
                      "rerun with CELLKIT_UPDATE_GOLDEN=1 to accept it)")
endif()
