#include "service/inbound_mime.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace ecrm::service {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

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

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(g_ascii_tolower(ch));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && g_ascii_isspace(s.front())) s.remove_prefix(1);
  while (!s.empty() && g_ascii_isspace(s.back())) s.remove_suffix(1);
  return std::string(s);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && g_ascii_strncasecmp(s.data(), std::string(prefix).c_str(), prefix.size()) == 0;
}

// The decoded (transfer encoding undone) bytes of a leaf part.
std::string part_bytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  GUnref<GMimeStream> stream{g_mime_stream_mem_new()};
  g_mime_data_wrapper_write_to_stream(content, stream.p);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.p));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// A whole object (a forwarded message) as it would be written.
std::string object_bytes(GMimeObject* object) {
  GUnref<GMimeStream> stream{g_mime_stream_mem_new()};
  g_mime_object_write_to_stream(object, nullptr, stream.p);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.p));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// `text` without NUL and the other C0 controls but tab and line breaks (PostgreSQL's text holds no
// NUL, and no reader needs the rest).
std::string without_controls(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(),
                            [](char ch) {
                              const auto u = static_cast<unsigned char>(ch);
                              return (u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || u == 0x7f;
                            }),
             text.end());
  return text;
}

std::string valid_utf8(std::string_view bytes) {
  const std::string cleaned = without_controls(std::string(bytes));
  gchar* valid = g_utf8_make_valid(cleaned.data(), static_cast<gssize>(cleaned.size()));
  std::string out(valid);
  g_free(valid);
  return out;
}

// The iconv name to read a MIME charset label with.
std::string iconv_name(std::string_view label) {
  std::string name = lower(trim(label));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  static constexpr std::string_view kGb[] = {"gb2312",  "gbk",       "cp936",       "x-gbk",
                                             "ms936",   "windows-936", "euc-cn",    "x-euc-cn",
                                             "csgb2312", "gb_2312-80", "chinese",   "csgb231280",
                                             "gb18030", "x-gb18030"};
  for (std::string_view gb : kGb) {
    if (name == gb) return "GB18030";
  }
  if (name == "utf8" || name == "utf-8" || name == "unicode-1-1-utf-8") return "UTF-8";
  if (name == "us-ascii" || name == "ascii" || name == "ansi_x3.4-1968") return "UTF-8";
  return name;
}

std::string sanitize_filename(std::string_view name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) name = name.substr(slash + 1);
  std::string out;
  for (unsigned char ch : name) {
    if (ch < 0x20 || ch == 0x7f || ch == '"') continue;
    out += static_cast<char>(ch);
  }
  out = valid_utf8(trim(out));
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  if (out.size() > 200) {
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out.empty() ? std::string("attachment") : out;
}

void add_addresses(InternetAddressList* list, std::vector<std::string>& out) {
  if (!list) return;
  for (int i = 0; i < internet_address_list_length(list); ++i) {
    InternetAddress* a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      if (addr && std::strchr(addr, '@')) out.push_back(lower(valid_utf8(addr)));
    } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
      add_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), out);
    }
  }
}

std::string header(GMimeObject* object, const char* name) {
  const char* value = g_mime_object_get_header(object, name);
  return value ? trim(value) : std::string();
}

// The message ids in a header value (In-Reply-To, References), without angle brackets.
std::vector<std::string> message_ids(std::string_view value) {
  std::vector<std::string> out;
  if (value.empty()) return out;
  GMimeReferences* refs = g_mime_references_parse(nullptr, std::string(value).c_str());
  if (!refs) return out;
  for (int i = 0; i < g_mime_references_length(refs); ++i) {
    if (const char* id = g_mime_references_get_message_id(refs, i); id && *id) out.push_back(valid_utf8(id));
  }
  g_mime_references_free(refs);
  return out;
}

// Why a machine sent this mail, or empty.
std::string automatic_reason(GMimeMessage* message, const std::string& from,
                             const std::vector<std::string>& own_addresses) {
  GMimeObject* object = GMIME_OBJECT(message);
  if (std::string v = header(object, "Auto-Submitted"); !v.empty()) {
    std::string token = lower(trim(v.substr(0, v.find(';'))));
    if (token != "no") return "Auto-Submitted: " + token;
  }
  for (const char* name : {"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"}) {
    if (g_mime_object_get_header(object, name)) return std::string(name);
  }
  if (std::string v = lower(header(object, "Precedence")); v == "bulk" || v == "junk" || v == "auto_reply") {
    return "Precedence: " + v;
  }
  if (g_mime_object_get_header(object, "X-Ecrm-Message")) return "our own message";
  if (header(object, "Return-Path") == "<>") return "Return-Path: <>";
  GMimeObject* body = g_mime_message_get_mime_part(message);
  if (body) {
    GMimeContentType* type = g_mime_object_get_content_type(body);
    if (g_mime_content_type_is_type(type, "multipart", "report")) return "a delivery report (multipart/report)";
    if (g_mime_content_type_is_type(type, "message", "delivery-status")) return "a delivery status notification";
  }
  const std::string local = from.substr(0, from.find('@'));
  if (local == "mailer-daemon" || local == "postmaster") return "sent by " + local;
  if (std::find(own_addresses.begin(), own_addresses.end(), from) != own_addresses.end()) {
    return "sent from the shop's own address";
  }
  return {};
}

