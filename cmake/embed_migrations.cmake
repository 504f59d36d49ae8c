# Generates a C++ source holding every migrations/NNNN_name.sql file, so the binary carries its
# schema. Invoked at build time: cmake -DMIGRATIONS_DIR=… -DOUTPUT=… -P embed_migrations.cmake
file(GLOB files ${MIGRATIONS_DIR}/*.sql)
list(SORT files)
set(body "")
foreach(file ${files})
  get_filename_component(name ${file} NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.*)$" matched ${name})
  if(NOT matched)
    message(FATAL_ERROR "migration file name must be NNNN_name.sql: ${file}")
  endif()
  set(version ${CMAKE_MATCH_1})
  math(EXPR version "${version} + 0")
  set(label ${CMAKE_MATCH_2})
  file(READ ${file} sql)
  string(APPEND body "    {${version}, \"${label}\", R\"ecrm_sql(${sql})ecrm_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from migrations/*.sql by cmake/embed_migrations.cmake. Do not edit.
#include \"storage/migrations.hpp\"

namespace ecrm::storage {

const std::vector<Migration>& embedded_migrations() {
  static const std::vector<Migration> migrations = {
${body}  };
  return migrations;
}

}  // namespace ecrm::storage
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
