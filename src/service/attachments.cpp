#include "service/attachments.hpp"

#include <glib.h>

#include "core/crypto.hpp"

namespace ecrm::service {

namespace {

using storage::Connection;

constexpr std::string_view kInsert = R"(
  INSERT INTO service_attachments (interaction_id, filename, content_type, size_bytes, sha256,
                                   content_base64, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id)";

constexpr std::string_view kOfInteraction = R"(
  SELECT id, interaction_id, filename, content_type, size_bytes, sha256, created_at
  FROM service_attachments WHERE interaction_id = $1 ORDER BY id)";

constexpr std::string_view kInteractionExists = R"(SELECT 1 FROM interactions WHERE id = $1)";

constexpr std::string_view kRead = R"(
  SELECT id, interaction_id, filename, content_type, size_bytes, sha256, created_at, content_base64
  FROM service_attachments WHERE id = $1)";

Attachment from_row(const storage::RowView& row) {
  Attachment a;
  a.id = row.get_int(0);
  a.interaction_id = row.get_int(1);
  a.filename = row.get_string(2);
  a.content_type = row.get_string(3);
  a.size_bytes = row.get_int(4);
  a.sha256 = row.get_string(5);
  a.created_at = row.get_int(6);
  return a;
}

std::string base64_encode(const std::string& bytes) {
  gchar* text = g_base64_encode(reinterpret_cast<const guchar*>(bytes.data()), bytes.size());
  std::string out(text);
  g_free(text);
  return out;
}

std::string base64_decode(std::string_view text) {
  gsize length = 0;
  guchar* bytes = g_base64_decode(std::string(text).c_str(), &length);
  std::string out(reinterpret_cast<const char*>(bytes), length);
  g_free(bytes);
  return out;
}

bool token_char(char ch) {
  return g_ascii_isalnum(ch) || std::string_view("!#$&^_.+-").find(ch) != std::string_view::npos;
}

}  // namespace

Result<Attachment> AttachmentStore::insert(Connection& c, std::int64_t interaction_id,
                                           const std::string& filename,
                                           const std::string& content_type,
                                           const std::string& bytes, UnixMs now) {
  if (filename.empty()) return Error::invalid("an attachment needs a file name", "filename");
  if (content_type.empty()) return Error::invalid("an attachment needs a content type", "content_type");
  Attachment a;
  a.interaction_id = interaction_id;
  a.filename = filename;
  a.content_type = content_type;
  a.size_bytes = static_cast<std::int64_t>(bytes.size());
  a.sha256 = sha256_hex(bytes);
  a.created_at = now;
  ECRM_ASSIGN_OR_RETURN(auto id, c.query_int(kInsert, {interaction_id, filename, content_type, a.size_bytes,
                                                       a.sha256, base64_encode(bytes), now}));
  if (!id) return Error::internal("the attachment was not stored");
  a.id = *id;
  return a;
}

Result<std::vector<Attachment>> AttachmentStore::of_interaction(Connection& c, std::int64_t interaction_id) {
  std::vector<Attachment> out;
  ECRM_RETURN_IF_ERROR(c.query(kOfInteraction, {interaction_id},
                               [&](const storage::RowView& row) { out.push_back(from_row(row)); }));
  return out;
}

Result<AttachmentList> AttachmentStore::list(std::int64_t interaction_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto exists, lease->query_int(kInteractionExists, {interaction_id}));
  if (!exists) return Error::not_found("no interaction " + std::to_string(interaction_id));
  ECRM_ASSIGN_OR_RETURN(auto items, of_interaction(*lease, interaction_id));
  return AttachmentList{std::move(items)};
}

Result<std::pair<Attachment, std::string>> AttachmentStore::read(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<std::pair<Attachment, std::string>> found;
  ECRM_RETURN_IF_ERROR(lease->query(kRead, {id}, [&](const storage::RowView& row) {
    found.emplace(from_row(row), base64_decode(row.get_text(7)));
  }));
  if (!found) return Error::not_found("no attachment " + std::to_string(id));
  return std::move(*found);
}

std::string content_disposition(const std::string& filename) {
  std::string ascii;
  std::string encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char ch : filename) {
    const bool plain = ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
    ascii += plain ? static_cast<char>(ch) : '_';
    if (g_ascii_isalnum(ch) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos) {
      encoded += static_cast<char>(ch);
    } else {
      encoded += '%';
      encoded += kHex[ch >> 4];
      encoded += kHex[ch & 15];
    }
  }
  if (ascii.empty()) ascii = "attachment";
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

std::string safe_content_type(const std::string& type) {
  const std::size_t slash = type.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 >= type.size() || type.size() > 127) {
    return "application/octet-stream";
  }
  for (std::size_t i = 0; i < type.size(); ++i) {
    if (i != slash && !token_char(type[i])) return "application/octet-stream";
  }
  return type;
}

void add_attachment_routes(http::Router& router, AttachmentStore& store) {
  using http::Access;
  using http::Method;
  using http::RequestContext;
  using http::Response;
  router.add(http::Route{
      .method = Method::kGet,
      .pattern = "/api/v1/interactions/{id}/attachments",
      .access = Access::needs("service:read"),
      .doc = {.summary = "The files that came with an interaction (name, type, size, SHA-256), oldest first",
              .tag = "service",
              .response = http::json_body<AttachmentList>(),
              .error_statuses = {404}},
      .handler = http::handle([&store](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto list, store.list(id));
        return http::reply(200, list);
      })});
  router.add(http::Route{
      .method = Method::kGet,
      .pattern = "/api/v1/attachments/{id}",
      .access = Access::needs("service:read"),
      .doc = {.summary = "Download a file that came with an interaction (an e-mail's attachment), "
                         "with its content type, as an attachment",
              .tag = "service",
              .response = http::text_body("application/octet-stream"),
              .error_statuses = {404}},
      .handler = http::handle([&store](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto found, store.read(id));
        Response response;
        response.status = 200;
        response.content_type = safe_content_type(found.first.content_type);
        response.body = std::move(found.second);
        // Never shown inline: a mailed HTML file or SVG must not run as the shop's page.
        static const std::vector<std::pair<std::string, std::string>> kSafety = {
            {"X-Content-Type-Options", "nosniff"},
            {"Content-Security-Policy", "default-src 'none'; sandbox"}};
        response.headers = kSafety;
        response.headers.emplace_back("Content-Disposition", content_disposition(found.first.filename));
        return response;
      })});
}

}  // namespace ecrm::service
