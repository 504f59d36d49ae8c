// Fuzzes the path raw request bytes take in the server (http/server.cpp): Beast's request parser
// with the server's header limit and a body limit, then the plain Request the dispatcher gets:
// method, headers, the target split into path and query, query parameters and cookies.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace {

namespace bhttp = boost::beast::http;

constexpr std::size_t kHeaderLimit = 16 * 1024;  // as in http/server.cpp
constexpr std::size_t kBodyLimit = 1 << 20;       // the dispatcher's default body limit

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  parser.eager(true);

  const char* next = reinterpret_cast<const char*>(data);
  std::size_t left = size;
  boost::beast::error_code ec;
  while (left > 0 && !parser.is_done()) {
    std::size_t used = parser.put(boost::asio::buffer(next, left), ec);
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec) return 0;
    if (used == 0) break;
    next += used;
    left -= used;
  }
  if (!parser.is_done()) {
    // The connection closed: Beast's read ends with end_of_stream when nothing came (put_eof's
    // precondition), else tells the parser so that a body delimited by the close is complete.
    if (!parser.got_some()) return 0;
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }

  auto message = parser.release();
  ecrm::http::Request request;
  request.method = ecrm::http::parse_method(
      std::string_view(message.method_string().data(), message.method_string().size()));
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  (void)ecrm::http::is_write(request.method);
  if (!request.parse_target()) return 0;
  for (const auto& [name, value] : request.query) (void)request.query_param(name);
  (void)request.headers.get("content-type");
  (void)request.cookie("ecrm_session");
  (void)request.cookie("");
  return 0;
}
