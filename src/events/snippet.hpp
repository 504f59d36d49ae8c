// The tracking snippet served at /t.js (src/events/t.js) and the configurator widget it loads
// on first use from /configurator.js (src/events/configurator.js), compiled into the binary at
// build time (cmake/embed_text.cmake).
#pragma once

#include <string_view>

namespace ecrm::events {

std::string_view tracking_snippet();
std::string_view configurator_script();

}  // namespace ecrm::events
