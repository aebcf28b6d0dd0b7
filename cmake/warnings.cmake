# Compile flags shared by every cellkit target, and only by cellkit's: they are PRIVATE, so a
# project that builds or links cellkit keeps its own.

# Floating point is evaluated as written (no fused multiply-add contraction), so random draws
# and reports are the same bits whichever compiler builds them. Every cellkit target gets it
# (cellkit_check_floating_point below fails the configure step for one that does not).
function(cellkit_set_floating_point target)
  target_compile_options(${target} PRIVATE -ffp-contract=off)
endfunction()

# The warnings, and the floating-point flag: what a library, program, test or benchmark calls.
function(cellkit_set_warnings target)
  cellkit_set_floating_point(${target})
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion
                                           -Wno-missing-field-initializers)
  if(CELLKIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(CELLKIT_SANITIZE AND NOT CELLKIT_FUZZ)  # CELLKIT_FUZZ adds them below
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer (clang only): the sanitizers that turn a bad access or undefined behaviour into a
# crash the fuzzer records, everywhere; the fuzzer's coverage hooks only in the cellkit
# libraries (cellkit_fuzz_coverage, called by cellkit_library) and the fuzz targets, so the
# tests of a build that has both (the asan preset) do not pay for them. -fsanitize=function
# is left out: clang 14 cannot assemble a C++20 coroutine (live/admin_server.cc,
# live/router_store.cc) that has both its prologue check and the coverage tables ("Cannot
# represent a difference across sections"); gcc's -fsanitize=undefined has no such check.
if(CELLKIT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CELLKIT_FUZZ needs clang (libFuzzer); this is ${CMAKE_CXX_COMPILER_ID}")
  endif()
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=function
                      -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(cellkit_fuzz_coverage target)
  if(CELLKIT_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()

# Fails the configure step when a target built here (in `dir` and below) lacks the
# floating-point flag: a target added without cellkit_set_warnings would compute differently.
function(cellkit_check_floating_point dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
      get_target_property(options ${target} COMPILE_OPTIONS)
      if(NOT "-ffp-contract=off" IN_LIST options)
        message(FATAL_ERROR "target ${target} (${dir}) is built without -ffp-contract=off: "
                            "call cellkit_set_warnings(${target})")
      endif()
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir ${subdirs})
    cellkit_check_floating_point(${subdir})
  endforeach()
endfunction()
