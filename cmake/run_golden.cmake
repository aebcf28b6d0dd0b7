# Golden-test runner: runs a command and diffs its stdout (and exit code) with a file, and
# optionally the files the command writes with expected copies.
# Usage: cmake -DCOMMAND="a|b|c" -DEXPECTED=file [-DEXPECT_EXIT=0] [-DSTREAM=stdout|stderr]
#        [-DACTUAL_DIR=dir where a differing output is written, default the working directory]
#        [-DFILES="f1|f2" -DFILES_EXPECTED=dir] [-DOUT_DIR=dir] [-DBEFORE="a|b|c"]
#        -P run_golden.cmake
# FILES are paths relative to the working directory: each is deleted before the command runs
# and afterwards compared byte for byte with FILES_EXPECTED/<its file name>; a missing file
# fails. OUT_DIR (relative to the working directory) is removed before the command runs, so
# nothing stale survives, and afterwards every file in it must be one of FILES.
# BEFORE is a command run first (after the removals), which must exit 0: it sets the stage, for
# example an earlier run whose files the command must not overwrite.
# Set CELLKIT_UPDATE_GOLDEN=1 in the environment to rewrite the expected files instead.
cmake_minimum_required(VERSION 3.25)  # script mode: today's policies (IN_LIST, ...)
if(NOT DEFINED EXPECT_EXIT)
  set(EXPECT_EXIT 0)
endif()
if(NOT DEFINED STREAM)
  set(STREAM stdout)
endif()
if(NOT DEFINED ACTUAL_DIR)
  set(ACTUAL_DIR "${CMAKE_CURRENT_BINARY_DIR}")
endif()
string(REPLACE "|" ";" COMMAND "${COMMAND}")
string(REPLACE "|" ";" files_given "${FILES}")
set(FILES "")
foreach(f IN LISTS files_given)
  cmake_path(SET f NORMALIZE "${f}")
  list(APPEND FILES "${f}")
endforeach()
string(REPLACE ";" " " shown "${COMMAND}")

# A fresh start: nothing the command wrote last time can stand in for this run's output.
if(OUT_DIR)
  if(IS_ABSOLUTE "${OUT_DIR}" OR OUT_DIR MATCHES "(^|/)\\.\\.(/|$)")
    message(FATAL_ERROR "OUT_DIR '${OUT_DIR}' must be relative and inside the working directory")
  endif()
  file(REMOVE_RECURSE "${OUT_DIR}")
endif()
foreach(f IN LISTS FILES)
  file(REMOVE "${f}")
endforeach()

if(BEFORE)
  string(REPLACE "|" ";" BEFORE "${BEFORE}")
  execute_process(COMMAND ${BEFORE} RESULT_VARIABLE before_exit OUTPUT_QUIET
                  ERROR_VARIABLE before_err)
  if(NOT before_exit EQUAL 0)
    message(FATAL_ERROR "the BEFORE command exited ${before_exit}:\n${before_err}")
  endif()
endif()
# Each argument bracket-quoted, so an empty one ('-o ""') reaches the command as one: an
# unquoted list expansion would drop it.
set(arguments "")
foreach(argument IN LISTS COMMAND)
  string(APPEND arguments " [==[${argument}]==]")
endforeach()
cmake_language(EVAL CODE "execute_process(COMMAND${arguments} RESULT_VARIABLE exit_code
                          OUTPUT_VARIABLE out ERROR_VARIABLE err)")
if(STREAM STREQUAL "stderr")
  set(actual "${err}")
else()
  set(actual "${out}")
endif()

