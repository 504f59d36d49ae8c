#include "http/static_files.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "core/crypto.hpp"

namespace ecrm::http {

namespace fs = std::filesystem;

std::string StaticFiles::content_type_for(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},          {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},                {".gif", "image/gif"},
      {".webp", "image/webp"},                {".ico", "image/x-icon"},
      {".woff", "font/woff"},                 {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},                   {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},           {".wasm", "application/wasm"},
  };
  auto ext = fs::path(path).extension().string();
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

StaticFiles::StaticFiles(const std::string& root) {
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) {
    spdlog::warn("web root '{}' not found: the UI will not be served (run `make build`)", root);
    return;
  }
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    std::string rel = "/" + fs::relative(entry.path(), root).generic_string();
    File file;
    file.content = content.str();
    file.content_type = content_type_for(rel);
    file.etag = "\"" + sha256_hex(file.content).substr(0, 20) + "\"";
    file.immutable = rel.rfind("/assets/", 0) == 0;
    files_.emplace(std::move(rel), std::move(file));
  }
  spdlog::info("serving {} web files from {}", files_.size(), root);
}

Response StaticFiles::respond(const Request& request, const File& file) const {
  Response response;
  response.content_type = file.content_type;
  response.header("ETag", file.etag);
  response.header("Cache-Control", file.immutable ? "public, max-age=31536000, immutable"
                                                  : "no-cache");
  if (auto match = request.headers.get("if-none-match"); match && *match == file.etag) {
    response.status = 304;
    response.content_type.clear();
    return response;
  }
  response.body = file.content;
  return response;
}

std::optional<Response> StaticFiles::serve(const Request& request) const {
  if (request.method != Method::kGet && request.method != Method::kHead) return std::nullopt;
  std::string path = request.path == "/" ? "/index.html" : request.path;
  if (auto it = files_.find(path); it != files_.end()) return respond(request, it->second);
  // Client-side routes ("/customers/42") get the app; missing files ("/assets/x.js") do not.
  // The customer portal is its own page: /portal and /portal/… get portal.html, and so do the
  // community's pages for customers and visitors (/community and /community/…). The partner
  // portal is another: /partner and /partner/… get partner.html (staff's /partners is the app's).
  auto last_slash = path.rfind('/');
  if (path.find('.', last_slash) == std::string::npos) {
    const auto under = [&path](std::string_view prefix) {
      return path == prefix ||
             (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
              path[prefix.size()] == '/');
    };
    const char* page = "/index.html";
    if (under("/portal") || under("/community")) page = "/portal.html";
    if (under("/partner")) page = "/partner.html";
    if (auto index = files_.find(page); index != files_.end()) {
      return respond(request, index->second);
    }
  }
  return std::nullopt;
}

}  // namespace ecrm::http
