#include "http/webhook_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "core/crypto.hpp"
#include "core/time.hpp"

namespace ecrm::http {

namespace {

struct Collected {
  std::string text;
  std::size_t limit = 0;
};

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* c = static_cast<Collected*>(out);
  const std::size_t room = c->text.size() < c->limit ? c->limit - c->text.size() : 0;
  c->text.append(data, std::min(size * n, room));
  return size * n;
}

bool has_host_after(std::string_view url, std::string_view scheme) {
  if (!url.starts_with(scheme)) return false;
  const std::string_view rest = url.substr(scheme.size());
  return !rest.empty() && rest.front() != '/' && rest.front() != ':' &&
         rest.find_first_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::string webhook_signature(std::string_view secret, std::int64_t timestamp,
                              std::string_view body) {
  std::string signed_text = std::to_string(timestamp);
  signed_text += '.';
  signed_text += body;
  return "v1=" + hmac_sha256_hex(secret, signed_text);
}

bool is_webhook_url(std::string_view url) {
  if (has_host_after(url, "https://")) return true;
  for (std::string_view local : {"http://127.0.0.1", "http://localhost"}) {
    if (url.starts_with(local)) {
      const std::string_view rest = url.substr(local.size());
      if (rest.empty() || rest.front() == ':' || rest.front() == '/') return true;
    }
  }
  return false;
}

WebhookAnswer post_webhook(const std::string& url, const std::string& body,
                           const std::string& secret, const WebhookPost& options) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {0, "could not start libcurl"};
  Collected answer{{}, options.max_answer};
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, ("User-Agent: " + options.user_agent).c_str());
  if (!secret.empty()) {
    const std::int64_t timestamp = now_ms() / 1000;
    headers = curl_slist_append(headers, ("X-Ecrm-Timestamp: " + std::to_string(timestamp)).c_str());
    headers = curl_slist_append(
        headers, ("X-Ecrm-Signature: " + webhook_signature(secret, timestamp, body)).c_str());
  }
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer);
  const CURLcode rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return {0, curl_easy_strerror(rc)};
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return {status, std::to_string(status) + (answer.text.empty() ? "" : " " + answer.text)};
}

}  // namespace ecrm::http
