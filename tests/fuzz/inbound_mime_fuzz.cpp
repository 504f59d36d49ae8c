// Fuzzes the reading of inbound e-mail (service/inbound_mime.hpp): the whole message through
// parse_mail() with small limits (so that the attachment limits are reached too), and the
// helpers it uses on their own: charset conversion, HTML to text and quote stripping.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "service/inbound_mime.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);

  ecrm::service::MailLimits limits;
  limits.max_attachment_bytes = 4096;
  limits.max_total_attachment_bytes = 8192;
  limits.max_attachments = 4;
  limits.max_text_bytes = 16384;
  const std::vector<std::string> own = {"support@shop.example"};
  auto parsed = ecrm::service::parse_mail(raw, limits, own);
  if (parsed.ok()) {
    const auto& mail = parsed.value();
    (void)ecrm::service::strip_quoted(mail.text);
  }

  // The helpers on their own: the first line is a charset label, the rest the bytes.
  auto newline = raw.find('\n');
  std::string_view charset = newline == std::string_view::npos ? raw : raw.substr(0, newline);
  std::string_view rest = newline == std::string_view::npos ? std::string_view{} : raw.substr(newline + 1);
  std::string note;
  (void)ecrm::service::to_utf8(rest, charset.substr(0, 64), &note);
  (void)ecrm::service::html_to_text(raw);
  (void)ecrm::service::strip_quoted(raw);
  return 0;
}
