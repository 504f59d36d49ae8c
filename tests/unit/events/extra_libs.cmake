# The tracking snippet must stay small on the shop's pages: under 5 KB gzipped.
add_test(NAME unit.events.snippet_under_5kb_gzipped
         COMMAND sh -c "size=$(gzip -9 -c '${CMAKE_SOURCE_DIR}/src/events/t.js' | wc -c); echo \"t.js gzipped: $size bytes\"; [ \"$size\" -lt 5120 ]")
set_tests_properties(unit.events.snippet_under_5kb_gzipped PROPERTIES LABELS unit)
