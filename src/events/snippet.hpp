// The tracking snippet served at /t.js: src/events/t.js, compiled into the binary at build time
// (cmake/embed_text.cmake).
#pragma once

#include <string_view>

namespace ecrm::events {

std::string_view tracking_snippet();

}  // namespace ecrm::events
