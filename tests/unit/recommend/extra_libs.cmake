# The recommend tests parse JSON output and run the ecrm binary end to end.
target_link_libraries(unit_${cap} PRIVATE Boost::json)
if(TARGET ecrm)
  add_dependencies(unit_${cap} ecrm)
  target_compile_definitions(unit_${cap} PRIVATE ECRM_BINARY="$<TARGET_FILE:ecrm>")
endif()
