# progress_check(NAME ARGS SHOWN QUIET): runs `cellkit ARGS` three ways — with stderr on a
# terminal (under `script`, a pseudo-terminal), the same with --quiet, and with stderr a pipe —
# and fails unless the terminal run's stderr matches the regex SHOWN, the --quiet run's
# matches nothing of QUIET, the piped run says nothing on stderr, and stdout is the same all
# three ways. `@MODE@` in ARGS becomes shown, quiet or piped (for a per-run output directory).
# Files go in ${WORK}/NAME-*. Included by progress_tty.cmake and
# progress_tenants_tty.cmake.
function(progress_check name args shown_pattern quiet_pattern)
  foreach(mode shown quiet)
    string(REPLACE ";" " " args_text "${args}")
    string(REPLACE "@MODE@" "${mode}" args_text "${args_text}")
    set(extra "")
    if(mode STREQUAL "quiet")
      set(extra "--quiet")
    endif()
    execute_process(
      COMMAND script -qfec "${CELLKIT} ${args_text} ${extra} > ${WORK}/${name}-${mode}.out"
              ${WORK}/${name}-${mode}.tty
      RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${name}: cellkit under a terminal failed (${rc})")
    endif()
  endforeach()
  string(REPLACE "@MODE@" "piped" args "${args}")
  execute_process(COMMAND ${CELLKIT} ${args} OUTPUT_FILE ${WORK}/${name}-piped.out
                  ERROR_VARIABLE piped_err RESULT_VARIABLE rc)
  file(READ ${WORK}/${name}-shown.tty shown_text)
  file(READ ${WORK}/${name}-quiet.tty quiet_text)
  if(NOT shown_text MATCHES "${shown_pattern}")
    message(FATAL_ERROR "${name}: no progress line on a terminal: '${shown_text}'")
  endif()
  if(quiet_text MATCHES "${quiet_pattern}")
    message(FATAL_ERROR "${name}: --quiet still drew progress: '${quiet_text}'")
  endif()
  if(NOT rc EQUAL 0 OR NOT piped_err STREQUAL "")
    message(FATAL_ERROR "${name}: stderr not a terminal, yet it says something: '${piped_err}'")
  endif()
  foreach(mode shown quiet)
    file(READ ${WORK}/${name}-${mode}.out a)
    file(READ ${WORK}/${name}-piped.out b)
    if(NOT a STREQUAL b)
      message(FATAL_ERROR "${name}: stdout differs with a terminal on stderr (${mode})")
    endif()
  endforeach()
endfunction()
