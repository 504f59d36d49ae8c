#include "service/inbound.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "customers/service.hpp"
#include "service/attachments.hpp"

namespace ecrm::service {

namespace {

using storage::Connection;
using storage::TxMode;

// Claims the message key for this transaction: 0 rows changed means it was taken in before (on
// PostgreSQL a concurrent claim waits here for the first one's commit).
constexpr std::string_view kClaim = R"(
  INSERT INTO service_inbound_mail (message_key, outcome, from_address, created_at)
  VALUES ($1, 'claimed', $2, $3) ON CONFLICT (message_key) DO NOTHING)";

constexpr std::string_view kSettle = R"(
  UPDATE service_inbound_mail SET outcome = $2, ticket_id = $3, interaction_id = $4, notes = $5
  WHERE message_key = $1)";

constexpr std::string_view kFind = R"(
  SELECT outcome, ticket_id, interaction_id FROM service_inbound_mail WHERE message_key = $1)";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  return out;
}

// `text` cut to at most `max` bytes on a UTF-8 character boundary.
std::string cut(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t at = max;
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  text.resize(at);
  return text;
}

std::string joined(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) {
    if (!out.empty()) out += "\n";
    out += n;
  }
  return out;
}

// The text an interaction records: the customer's words, then what was left out.
std::string content_of(const std::string& text, const std::vector<std::string>& notes) {
  std::string out = text;
  if (!notes.empty()) {
    out += out.empty() ? "" : "\n\n";
    out += "[" + joined(notes) + "]";
  }
  return cut(std::move(out), kMaxContent);
}

}  // namespace

std::optional<std::string> subject_token(std::string_view subject) {
  std::size_t at = 0;
  while ((at = subject.find("[#", at)) != std::string_view::npos) {
    at += 2;
    const std::size_t close = subject.find(']', at);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view token = subject.substr(at, close - at);
    const std::size_t dash = token.find('-');
    const bool shaped = token.size() >= 4 && token.size() <= 64 && (token[0] == 'T' || token[0] == 't') &&
                        dash != std::string_view::npos && dash > 1 && dash + 1 < token.size() &&
                        std::all_of(token.begin() + 1, token.begin() + static_cast<std::ptrdiff_t>(dash),
                                    [](char ch) { return ch >= '0' && ch <= '9'; }) &&
                        std::all_of(token.begin() + static_cast<std::ptrdiff_t>(dash) + 1, token.end(), [](char ch) {
                          return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
                        });
    if (shaped) return std::string(token);
  }
  return std::nullopt;
}

MailIn::MailIn(storage::Database& db, messaging::MessagingService& messaging, ServiceDesk& desk,
               InboundOptions options)
    : db_(db), messaging_(messaging), desk_(desk), options_(std::move(options)) {
  for (auto& a : options_.own_addresses) a = lower(a);
}

Result<MailInResult> MailIn::receive(std::string_view raw) {
  ECRM_ASSIGN_OR_RETURN(ParsedMail mail, parse_mail(raw, options_.limits, options_.own_addresses));
  auto from_messaging = [&]() -> Result<std::optional<MailInResult>> {
    ECRM_ASSIGN_OR_RETURN(auto m, messaging_.receive(raw));
    if (m.kind == "unmatched") return std::optional<MailInResult>();
    MailInResult out;
    out.kind = m.kind;
    out.message_id = m.message_id;
    out.customer_id = m.customer_id;
    return std::optional<MailInResult>(std::move(out));
  };
  if (!mail.automatic.empty()) {
    ECRM_ASSIGN_OR_RETURN(auto recognised, from_messaging());
    if (recognised) return std::move(*recognised);
    MailInResult out;
    out.kind = "ignored";
    out.reason = mail.automatic;
    return out;
  }
  const std::string key = !mail.message_id.empty() ? cut(mail.message_id, 900) : "sha256:" + sha256_hex(raw);
  // A reply on a ticket's thread is the ticket's, even when it also answers one of messaging's
  // messages (a ticket's replies leave through messaging's outbox).
  std::vector<std::string> ids;
  if (!mail.in_reply_to.empty()) ids.push_back(mail.in_reply_to);
  for (auto it = mail.references.rbegin(); it != mail.references.rend(); ++it) ids.push_back(*it);
  bool on_thread = false;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    if (!ids.empty()) {
      ECRM_ASSIGN_OR_RETURN(auto ticket, desk_.ticket_by_message_ids(*lease, ids));
      on_thread = ticket.has_value();
    }
    if (!on_thread) {
      // Taken in before: answer as then, without asking messaging again.
      std::optional<MailInResult> before;
      ECRM_RETURN_IF_ERROR(lease->query(kFind, {key}, [&](const storage::RowView& row) {
        before.emplace();
        before->kind = "duplicate";
        before->ticket_id = row.get_optional_int(1);
        before->interaction_id = row.get_optional_int(2);
      }));
      if (before) return std::move(*before);
    }
  }
  if (!on_thread) {
    ECRM_ASSIGN_OR_RETURN(auto recognised, from_messaging());
    if (recognised) return std::move(*recognised);
  }
  return to_ticket(mail, key);
}

