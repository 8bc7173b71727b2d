# The include direction between cascadelab's layers, lowest first:
#
#   model/kernel  <-  statemachines  <-  model  <-  properties  <-  experiments
#
# A file may include its own layer and the layers below it, never one above: the kernel knows
# no machine, a machine no architecture, the model no property, a property no command. Every
# project include ("dir/file.hpp") of every source under ROOT is checked; the first crossing
# of each file is reported, and the script fails when there is any.
#   cmake -DROOT=<source dir> -P tests/layering.cmake
if(NOT ROOT)
  message(FATAL_ERROR "layering.cmake: give -DROOT=<the source directory>")
endif()

set(layers model/kernel statemachines model properties experiments)

# The layer of a path relative to ROOT ("model/kernel/time.hpp" -> 0), or -1 outside them.
function(layer_of path out)
  set(found -1)
  set(index 0)
  foreach(layer IN LISTS layers)
    string(LENGTH "${layer}/" n)
    string(SUBSTRING "${path}" 0 ${n} head)
    if(head STREQUAL "${layer}/")
      # model/kernel/... also starts with model/: the longer, earlier match wins.
      if(found EQUAL -1)
        set(found ${index})
      endif()
    endif()
    math(EXPR index "${index} + 1")
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

set(crossings "")
foreach(layer IN LISTS layers)
  file(GLOB_RECURSE sources RELATIVE "${ROOT}" "${ROOT}/${layer}/*.hpp" "${ROOT}/${layer}/*.cpp")
  foreach(source IN LISTS sources)
    layer_of("${source}" own)
    file(STRINGS "${ROOT}/${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([^\"]+)\".*$" "\\1" target "${line}")
      layer_of("${target}" theirs)
      if(theirs GREATER own)
        list(GET layers ${own} own_name)
        list(GET layers ${theirs} their_name)
        list(APPEND crossings "${source} (${own_name}) includes ${target} (${their_name}, a layer above)")
      endif()
    endforeach()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES crossings)

if(crossings)
  list(JOIN crossings "\n  " text)
  message(FATAL_ERROR "includes that cross a layer the wrong way:\n  ${text}")
endif()
message(STATUS "layering: every include points down or within its layer")