struct Walk {
  const MailLimits* limits = nullptr;
  std::string plain;
  std::string plain_charset;
  bool has_plain = false;
  std::string html;
  std::string html_charset;
  bool has_html = false;
  bool delivery_status = false;
  std::size_t kept_bytes = 0;
  std::vector<MailAttachment> attachments;
  std::vector<std::string> notes;

  void attach(std::string filename, std::string content_type, std::string bytes) {
    filename = sanitize_filename(filename);
    const std::string size = std::to_string(bytes.size());
    if (attachments.size() >= limits->max_attachments) {
      notes.push_back("attachment \"" + filename + "\" left out: more than " +
                      std::to_string(limits->max_attachments) + " attachments");
    } else if (bytes.size() > limits->max_attachment_bytes) {
      notes.push_back("attachment \"" + filename + "\" (" + size + " bytes) left out: larger than " +
                      std::to_string(limits->max_attachment_bytes) + " bytes");
    } else if (kept_bytes + bytes.size() > limits->max_total_attachment_bytes) {
      notes.push_back("attachment \"" + filename + "\" (" + size + " bytes) left out: the attachments " +
                      "together would exceed " + std::to_string(limits->max_total_attachment_bytes) + " bytes");
    } else {
      kept_bytes += bytes.size();
      attachments.push_back(MailAttachment{std::move(filename), std::move(content_type), std::move(bytes)});
    }
  }
};

std::string mime_type(GMimeContentType* type) {
  gchar* s = g_mime_content_type_get_mime_type(type);
  std::string out = s ? lower(s) : std::string("application/octet-stream");
  g_free(s);
  return out;
}

void visit(GMimeObject*, GMimeObject* part, gpointer data) {
  auto* walk = static_cast<Walk*>(data);
  GMimeContentType* type = g_mime_object_get_content_type(part);
  if (GMIME_IS_MESSAGE_PART(part)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
    if (inner) walk->attach("message.eml", "message/rfc822", object_bytes(GMIME_OBJECT(inner)));
    return;
  }
  if (!GMIME_IS_PART(part)) return;  // multiparts: their children are visited
  GMimePart* leaf = GMIME_PART(part);
  if (g_mime_content_type_is_type(type, "message", "delivery-status") ||
      g_mime_content_type_is_type(type, "message", "global-delivery-status")) {
    walk->delivery_status = true;
  }
  const char* filename = g_mime_part_get_filename(leaf);
  const bool attachment = g_mime_part_is_attachment(leaf) || (filename && *filename);
  if (!attachment && g_mime_content_type_is_type(type, "text", "plain") && !walk->has_plain) {
    walk->has_plain = true;
    walk->plain = part_bytes(leaf);
    if (const char* cs = g_mime_content_type_get_parameter(type, "charset")) walk->plain_charset = cs;
    return;
  }
  if (!attachment && g_mime_content_type_is_type(type, "text", "html") && !walk->has_html) {
    walk->has_html = true;
    walk->html = part_bytes(leaf);
    if (const char* cs = g_mime_content_type_get_parameter(type, "charset")) walk->html_charset = cs;
    return;
  }
  if (!attachment && g_mime_content_type_is_type(type, "text", "*")) return;  // another text version
  walk->attach(filename ? filename : std::string("attachment"), mime_type(type), part_bytes(leaf));
}

// Cuts `text` to at most `max` bytes on a UTF-8 character boundary.
void cut_utf8(std::string& text, std::size_t max) {
  if (text.size() <= max) return;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
}

