# Every scenario file under experiments/scenarios loads, and is written out in full: `scenario
# show FILE` prints it byte for byte, so a reader sees every parameter the run uses (a field added
# to the model later, or a misspelt one, fails here). ./scripts/regen-docs rewrites them.
file(GLOB files ${SOURCE_DIR}/experiments/scenarios/*.json)
list(LENGTH files count)
if(count LESS 7)
  message(FATAL_ERROR "expected the committed scenarios (bench-*, rpc-*) under experiments/scenarios, found ${count}")
endif()
foreach(f IN LISTS files)
  execute_process(COMMAND ${CMD} scenario show ${f} OUTPUT_VARIABLE shown ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${f} does not load: ${err}")
  endif()
  file(READ ${f} committed)
  if(NOT shown STREQUAL committed)
    message(FATAL_ERROR "${f} is not in its full form; run ./scripts/regen-docs")
  endif()
endforeach()