Result<MailInResult> MailIn::to_ticket(const ParsedMail& mail, const std::string& key) {
  return storage::with_transaction<MailInResult>(db_, TxMode::kWrite, [&](Connection& c) -> Result<MailInResult> {
    const UnixMs now = now_ms();
    MailInResult out;
    out.notes = mail.notes;
    ECRM_ASSIGN_OR_RETURN(auto claimed, c.execute(kClaim, {key, mail.from, now}));
    if (claimed == 0) {
      out.kind = "duplicate";
      out.notes.clear();
      ECRM_RETURN_IF_ERROR(c.query(kFind, {key}, [&](const storage::RowView& row) {
        out.ticket_id = row.get_optional_int(1);
        out.interaction_id = row.get_optional_int(2);
      }));
      return out;
    }
    // Threading: In-Reply-To, then References newest first, then the subject's token.
    std::optional<std::int64_t> ticket_id;
    if (!mail.in_reply_to.empty()) {
      const std::string ids[] = {mail.in_reply_to};
      ECRM_ASSIGN_OR_RETURN(ticket_id, desk_.ticket_by_message_ids(c, ids));
      if (ticket_id) out.threaded_by = "in_reply_to";
    }
    if (!ticket_id && !mail.references.empty()) {
      std::vector<std::string> ids(mail.references.rbegin(), mail.references.rend());
      ECRM_ASSIGN_OR_RETURN(ticket_id, desk_.ticket_by_message_ids(c, ids));
      if (ticket_id) out.threaded_by = "references";
    }
    if (!ticket_id) {
      if (auto token = subject_token(mail.subject)) {
        ECRM_ASSIGN_OR_RETURN(auto by_token, desk_.ticket_by_token(c, *token));
        if (by_token) {
          ECRM_ASSIGN_OR_RETURN(bool party, desk_.is_party(c, *by_token, mail.from));
          if (party) {
            ticket_id = by_token;
            out.threaded_by = "subject_token";
          } else {
            out.notes.push_back("the subject names ticket " + *token +
                                ", but the sender is neither its customer nor on its CC list");
          }
        }
      }
    }
    // A merged ticket's mail goes to the ticket it was merged into; a closed one's to a new one.
    if (ticket_id) {
      for (int hops = 0; hops < 8; ++hops) {
        ECRM_ASSIGN_OR_RETURN(Ticket t, desk_.ticket(c, *ticket_id));
        if (t.merged_into && *t.merged_into != t.id) {
          ticket_id = *t.merged_into;
          continue;
        }
        if (t.status == TicketStatus::kClosed) {
          out.notes.push_back("ticket " + t.token + " is closed: this mail opens a new ticket");
          ticket_id.reset();
          out.threaded_by.clear();
        }
        break;
      }
    }
    const Actor actor{std::nullopt, std::nullopt, mail.from};
    const std::string subject = cut(mail.subject.empty() ? std::string("(no subject)") : mail.subject, kMaxSubject);
    std::string to_address = mail.to.empty() ? std::string() : mail.to.front();
    if (ticket_id) {
      InteractionInput input;
      input.channel = Channel::kEmail;
      input.direction = Direction::kInbound;
      input.ticket_id = ticket_id;
      input.subject = subject;
      input.content = content_of(mail.excerpt, out.notes);
      input.from_address = mail.from;
      input.to_address = to_address;
      input.message_id = mail.message_id.empty() ? std::nullopt : std::optional<std::string>(mail.message_id);
      if (!mail.from_name.empty()) input.name = cut(mail.from_name, kMaxName);
      ECRM_ASSIGN_OR_RETURN(Interaction x, desk_.add_customer_message(c, *ticket_id, input, actor, now));
      out.kind = "ticket_reply";
      out.ticket_id = ticket_id;
      out.interaction_id = x.id;
      out.customer_id = x.customer_id;
    } else {
      TicketInput input;
      input.subject = subject;
      input.body = content_of(mail.text, out.notes);
      input.channel = Channel::kEmail;
      input.from_address = mail.from;
      input.message_id = mail.message_id.empty() ? std::nullopt : std::optional<std::string>(mail.message_id);
      std::vector<std::string> cc;
      for (const auto& a : mail.cc) {
        // Only addresses a ticket's CC list takes (the rest are dropped, not refused).
        const bool own = std::find(options_.own_addresses.begin(), options_.own_addresses.end(), a) !=
                         options_.own_addresses.end();
        if (a != mail.from && !own && cc.size() < 50 && customers::normalize_email(a).ok()) cc.push_back(a);
      }
      if (!cc.empty()) input.cc = cc;
      ECRM_ASSIGN_OR_RETURN(Ticket t, desk_.open_ticket(c, input, actor, now));
      out.kind = "ticket_opened";
      out.ticket_id = t.id;
      out.interaction_id = t.source_interaction_id;
      out.customer_id = t.customer_id;
    }
    if (out.interaction_id) {
      for (const auto& a : mail.attachments) {
        ECRM_ASSIGN_OR_RETURN(Attachment stored, AttachmentStore::insert(c, *out.interaction_id, a.filename,
                                                                         a.content_type, a.bytes, now));
        out.attachment_ids.push_back(stored.id);
      }
    }
    ECRM_RETURN_IF_ERROR(storage::done(
        c.execute(kSettle, {key, out.kind, out.ticket_id ? storage::Value(*out.ticket_id) : storage::kNull,
                            out.interaction_id ? storage::Value(*out.interaction_id) : storage::kNull,
                            joined(out.notes)})));
    return out;
  });
}

}  // namespace ecrm::service
