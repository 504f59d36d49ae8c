// Names the calling thread as the operating system shows it (top -H, ps -L, gdb, perf), so that
// an operator can tell the request threads from the background ones by their CPU time.
#pragma once

#include <string_view>

namespace ecrm {

// `name` is cut to the 15 bytes Linux keeps.
void name_this_thread(std::string_view name);

}  // namespace ecrm
