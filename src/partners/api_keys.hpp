// A partner's API keys: what a partner's own programs call the partner portal's routes
// (/api/v1/portal/partner/…) with, as `Authorization: Bearer epk_…`. A key acts as its partner
// with the rights of a user of its role (partner_admin or partner_staff), the same routes and
// the same isolation as a portal session of that partner; on every other route it is refused
// (auth's HttpAuthenticator, 403 portal_key_not_allowed). Keys are made by staff
// (partners:write) or by a signed-in partner admin, never by a key; the secret is random, shown
// once and stored as its SHA-256 digest. Every use reads the key from the database, so a
// revoked key or a deactivated partner is refused (401) on the next request.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/portal.hpp"
#include "core/result.hpp"
#include "partners/api_model.hpp"
#include "storage/database.hpp"

namespace ecrm::partners {

inline constexpr std::string_view kPartnerKeyPrefix = "epk_";

class PartnerApiKeys final : public auth::PortalKeyResolver {
 public:
  explicit PartnerApiKeys(storage::Database& db) : db_(db) {}

  // A new key of the partner; kInvalidArgument naming `name` when blank, kNotFound for an
  // unknown partner. `created_by` is shown in the key's list.
  Result<CreatedPartnerApiKey> create(std::int64_t partner_id, const PartnerApiKeyInput& input,
                                      const std::string& created_by);
  // The partner's keys, revoked ones included, by id.
  Result<std::vector<PartnerApiKey>> list(std::int64_t partner_id);
  // Revokes one of the partner's keys (again: no change); kNotFound when it is not the
  // partner's.
  Status revoke(std::int64_t partner_id, std::int64_t key_id);

  std::string_view key_prefix() const override { return kPartnerKeyPrefix; }
  // A principal of kind kPortal, subject kPartner, subject_id the partner, api_key_id the key,
  // role the key's role.
  Result<http::Principal> resolve_key(const std::string& key) override;

 private:
  storage::Database& db_;
  std::mutex touched_mutex_;
  std::unordered_map<std::int64_t, UnixMs> touched_;  // key id -> last_used_at written
};

}  // namespace ecrm::partners
