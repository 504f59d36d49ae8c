# Included by tests/CMakeLists.txt for unit_feedback: the CLI test runs the built `ecrm` binary
# (overridable with $ECRM_BINARY at run time) and reads its JSON with Boost.JSON.
add_dependencies(unit_feedback ecrm)
target_compile_definitions(unit_feedback PRIVATE ECRM_BINARY_PATH="$<TARGET_FILE:ecrm>")
target_link_libraries(unit_feedback PRIVATE Boost::json)
