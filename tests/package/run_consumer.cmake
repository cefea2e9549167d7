# Installs the package from the build tree into a scratch prefix, then
# configures, builds and runs the consumer project against it.
foreach(var BUILD_DIR CONSUMER_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_consumer.cmake needs -D${var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
# The components: graph always, text when the package was built with it (WITH_TEXT).
set(components graph)
if(WITH_TEXT)
  string(APPEND components ",text")
endif()
run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCONSUMER_COMPONENTS=${components})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
foreach(program consumer consumer_graph consumer_text consumer_distributed)
  if(EXISTS ${WORK_DIR}/build/${program})
    run(${WORK_DIR}/build/${program})
  elseif(program MATCHES "^consumer(_graph)?$" OR (program STREQUAL "consumer_text" AND WITH_TEXT))
    message(FATAL_ERROR "the consumer project built no ${program}")
  endif()
endforeach()

# An unknown component fails find_package, naming it.
execute_process(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build-unknown
                        -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
                        -DCONSUMER_COMPONENTS=graph,no_such_part
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "find_package(hyperbolic COMPONENTS no_such_part) succeeded:\n${out}")
endif()
if(NOT err MATCHES "hyperbolic has no component 'no_such_part'")
  message(FATAL_ERROR "find_package(hyperbolic COMPONENTS no_such_part) failed without naming it:\n${err}")
endif()
message(STATUS "consumer project built and ran against ${prefix}")
