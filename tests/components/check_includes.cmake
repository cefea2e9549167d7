# Fails if a header of a component reaches, through its #include lines followed transitively,
# a header of the library outside the folders the component may use, or a header of a
# geometry backend (Eigen, xsimd, CUDA, MPI, NCCL).
#
#   cmake -DINCLUDE_DIR=<folder holding hyperbolic/> -DCOMPONENT=graph -DALLOWED=graph
#         -P check_includes.cmake
#
# COMPONENT: the folder include/hyperbolic/<COMPONENT> whose headers are checked; ALLOWED: the
# folders of include/hyperbolic/ its headers may include (';' or ',' separated). Every
# #include line counts, also one inside #if or a comment block (the check errs on the strict
# side); an #include of a macro cannot be followed and is an error too.
cmake_minimum_required(VERSION 3.21)
foreach(var INCLUDE_DIR COMPONENT ALLOWED)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_includes.cmake needs -D${var}=...")
  endif()
endforeach()
string(REPLACE "," ";" ALLOWED "${ALLOWED}")
get_filename_component(include_root "${INCLUDE_DIR}" ABSOLUTE)
set(root "${include_root}/hyperbolic")
list(JOIN ALLOWED "," allowed_text)
if(NOT IS_DIRECTORY "${root}/${COMPONENT}")
  message(FATAL_ERROR "no folder ${root}/${COMPONENT}")
endif()
set(forbidden_external
    "^(Eigen|unsupported/Eigen|xsimd|xtl|cuda|cub|thrust|cooperative_groups|mpi|nccl)([/._]|$)")

file(GLOB_RECURSE queue LIST_DIRECTORIES false "${root}/${COMPONENT}/*")
if(NOT queue)
  message(FATAL_ERROR "no headers in ${root}/${COMPONENT}")
endif()
set(seen ${queue})
set(violations "")
set(checked 0)
while(queue)
  list(POP_FRONT queue file)
  math(EXPR checked "${checked} + 1")
  file(RELATIVE_PATH file_rel "${include_root}" "${file}")
  get_filename_component(file_dir "${file}" DIRECTORY)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*([<\"])([^>\"]+)[>\"]")
      list(APPEND violations "${file_rel}: an #include that cannot be followed: ${line}")
      continue()
    endif()
    set(quote "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    # Where the compiler would find it: next to the file (quoted form), then in INCLUDE_DIR.
    set(target "")
    if(quote STREQUAL "\"" AND EXISTS "${file_dir}/${name}")
      get_filename_component(target "${file_dir}/${name}" ABSOLUTE)
    elseif(EXISTS "${include_root}/${name}")
      get_filename_component(target "${include_root}/${name}" ABSOLUTE)
    endif()
    if(target STREQUAL "")
      if(name MATCHES "^hyperbolic/")
        list(APPEND violations "${file_rel}: includes ${name}, which does not exist")
      elseif(name MATCHES "${forbidden_external}")
        list(APPEND violations "${file_rel}: includes ${name} (a geometry backend's header)")
      endif()
      continue()  # a system or third-party header
    endif()
    file(RELATIVE_PATH target_rel "${root}" "${target}")
    if(target_rel MATCHES "^\\.\\./")
      list(APPEND violations "${file_rel}: includes ${name}, outside include/hyperbolic")
      continue()
    endif()
    string(REGEX REPLACE "/.*" "" folder "${target_rel}")
    if(NOT target_rel MATCHES "/" OR NOT folder IN_LIST ALLOWED)
      list(APPEND violations "${file_rel}: includes hyperbolic/${target_rel} (component \
${COMPONENT} may include only hyperbolic/{${allowed_text}}/)")
      continue()
    endif()
    if(NOT target IN_LIST seen)
      list(APPEND seen "${target}")
      list(APPEND queue "${target}")
    endif()
  endforeach()
endwhile()

if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "component ${COMPONENT} reaches headers it must not use:\n  ${text}")
endif()
message(STATUS "component ${COMPONENT}: ${checked} headers, "
               "no include outside hyperbolic/{${allowed_text}}/")
