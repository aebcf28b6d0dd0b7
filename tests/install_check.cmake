# `cmake --install` of this build tree into a fresh prefix puts a working `cellkit` in
# PREFIX/bin, as `make install` does for /usr/local (which needs root, so CI checks a prefix).
# Run as: cmake -DBUILD_DIR=... -DPREFIX=... -P install_check.cmake
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${PREFIX} failed (${rc}):\n${out}${err}")
endif()
if(NOT EXISTS ${PREFIX}/bin/cellkit)
  message(FATAL_ERROR "cmake --install put no ${PREFIX}/bin/cellkit:\n${out}")
endif()
# Found through PATH, as the docs' `cellkit ...` lines expect.
execute_process(COMMAND ${CMAKE_COMMAND} -E env "PATH=${PREFIX}/bin:/usr/bin:/bin" cellkit --version
                RESULT_VARIABLE rc OUTPUT_VARIABLE version ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT version MATCHES "^cellkit [0-9]+\\.[0-9]+\\.[0-9]+\n$")
  message(FATAL_ERROR "installed cellkit --version gave (${rc}) '${version}' ${err}")
endif()
file(REMOVE_RECURSE ${PREFIX})
