# A generated block inside a hand-written Markdown page:
#   <!-- BEGIN GENERATED: NAME (COMMAND) -->
#   ```
#   ...the output of COMMAND...
#   ```
#   <!-- END GENERATED: NAME -->
# MODE=check fails when the block differs from what CMD ARGS prints now; MODE=write rewrites it.
# Used by ./scripts/regen-docs (write) and by CTest (check), so a page cannot drift from the tool.
# WORK_DIR: where the command runs (files it writes land there); EXPECT_RC: its exit status.
if(NOT DEFINED WORK_DIR)
  set(WORK_DIR ${CMAKE_CURRENT_BINARY_DIR})
endif()
if(NOT DEFINED EXPECT_RC)
  set(EXPECT_RC 0)
endif()
execute_process(COMMAND ${CMD} ${ARGS} WORKING_DIRECTORY ${WORK_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "${CMD} ${ARGS} failed (${rc}): ${err}")
endif()
file(READ ${FILE} page)
string(REGEX MATCH "<!-- BEGIN GENERATED: ${NAME} [^\n]*-->\n```[a-z]*\n" begin "${page}")
if(begin STREQUAL "")
  message(FATAL_ERROR "${FILE}: no block 'BEGIN GENERATED: ${NAME}'")
endif()
string(FIND "${page}" "${begin}" begin_at)
string(LENGTH "${begin}" begin_len)
math(EXPR body_at "${begin_at} + ${begin_len}")
set(end_marker "```\n<!-- END GENERATED: ${NAME} -->")
string(FIND "${page}" "${end_marker}" end_at)
if(end_at LESS body_at)
  message(FATAL_ERROR "${FILE}: no end of block '${NAME}'")
endif()
math(EXPR body_len "${end_at} - ${body_at}")
string(SUBSTRING "${page}" ${body_at} ${body_len} body)
if(MODE STREQUAL "check")
  if(NOT body STREQUAL out)
    message(FATAL_ERROR "${FILE}: block '${NAME}' differs from `cascadelab ${ARGS}`; run ./scripts/regen-docs\n--- committed\n${body}\n--- now\n${out}")
  endif()
else()
  string(SUBSTRING "${page}" 0 ${body_at} head)
  string(SUBSTRING "${page}" ${end_at} -1 tail)
  file(WRITE ${FILE} "${head}${out}${tail}")
endif()
