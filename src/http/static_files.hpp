// The web UI's built files (web/dist), loaded into memory at start-up and served with content
// types, ETags and cache headers: hashed assets are immutable for a year, index.html is always
// revalidated. Unknown paths without a file extension fall back to index.html (client routing).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "http/request.hpp"

namespace ecrm::http {

class StaticFiles {
 public:
  // Loads every regular file under `root`. A missing root leaves the set empty (the API still
  // works; "/" then answers 404 with a hint).
  explicit StaticFiles(const std::string& root);

  bool empty() const { return files_.empty(); }
  std::size_t size() const { return files_.size(); }

  // A response for GET/HEAD `request`, or nullopt when nothing matches.
  std::optional<Response> serve(const Request& request) const;

  static std::string content_type_for(const std::string& path);

 private:
  struct File {
    std::string content;
    std::string content_type;
    std::string etag;
    bool immutable = false;
  };
  Response respond(const Request& request, const File& file) const;
  std::map<std::string, File> files_;  // "/index.html" -> file
};

}  // namespace ecrm::http
