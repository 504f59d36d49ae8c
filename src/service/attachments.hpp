// Files that came with an interaction (an e-mail's attachments, a fax's PDF): stored in the
// database on both backends, as base64 text (see migrations/0027_service_mail.sql for why), and
// served by GET /api/v1/attachments/{id} with their type and a download name made safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "http/router.hpp"
#include "storage/database.hpp"

namespace ecrm::service {

struct Attachment {
  std::int64_t id = 0;
  std::int64_t interaction_id = 0;
  std::string filename;
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::string sha256;  // hex, of the bytes
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Attachment, id, interaction_id, filename, content_type, size_bytes, sha256, created_at)
ECRM_WIRE_RULES(Attachment, rule(&Attachment::created_at, {.format = "date-time"}))

// The files of one interaction, oldest first.
struct AttachmentList {
  std::vector<Attachment> items;
};
ECRM_DESCRIBE(AttachmentList, items)

class AttachmentStore {
 public:
  explicit AttachmentStore(storage::Database& db) : db_(db) {}

  // Stores `bytes` on interaction `interaction_id` inside the caller's transaction; answers the
  // row (id filled). kInvalidArgument for an empty filename or content type.
  static Result<Attachment> insert(storage::Connection& c, std::int64_t interaction_id,
                                   const std::string& filename, const std::string& content_type,
                                   const std::string& bytes, UnixMs now);
  // The attachments of an interaction, oldest first (no bytes).
  static Result<std::vector<Attachment>> of_interaction(storage::Connection& c,
                                                        std::int64_t interaction_id);
  // The attachments of interaction `interaction_id`; kNotFound when there is no such interaction.
  Result<AttachmentList> list(std::int64_t interaction_id);
  // One attachment with its bytes; kNotFound when there is none.
  Result<std::pair<Attachment, std::string>> read(std::int64_t id);

 private:
  storage::Database& db_;
};

// The Content-Disposition of a download named `filename` (any UTF-8): an ASCII fallback name with
// quotes, backslashes and control characters replaced, and the exact name as RFC 5987
// filename*.
std::string content_disposition(const std::string& filename);
// `type` when it is a plain "type/subtype" token pair, else application/octet-stream.
std::string safe_content_type(const std::string& type);

// GET /api/v1/attachments/{id} and GET /api/v1/interactions/{id}/attachments (scope service:read).
void add_attachment_routes(http::Router& router, AttachmentStore& store);

}  // namespace ecrm::service
