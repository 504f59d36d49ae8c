// PostgreSQL backend on libpq: a pool of connections, statements prepared once per connection,
// parameters sent as text. libpq calls block: callers run them on worker threads, never on the
// HTTP I/O threads.
#pragma once

#include <memory>
#include <string>

#include "storage/database.hpp"

namespace ecrm::storage {

// Connects to `url` (a libpq URI) once to check it, then returns the pool.
Result<std::unique_ptr<Database>> open_postgres(const std::string& url,
                                                const DatabaseOptions& options);

}  // namespace ecrm::storage
