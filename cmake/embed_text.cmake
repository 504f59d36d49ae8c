# Generates a C++ source whose function NAMESPACE::FUNCTION() returns the text of INPUT, so the
# binary carries the file (e.g. the tracking snippet). Invoked at build time:
#   cmake -DINPUT=… -DOUTPUT=… -DNAMESPACE=… -DFUNCTION=… -DHEADER=… -P embed_text.cmake
file(READ ${INPUT} text)
string(FIND "${text}" ")ecrm_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )ecrm_text\"")
endif()
file(WRITE ${OUTPUT}.tmp "// Generated from ${INPUT} by cmake/embed_text.cmake. Do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

std::string_view ${FUNCTION}() {
  static constexpr std::string_view text = R\"ecrm_text(${text})ecrm_text\";
  return text;
}

}  // namespace ${NAMESPACE}
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
