# The recommend tests parse JSON output, run the ecrm binary end to end and check the stored-list
# text helpers of the in-app part (ecrm_recommend_app).
target_link_libraries(unit_${cap} PRIVATE Boost::json ecrm_recommend_app)
if(TARGET ecrm)
  add_dependencies(unit_${cap} ecrm)
  target_compile_definitions(unit_${cap} PRIVATE ECRM_BINARY="$<TARGET_FILE:ecrm>")
endif()
