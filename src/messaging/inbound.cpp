#include "messaging/inbound.hpp"

#include <gmime/gmime.h>

#include <charconv>
#include <mutex>
#include <vector>

namespace ecrm::messaging {

namespace {

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

template <typename T>
struct GUnref {
  T* p = nullptr;
  ~GUnref() {
    if (p) g_object_unref(p);
  }
};

// The decoded content of a leaf part.
std::string part_text(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  GUnref<GMimeStream> stream{g_mime_stream_mem_new()};
  g_mime_data_wrapper_write_to_stream(content, stream.p);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.p));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// The value of header-like field `name` ("Status") in `text` (DSN fields), trimmed.
std::string field(std::string_view text, std::string_view name) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    std::string_view line = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        g_ascii_strncasecmp(line.data(), std::string(name).c_str(), name.size()) == 0) {
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.remove_suffix(1);
      return std::string(value);
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return {};
}

struct Walk {
  std::string delivery_status;  // message/delivery-status
  std::string returned;         // the returned original's headers (or whole text)
  std::string text;             // the first text/plain part
};

void visit(GMimeObject*, GMimeObject* part, gpointer data) {
  auto* walk = static_cast<Walk*>(data);
  GMimeContentType* type = g_mime_object_get_content_type(part);
  if (GMIME_IS_MESSAGE_PART(part)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
    if (inner && walk->returned.empty()) {
      char* headers = g_mime_object_get_headers(GMIME_OBJECT(inner), nullptr);
      if (headers) {
        walk->returned = headers;
        g_free(headers);
      }
    }
    return;
  }
  if (!GMIME_IS_PART(part)) return;
  if (g_mime_content_type_is_type(type, "message", "delivery-status") ||
      g_mime_content_type_is_type(type, "message", "global-delivery-status")) {
    walk->delivery_status += part_text(GMIME_PART(part));
  } else if (g_mime_content_type_is_type(type, "text", "rfc822-headers") ||
             g_mime_content_type_is_type(type, "message", "rfc822-headers")) {
    if (walk->returned.empty()) walk->returned = part_text(GMIME_PART(part));
  } else if (g_mime_content_type_is_type(type, "text", "plain") && walk->text.empty()) {
    walk->text = part_text(GMIME_PART(part));
  }
}

std::string first_address(InternetAddressList* list) {
  if (!list) return {};
  for (int i = 0; i < internet_address_list_length(list); ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      if (addr) return addr;
    }
  }
  return {};
}

}  // namespace

std::optional<std::pair<std::int64_t, UnixMs>> find_our_message_id(std::string_view text) {
  std::size_t at = 0;
  while ((at = text.find("<ecrm.", at)) != std::string_view::npos) {
    at += 6;
    std::int64_t id = 0;
    UnixMs created = 0;
    const char* p = text.data() + at;
    const char* end = text.data() + text.size();
    auto r1 = std::from_chars(p, end, id);
    if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != '.') continue;
    auto r2 = std::from_chars(r1.ptr + 1, end, created);
    if (r2.ec != std::errc() || r2.ptr == end || *r2.ptr != '@') continue;
    return std::make_pair(id, created);
  }
  return std::nullopt;
}

Inbound parse_inbound(std::string_view raw) {
  init_gmime();
  Inbound out;
  GUnref<GMimeStream> stream{g_mime_stream_mem_new_with_buffer(raw.data(), raw.size())};
  GUnref<GMimeParser> parser{g_mime_parser_new_with_stream(stream.p)};
  GUnref<GMimeMessage> message{g_mime_parser_construct_message(parser.p, nullptr)};
  if (!message.p) return out;
  if (const char* subject = g_mime_message_get_subject(message.p)) out.subject = subject;
  Walk walk;
  g_mime_message_foreach(message.p, visit, &walk);
  GMimeObject* body = g_mime_message_get_mime_part(message.p);
  if (body && GMIME_IS_PART(body) && walk.text.empty()) {
    GMimeContentType* type = g_mime_object_get_content_type(body);
    if (g_mime_content_type_is_type(type, "text", "plain")) walk.text = part_text(GMIME_PART(body));
  }
  GMimeContentType* top = body ? g_mime_object_get_content_type(body) : nullptr;
  const bool report = top && g_mime_content_type_is_type(top, "multipart", "report");
  if (report || !walk.delivery_status.empty()) {
    const std::string action = field(walk.delivery_status, "Action");
    out.status = field(walk.delivery_status, "Status");
    std::string recipient = field(walk.delivery_status, "Final-Recipient");
    if (auto semi = recipient.find(';'); semi != std::string::npos) recipient = recipient.substr(semi + 1);
    while (!recipient.empty() && recipient.front() == ' ') recipient.erase(0, 1);
    out.recipient = recipient;
    const bool delayed = g_ascii_strcasecmp(action.c_str(), "delayed") == 0 ||
                         (!out.status.empty() && out.status[0] == '4');
    std::optional<std::int64_t> id;
    const std::string x = field(walk.returned, "X-Ecrm-Message");
    if (!x.empty()) {
      std::int64_t v = 0;
      if (std::from_chars(x.data(), x.data() + x.size(), v).ec == std::errc()) id = v;
    }
    auto ours = find_our_message_id(field(walk.returned, "Message-ID"));
    if (ours) {
      out.message_id = ours->first;
      out.created_at = ours->second;
    } else if (id) {
      out.message_id = id;
    }
    if (out.message_id) out.kind = delayed ? InboundKind::kDelay : InboundKind::kBounce;
    return out;
  }
  std::string references;
  if (const char* h = g_mime_object_get_header(GMIME_OBJECT(message.p), "In-Reply-To")) references += h;
  if (const char* h = g_mime_object_get_header(GMIME_OBJECT(message.p), "References")) {
    references += " ";
    references += h;
  }
  if (auto ours = find_our_message_id(references)) {
    out.kind = InboundKind::kReply;
    out.message_id = ours->first;
    out.created_at = ours->second;
    out.from = first_address(g_mime_message_get_from(message.p));
    out.excerpt = walk.text.substr(0, 500);
  }
  return out;
}

}  // namespace ecrm::messaging
