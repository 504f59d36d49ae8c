#include "partners/api_keys.hpp"

#include <spdlog/spdlog.h>

#include "core/crypto.hpp"
#include "http/wire.hpp"

namespace ecrm::partners {

using storage::Connection;
using storage::RowView;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr std::size_t kShownPrefixLength = 10;
constexpr UnixMs kTouchIntervalMs = 60'000;

constexpr std::string_view kPartnerExists = "SELECT 1 FROM partners WHERE id = $1";
constexpr std::string_view kInsertKey =
    "INSERT INTO partner_api_keys (partner_id, name, prefix, key_digest, role, created_by, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
constexpr std::string_view kKeyColumns =
    "SELECT k.id, k.partner_id, k.name, k.prefix, k.role, k.created_by, k.created_at, "
    "k.last_used_at, k.revoked_at FROM partner_api_keys k ";
const std::string kKeysOf = std::string(kKeyColumns) + "WHERE k.partner_id = $1 ORDER BY k.id";
const std::string kKeyOf = std::string(kKeyColumns) + "WHERE k.id = $1 AND k.partner_id = $2";
constexpr std::string_view kRevoke =
    "UPDATE partner_api_keys SET revoked_at = $3 WHERE id = $1 AND partner_id = $2 "
    "AND revoked_at IS NULL";
// A live key of an active partner.
constexpr std::string_view kResolve =
    "SELECT k.id, k.partner_id, k.name, k.role FROM partner_api_keys k "
    "JOIN partners p ON p.id = k.partner_id WHERE k.key_digest = $1 AND k.revoked_at IS NULL "
    "AND p.active = 1";
constexpr std::string_view kTouch = "UPDATE partner_api_keys SET last_used_at = $2 WHERE id = $1";

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::optional<UnixMs> optional_int(const RowView& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.get_int(column);
}

PartnerApiKey read_key(const RowView& row) {
  PartnerApiKey k;
  k.id = row.get_int(0);
  k.partner_id = row.get_int(1);
  k.name = row.get_string(2);
  k.prefix = row.get_string(3);
  k.role = wire::parse_enum<PartnerRole>(row.get_text(4)).value_or(PartnerRole::kPartnerStaff);
  k.created_by = row.get_string(5);
  k.created_at = row.get_int(6);
  k.last_used_at = optional_int(row, 7);
  k.revoked_at = optional_int(row, 8);
  return k;
}

Status partner_exists(Connection& c, std::int64_t partner_id) {
  ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kPartnerExists, {partner_id}));
  if (!found) return Error::not_found("no such partner", "not_found");
  return {};
}

}  // namespace

Result<CreatedPartnerApiKey> PartnerApiKeys::create(std::int64_t partner_id,
                                                    const PartnerApiKeyInput& input,
                                                    const std::string& created_by) {
  if (blank(input.name)) return Error::invalid("name is required", "name", "required");
  const std::string secret = std::string(kPartnerKeyPrefix) + random_token(30);
  CreatedPartnerApiKey key;
  key.partner_id = partner_id;
  key.name = input.name;
  key.prefix = secret.substr(0, kShownPrefixLength);
  key.role = input.role.value_or(PartnerRole::kPartnerStaff);
  key.created_by = created_by;
  key.created_at = now_ms();
  key.key = secret;
  ECRM_ASSIGN_OR_RETURN(
      key.id, with_transaction<std::int64_t>(
                  db_, TxMode::kWrite, [&](Connection& c) -> Result<std::int64_t> {
                    ECRM_RETURN_IF_ERROR(partner_exists(c, partner_id));
                    ECRM_ASSIGN_OR_RETURN(
                        auto id, c.query_int(kInsertKey, {partner_id, key.name, key.prefix,
                                                          sha256_hex(secret),
                                                          std::string(wire::enum_name(key.role)),
                                                          created_by, key.created_at}));
                    if (!id) return Error::internal("no id for the new API key");
                    return *id;
                  }));
  return key;
}

Result<std::vector<PartnerApiKey>> PartnerApiKeys::list(std::int64_t partner_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(partner_exists(*lease, partner_id));
  std::vector<PartnerApiKey> out;
  ECRM_RETURN_IF_ERROR(
      lease->query(kKeysOf, {partner_id}, [&](const RowView& row) { out.push_back(read_key(row)); }));
  return out;
}

Status PartnerApiKeys::revoke(std::int64_t partner_id, std::int64_t key_id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    bool found = false;
    ECRM_RETURN_IF_ERROR(
        c.query(kKeyOf, {key_id, partner_id}, [&](const RowView&) { found = true; }));
    if (!found) return Error::not_found("no such API key", "not_found");
    return storage::done(c.execute(kRevoke, {key_id, partner_id, now_ms()}));
  });
}

Result<http::Principal> PartnerApiKeys::resolve_key(const std::string& key) {
  const Error refused = Error::unauthenticated("unknown or revoked API key", "invalid_api_key");
  if (!key.starts_with(kPartnerKeyPrefix)) return refused;
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<http::Principal> found;
  ECRM_RETURN_IF_ERROR(lease->query(kResolve, {sha256_hex(key)}, [&](const RowView& row) {
    http::Principal p;
    p.kind = http::Principal::Kind::kPortal;
    p.subject = http::PortalSubject::kPartner;
    p.api_key_id = row.get_int(0);
    p.subject_id = row.get_int(1);
    p.api_key_name = row.get_string(2);
    p.name = p.api_key_name;
    p.role = row.get_string(3);
    found = std::move(p);
  }));
  if (!found) return refused;
  const UnixMs now = now_ms();
  bool touch = false;
  {
    std::lock_guard lock(touched_mutex_);
    auto& last = touched_[found->api_key_id];
    if (now - last >= kTouchIntervalMs) {
      last = now;
      touch = true;
    }
  }
  if (touch) {
    if (auto status = storage::done(lease->execute(kTouch, {found->api_key_id, now}));
        !status.ok()) {
      spdlog::warn("could not record use of partner API key {}: {}", found->api_key_id,
                   status.error().message);
    }
  }
  return std::move(*found);
}

}  // namespace ecrm::partners