std::string normalize_newlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string to_utf8(std::string_view bytes, std::string_view charset, std::string* note) {
  const std::string name = charset.empty() ? std::string("UTF-8") : iconv_name(charset);
  if (name == "UTF-8") return valid_utf8(bytes);
  GIConv cd = g_iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<GIConv>(-1)) {
    if (note) *note = "unknown charset \"" + trim(charset) + "\": the text was read as UTF-8";
    return valid_utf8(bytes);
  }
  std::string out;
  out.reserve(bytes.size() * 3 / 2);
  gchar* in = const_cast<gchar*>(bytes.data());
  gsize in_left = bytes.size();
  char buffer[8192];
  bool replaced = false;
  while (in_left > 0) {
    gchar* o = buffer;
    gsize o_left = sizeof buffer;
    const gsize r = g_iconv(cd, &in, &in_left, &o, &o_left);
    const int error = errno;
    out.append(buffer, static_cast<std::size_t>(o - buffer));
    if (r == static_cast<gsize>(-1) && error != E2BIG) {
      // An invalid or truncated sequence: one U+FFFD for the byte, then carry on.
      out += kReplacement;
      replaced = true;
      ++in;
      --in_left;
    }
  }
  gchar* o = buffer;
  gsize o_left = sizeof buffer;
  g_iconv(cd, nullptr, nullptr, &o, &o_left);
  out.append(buffer, static_cast<std::size_t>(o - buffer));
  g_iconv_close(cd);
  out = without_controls(std::move(out));
  if (replaced && note) *note = "bytes not valid in charset \"" + trim(charset) + "\" were replaced";
  return out;
}

std::string html_to_text(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  auto block = [&] {
    if (!out.empty() && out.back() != '\n') out += '\n';
  };
  while (i < html.size()) {
    const char ch = html[i];
    if (ch == '<') {
      const std::size_t close = html.find('>', i);
      if (close == std::string_view::npos) break;
      std::string_view tag = html.substr(i + 1, close - i - 1);
      const bool end_tag = !tag.empty() && tag.front() == '/';
      if (end_tag) tag.remove_prefix(1);
      std::size_t name_end = 0;
      while (name_end < tag.size() && (g_ascii_isalnum(tag[name_end]))) ++name_end;
      const std::string name = lower(tag.substr(0, name_end));
      i = close + 1;
      if (!end_tag && (name == "script" || name == "style" || name == "head" || name == "title")) {
        const std::string closing = "</" + name;
        std::size_t at = i;
        while (at < html.size() && !starts_with_ci(html.substr(at), closing)) ++at;
        const std::size_t gt = html.find('>', at);
        i = gt == std::string_view::npos ? html.size() : gt + 1;
        continue;
      }
      if (name == "br") {
        out += '\n';
      } else if (name == "p" || name == "div" || name == "tr" || name == "li" || name == "blockquote" ||
                 name == "h1" || name == "h2" || name == "h3" || name == "h4" || name == "table") {
        block();
      }
      continue;
    }
    if (ch == '&') {
      const std::size_t semi = html.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        const std::string entity = lower(html.substr(i + 1, semi - i - 1));
        std::string decoded;
        if (entity == "amp") decoded = "&";
        else if (entity == "lt") decoded = "<";
        else if (entity == "gt") decoded = ">";
        else if (entity == "quot") decoded = "\"";
        else if (entity == "apos" || entity == "#39") decoded = "'";
        else if (entity == "nbsp") decoded = " ";
        else if (!entity.empty() && entity[0] == '#') {
          gunichar code = 0;
          const bool hex = entity.size() > 1 && entity[1] == 'x';
          code = static_cast<gunichar>(std::strtoul(entity.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10));
          if (code > 0 && g_unichar_validate(code)) {
            char utf8[8];
            const int n = g_unichar_to_utf8(code, utf8);
            decoded.assign(utf8, static_cast<std::size_t>(n));
          }
        }
        if (!decoded.empty()) {
          out += decoded;
          i = semi + 1;
          continue;
        }
      }
    }
    if (ch == '\r' || ch == '\n' || ch == '\t') {
      if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
    } else {
      out += ch;
    }
    ++i;
  }
  // Collapse runs of blank lines and trailing spaces.
  std::string tidy;
  std::size_t start = 0;
  int blank = 0;
  while (start <= out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    const std::string line = trim(std::string_view(out).substr(start, end - start));
    if (line.empty()) {
      if (++blank <= 1 && !tidy.empty()) tidy += '\n';
    } else {
      blank = 0;
      tidy += line;
      tidy += '\n';
    }
    start = end + 1;
  }
  return trim(tidy);
}

std::string strip_quoted(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto is_marker = [&](std::size_t i) {
    const std::string line = trim(lines[i]);
    if (line.empty()) return false;
    if (line.find("Original Message") != std::string::npos && line.rfind("--", 0) == 0) return true;
    if (line.find("原始邮件") != std::string::npos && line.rfind("--", 0) == 0) return true;
    if (line.rfind("________________", 0) == 0) return true;
    if (starts_with_ci(line, "On ")) {
      if (line.size() >= 6 && line.compare(line.size() - 6, 6, "wrote:") == 0) return true;
      if (i + 1 < lines.size() && trim(lines[i + 1]).rfind("wrote:", 0) == 0) return true;
    }
    if (line.rfind("在", 0) == 0 && (line.find("写道：") != std::string::npos || line.find("写道:") != std::string::npos)) {
      return true;
    }
    if (line.rfind("发件人:", 0) == 0 || line.rfind("发件人：", 0) == 0) return true;
    if (starts_with_ci(line, "From: ") && i > 0 && trim(lines[i - 1]).empty()) return true;
    return false;
  };
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (is_marker(i)) break;
    if (!lines[i].empty() && lines[i].front() == '>') continue;
    out.append(lines[i]);
    out += '\n';
  }
  out = trim(out);
  return out.empty() ? trim(text) : out;
}