if(DEFINED ENV{CELLKIT_UPDATE_GOLDEN})
  file(WRITE "${EXPECTED}" "${actual}")
  message(STATUS "updated ${EXPECTED}")
  foreach(f IN LISTS FILES)
    if(NOT EXISTS "${f}")
      message(FATAL_ERROR "`${shown}` did not write ${f}: nothing to update "
                          "${FILES_EXPECTED} with\nstdout:\n${out}\nstderr:\n${err}")
    endif()
    get_filename_component(name "${f}" NAME)
    file(MAKE_DIRECTORY "${FILES_EXPECTED}")
    file(COPY_FILE "${f}" "${FILES_EXPECTED}/${name}" ONLY_IF_DIFFERENT)
    message(STATUS "updated ${FILES_EXPECTED}/${name}")
  endforeach()
  return()
endif()

if(NOT exit_code STREQUAL "${EXPECT_EXIT}")
  message(FATAL_ERROR "exit code ${exit_code}, expected ${EXPECT_EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()

# Every difference is collected, so one run shows all that changed.
set(problems "")
set(differs FALSE)
file(READ "${EXPECTED}" expected)
get_filename_component(name "${EXPECTED}" NAME)
set(actual_file "${ACTUAL_DIR}/${name}.actual")
file(REMOVE "${actual_file}")
if(NOT actual STREQUAL expected)
  file(WRITE "${actual_file}" "${actual}")
  execute_process(COMMAND diff -u "${EXPECTED}" "${actual_file}")
  string(APPEND problems "\n  ${STREAM} differs from ${EXPECTED} (actual: ${actual_file})")
  set(differs TRUE)
endif()

get_filename_component(expected_dir_name "${FILES_EXPECTED}" NAME)
foreach(f IN LISTS FILES)
  get_filename_component(name "${f}" NAME)
  set(want "${FILES_EXPECTED}/${name}")
  set(actual_file "${ACTUAL_DIR}/${expected_dir_name}/${name}.actual")
  file(REMOVE "${actual_file}")
  if(NOT EXISTS "${f}" OR IS_DIRECTORY "${f}")
    string(APPEND problems "\n  ${f} is missing: the command did not write it as a file")
    continue()
  endif()
  if(NOT EXISTS "${want}")
    string(APPEND problems "\n  ${want} does not exist (the expected copy of ${f}): "
                           "create it with CELLKIT_UPDATE_GOLDEN=1")
    continue()
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${want}" "${f}"
                  RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    file(MAKE_DIRECTORY "${ACTUAL_DIR}/${expected_dir_name}")
    file(COPY_FILE "${f}" "${actual_file}")
    execute_process(COMMAND diff -u "${want}" "${actual_file}")
    string(APPEND problems "\n  ${f} differs from ${want} (actual: ${actual_file})")
    set(differs TRUE)
  endif()
endforeach()

if(OUT_DIR)
  file(GLOB_RECURSE written RELATIVE "${CMAKE_CURRENT_BINARY_DIR}" "${OUT_DIR}/*")
  foreach(w IN LISTS written)
    if(NOT w IN_LIST FILES)
      string(APPEND problems "\n  ${w} was written but is not checked: list it in FILES")
    endif()
  endforeach()
endif()

# An expected copy no listed file is compared with would silently check nothing.
if(FILES AND IS_DIRECTORY "${FILES_EXPECTED}")
  set(names "")
  foreach(f IN LISTS FILES)
    get_filename_component(name "${f}" NAME)
    list(APPEND names "${name}")
  endforeach()
  file(GLOB kept RELATIVE "${FILES_EXPECTED}" "${FILES_EXPECTED}/*")
  foreach(k IN LISTS kept)
    if(NOT k IN_LIST names)
      string(APPEND problems "\n  ${FILES_EXPECTED}/${k} is the copy of none of FILES: "
                             "delete it or list the file it stands for in FILES")
    endif()
  endforeach()
endif()

if(differs)
  string(APPEND problems "\nrerun with CELLKIT_UPDATE_GOLDEN=1 to accept the actual output")
endif()
if(problems)
  message(FATAL_ERROR "`${shown}` in ${CMAKE_CURRENT_BINARY_DIR}:${problems}")
endif()
