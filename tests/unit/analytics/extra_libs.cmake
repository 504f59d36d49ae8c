# Included by tests/CMakeLists.txt for unit_analytics: the CLI smoke tests run the built `ecrm`
# binary (overridable with $ECRM_BINARY at run time), and the special-function tests compare
# against Boost.Math.
add_dependencies(unit_analytics ecrm)
target_compile_definitions(unit_analytics PRIVATE ECRM_BINARY_PATH="$<TARGET_FILE:ecrm>")
# The recomputation pipeline test runs the in-app part on a SQLite database.
target_link_libraries(unit_analytics PRIVATE ecrm_analytics_app)
