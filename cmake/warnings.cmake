# Warning and sanitizer flags shared by every cellkit target.
function(cellkit_set_warnings target)
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