Result<ParsedMail> parse_mail(std::string_view raw, const MailLimits& limits,
                              const std::vector<std::string>& own_addresses) {
  init_gmime();
  // An e-mail starts with a header field ("Name: value"); anything else is not one.
  std::size_t colon = raw.find(':');
  std::size_t newline = raw.find('\n');
  const bool header_first = colon != std::string_view::npos && colon > 0 &&
                            (newline == std::string_view::npos || colon < newline) &&
                            std::all_of(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(colon), [](char ch) {
                              return ch > 32 && ch < 127;
                            });
  if (!header_first) {
    return Error::invalid("the input is not an e-mail message: it does not start with a header field",
                          "message", "malformed_message");
  }
  GUnref<GMimeStream> stream{g_mime_stream_mem_new_with_buffer(raw.data(), raw.size())};
  GUnref<GMimeParser> parser{g_mime_parser_new_with_stream(stream.p)};
  GUnref<GMimeMessage> message{g_mime_parser_construct_message(parser.p, nullptr)};
  if (!message.p) {
    return Error::invalid("the input is not an e-mail message: its headers cannot be read", "message",
                          "malformed_message");
  }
  ParsedMail mail;
  std::vector<std::string> from;
  InternetAddressList* from_list = g_mime_message_get_from(message.p);
  add_addresses(from_list, from);
  if (from.empty()) {
    // Servers that bounce sometimes send "From: <>"; a bounce is still recognised, not rejected.
    if (!header(GMIME_OBJECT(message.p), "Return-Path").empty() ||
        !header(GMIME_OBJECT(message.p), "Auto-Submitted").empty()) {
      mail.automatic = "no sender address";
    } else {
      return Error::invalid("the message has no sender address (From)", "from", "malformed_message");
    }
  } else {
    mail.from = from.front();
    InternetAddress* first = internet_address_list_get_address(from_list, 0);
    if (const char* name = internet_address_get_name(first)) mail.from_name = valid_utf8(trim(name));
  }
  add_addresses(g_mime_message_get_to(message.p), mail.to);
  add_addresses(g_mime_message_get_cc(message.p), mail.cc);
  if (const char* subject = g_mime_message_get_subject(message.p)) mail.subject = valid_utf8(trim(subject));
  if (GDateTime* date = g_mime_message_get_date(message.p)) {
    mail.date = static_cast<UnixMs>(g_date_time_to_unix(date)) * 1000 + g_date_time_get_microsecond(date) / 1000;
  }
  if (const char* id = g_mime_message_get_message_id(message.p); id && *id) mail.message_id = valid_utf8(trim(id));
  if (auto ids = message_ids(header(GMIME_OBJECT(message.p), "In-Reply-To")); !ids.empty()) {
    mail.in_reply_to = ids.front();
  }
  mail.references = message_ids(header(GMIME_OBJECT(message.p), "References"));

  Walk walk;
  walk.limits = &limits;
  g_mime_message_foreach(message.p, visit, &walk);
  if (GMimeObject* body = g_mime_message_get_mime_part(message.p); body && GMIME_IS_PART(body) &&
                                                                    !walk.has_plain && !walk.has_html) {
    visit(nullptr, body, &walk);  // a single-part message g_mime_message_foreach did not reach
  }
  std::string note;
  if (walk.has_plain) {
    mail.text = to_utf8(walk.plain, walk.plain_charset, &note);
  } else if (walk.has_html) {
    mail.text = html_to_text(to_utf8(walk.html, walk.html_charset, &note));
  }
  if (!note.empty()) mail.notes.push_back(note);
  mail.text = trim(normalize_newlines(mail.text));
  if (mail.text.size() > limits.max_text_bytes) {
    cut_utf8(mail.text, limits.max_text_bytes);
    mail.notes.push_back("the text was cut to " + std::to_string(limits.max_text_bytes) + " bytes");
  }
  mail.excerpt = strip_quoted(mail.text);
  mail.attachments = std::move(walk.attachments);
  for (auto& n : walk.notes) mail.notes.push_back(std::move(n));
  if (mail.automatic.empty()) mail.automatic = automatic_reason(message.p, mail.from, own_addresses);
  if (mail.automatic.empty() && walk.delivery_status) mail.automatic = "a delivery status notification";
  return mail;
}

}  // namespace ecrm::service
