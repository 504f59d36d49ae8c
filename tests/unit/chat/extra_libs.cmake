# The chat widget sits on every page of the shop next to the tracking snippet: under 5 KB gzipped.
add_test(NAME unit.chat.widget_under_5kb_gzipped
         COMMAND sh -c "size=$(gzip -9 -c '${CMAKE_SOURCE_DIR}/src/service/chat.js' | wc -c); echo \"chat.js gzipped: $size bytes\"; [ \"$size\" -lt 5120 ]")
set_tests_properties(unit.chat.widget_under_5kb_gzipped PROPERTIES LABELS unit)
