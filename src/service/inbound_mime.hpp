// Reading one inbound e-mail for service: the headers threading needs, the customer's text in
// UTF-8, the attachments, and whether the mail was sent by a machine (an auto-reply, a bounce, a
// list) and so must neither open a ticket nor be answered. The MIME parsing is GMime's; charsets
// are converted with iconv (glib's), GB2312 and GBK labels read as GB18030 (mail labelled GB2312
// often holds GBK characters, and GB18030 is a superset of both).
//
// Pure functions over bytes: no database, no clock. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace ecrm::service {

// How much of a message is kept. An attachment over a limit is left out and named in the
// notes (the ticket still gets the text: the customer's words matter more than a 40 MB photo);
// the whole message's size is bounded by whoever reads it (`ecrm mail-in`: 50 MiB).
struct MailLimits {
  std::size_t max_attachment_bytes = 10u << 20;        // one attachment, decoded
  std::size_t max_total_attachment_bytes = 25u << 20;  // all kept attachments together
  std::size_t max_attachments = 20;
  std::size_t max_text_bytes = 1u << 20;               // the body text kept (UTF-8)
};

struct MailAttachment {
  std::string filename;      // safe to show and to send back: no path, no control characters
  std::string content_type;  // "image/png"
  std::string bytes;         // decoded content
};

struct ParsedMail {
  std::string from;                  // the sender's address, lower-case
  std::string from_name;             // the sender's display name (UTF-8), may be empty
  std::vector<std::string> to;       // addresses, lower-case
  std::vector<std::string> cc;
  std::string subject;               // decoded (UTF-8)
  std::optional<UnixMs> date;        // the Date header
  std::string message_id;            // without angle brackets; empty when the mail has none
  std::string in_reply_to;           // without angle brackets
  std::vector<std::string> references;  // oldest first, without angle brackets
  std::string text;                  // the body in UTF-8: text/plain, else the text of text/html
  std::string excerpt;               // `text` without the quoted history of earlier mails
  std::vector<MailAttachment> attachments;
  std::vector<std::string> notes;    // what was degraded: an unknown charset, a refused attachment
  // Set when a machine sent the mail (auto-reply, bounce, list, our own mail come back): the
  // reason, e.g. "Auto-Submitted: auto-replied". Such mail opens no ticket and gets no answer.
  std::string automatic;
};

// Parses one RFC 5322 message. `own_addresses` are the shop's own sending addresses (lower-case):
// mail from them is marked automatic, so a reply can never loop. kInvalidArgument (field
// "message") when `raw` is not an e-mail message: no header block, or no sender address.
Result<ParsedMail> parse_mail(std::string_view raw, const MailLimits& limits = {},
                              const std::vector<std::string>& own_addresses = {});

// `bytes` in `charset` as UTF-8. GB2312, GBK, CP936 and their aliases are read as GB18030. Bytes
// that are not valid in the charset become U+FFFD. An unknown charset is read as UTF-8 where valid
// (else U+FFFD) and `*note` (when given) says so; never fails.
std::string to_utf8(std::string_view bytes, std::string_view charset, std::string* note = nullptr);

// The text of an HTML document: tags dropped (script and style with their content), block
// elements and <br> as line breaks, the common entities and numeric references decoded.
std::string html_to_text(std::string_view html);

// `text` without the quoted history a mail client appends: from the first "On … wrote:",
// "在 … 写道：", "-----Original Message-----" or "From:" header block after the new text, and
// every line starting with '>'. The whole text when nothing would remain.
std::string strip_quoted(std::string_view text);

}  // namespace ecrm::service
