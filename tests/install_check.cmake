# `cmake --install` of this build tree into a fresh prefix puts a working `cellkit` in
# PREFIX/bin, as `make install` does for /usr/local (which needs root, so CI checks a prefix),
# and a package that a project outside the tree (CONSUMER, tests/consumer) finds with
# find_package(cellkit), builds against with CXX (and CXX_FLAGS, the sanitizers of this
# build) and runs.
# Run as: cmake -DBUILD_DIR=... -DPREFIX=... -DCONSUMER=... -DCXX=... [-DCXX_FLAGS=...]
#         -P install_check.cmake
file(REMOVE_RECURSE ${PREFIX} ${PREFIX}-consumer)
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

# The package: configured, built and run from outside the tree, against the prefix only.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()
set(consumer ${PREFIX}-consumer)
run("configuring ${CONSUMER} against ${PREFIX}"
    ${CMAKE_COMMAND} -S ${CONSUMER} -B ${consumer} -G Ninja -DCMAKE_PREFIX_PATH=${PREFIX}
    -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
run("building ${CONSUMER}" ${CMAKE_COMMAND} --build ${consumer})
run("running the consumer" ${consumer}/consumer)
if(NOT out STREQUAL "acme 1 2\n")
  message(FATAL_ERROR "the consumer printed '${out}', expected 'acme 1 2'")
endif()
file(REMOVE_RECURSE ${PREFIX} ${consumer})
