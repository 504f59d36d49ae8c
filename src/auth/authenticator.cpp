#include "auth/authenticator.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "auth/access.hpp"
#include "core/crypto.hpp"

namespace ecrm::auth {

namespace {
constexpr std::size_t kMaxCacheEntries = 10000;
constexpr UnixMs kTouchIntervalMs = 60'000;
}  // namespace

HttpAuthenticator::HttpAuthenticator(AuthService& service, std::chrono::milliseconds cache_ttl,
                                     PortalAuth* portal)
    : service_(service), cache_ttl_(cache_ttl), portal_(portal) {}

void HttpAuthenticator::add_portal_keys(PortalKeyResolver& resolver) {
  portal_keys_.push_back(&resolver);
}

PortalKeyResolver* HttpAuthenticator::portal_keys_of(std::string_view key) const {
  for (auto* resolver : portal_keys_) {
    if (key.starts_with(resolver->key_prefix())) return resolver;
  }
  return nullptr;
}

Result<http::Principal> HttpAuthenticator::authenticate_portal(const http::Request& request) {
  // A portal party's API key; any other bearer key is no credential here.
  if (Credential credential = credential_of(request);
      credential.kind == Credential::Kind::kApiKey) {
    if (auto* resolver = portal_keys_of(credential.secret)) {
      return resolver->resolve_key(credential.secret);
    }
  }
  if (portal_ == nullptr) return http::Principal{};
  auto cookie = request.cookie(kPortalCookie);
  if (!cookie || cookie->empty()) return http::Principal{};
  return portal_->resolve_session(*cookie);
}

HttpAuthenticator::Credential HttpAuthenticator::credential_of(const http::Request& request) {
  if (auto header = request.headers.get("authorization")) {
    std::string_view value = *header;
    if (value.size() > 7 && (value.substr(0, 7) == "Bearer " || value.substr(0, 7) == "bearer ")) {
      std::string_view token = value.substr(7);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      return {Credential::Kind::kApiKey, std::string(token)};
    }
  }
  if (auto cookie = request.cookie(kSessionCookie); cookie && !cookie->empty()) {
    return {Credential::Kind::kSession, *cookie};
  }
  return {};
}

std::optional<Result<http::Principal>> HttpAuthenticator::authenticate_cached(
    const http::Request& request) {
  Credential credential = credential_of(request);
  if (credential.kind == Credential::Kind::kNone) return Result<http::Principal>(http::Principal{});
  if (credential.kind == Credential::Kind::kApiKey && portal_keys_of(credential.secret)) {
    return Result<http::Principal>(Error::forbidden(
        "this API key reaches only its portal's routes (/api/v1/portal/…)",
        "portal_key_not_allowed"));
  }
  std::string digest = sha256_hex(credential.secret);
  std::shared_lock lock(mutex_);
  auto it = cache_.find(digest);
  if (it == cache_.end() || it->second.expires < std::chrono::steady_clock::now()) {
    return std::nullopt;
  }
  return gate(it->second.principal, it->second.two_factor_pending, request);
}

Result<http::Principal> HttpAuthenticator::gate(http::Principal principal, bool two_factor_pending,
                                                const http::Request& request) {
  if (two_factor_pending && !reachable_before_two_factor(request.path)) {
    return Error::forbidden("your role requires two-factor sign-in: set it up first",
                            "two_factor_enrolment_required");
  }
  return principal;
}

bool HttpAuthenticator::two_factor_pending(std::int64_t session_id) {
  std::shared_lock lock(mutex_);
  return two_factor_pending_.contains(session_id);
}

Result<http::Principal> HttpAuthenticator::authenticate(const http::Request& request) {
  if (auto cached = authenticate_cached(request)) return std::move(*cached);
  std::uint64_t generation = 0;
  {
    std::shared_lock lock(mutex_);
    generation = generation_;
  }
  Credential credential = credential_of(request);
  http::Principal principal;
  bool pending = false;
  if (credential.kind == Credential::Kind::kSession) {
    ECRM_ASSIGN_OR_RETURN(auto found, service_.resolve_session(credential.secret));
    auto& [session, user] = found;
    principal.kind = http::Principal::Kind::kSession;
    principal.user_id = user.id;
    principal.email = user.email;
    principal.name = user.name;
    principal.role = std::string(wire::enum_name(user.role));
    principal.session_id = session.id;
    principal.csrf_token = session.csrf_token;
    pending = session.two_factor_pending;
    // Until they enrol they hold no scope; gate() keeps them to the enrolment routes.
    principal.scopes = pending ? std::vector<std::string>{} : scopes_of(user.role);
  } else {
    ECRM_ASSIGN_OR_RETURN(auto found, service_.resolve_api_key(credential.secret));
    auto& [key, user] = found;
    principal.kind = http::Principal::Kind::kApiKey;
    principal.user_id = user.id;
    principal.email = user.email;
    principal.name = user.name;
    principal.role = std::string(wire::enum_name(user.role));
    principal.api_key_id = key.id;
    principal.api_key_name = key.name;
    principal.scopes = effective_key_scopes(key.scopes, user.role);
    bool touch = false;
    UnixMs now = now_ms();
    {
      std::lock_guard lock(mutex_);
      auto& last = key_last_touched_[key.id];
      if (now - last >= kTouchIntervalMs) {
        last = now;
        touch = true;
      }
    }
    if (touch) {
      if (auto status = service_.touch_api_key(key.id); !status.ok()) {
        spdlog::warn("could not record use of API key {}: {}", key.id, status.error().message);
      }
    }
  }
  std::lock_guard lock(mutex_);
  if (pending) {
    two_factor_pending_.insert(principal.session_id);
  } else if (principal.session_id != 0) {
    two_factor_pending_.erase(principal.session_id);
  }
  if (generation != generation_) return gate(principal, pending, request);  // may be stale
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[sha256_hex(credential.secret)] =
      CacheEntry{principal, std::chrono::steady_clock::now() + cache_ttl_, pending};
  return gate(principal, pending, request);
}

void HttpAuthenticator::invalidate() { forget(nullptr); }

void HttpAuthenticator::forget(
    const std::function<bool(const std::string&, const http::Principal&)>& matches) {
  std::lock_guard lock(mutex_);
  ++generation_;
  if (!matches) {
    cache_.clear();
    return;
  }
  std::erase_if(cache_, [&](const auto& entry) {
    return matches(entry.first, entry.second.principal);
  });
}

void HttpAuthenticator::follow(storage::InvalidationBus& bus) {
  // An unparsable key drops everything: better a few extra lookups than a stale principal.
  auto id_of = [](std::string_view key) -> std::optional<std::int64_t> {
    std::int64_t id = 0;
    auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (key.empty() || error != std::errc() || end != key.data() + key.size()) return std::nullopt;
    return id;
  };
  bus.subscribe(std::string(storage::topics::kSession), [this](std::string_view key) {
    if (key.empty()) return invalidate();
    forget([key](const std::string& digest, const http::Principal&) { return digest == key; });
  });
  bus.subscribe(std::string(storage::topics::kApiKey), [this, id_of](std::string_view key) {
    auto id = id_of(key);
    if (!id) return invalidate();
    forget([id](const std::string&, const http::Principal& principal) {
      return principal.kind == http::Principal::Kind::kApiKey && principal.api_key_id == *id;
    });
  });
  bus.subscribe(std::string(storage::topics::kUser), [this, id_of](std::string_view key) {
    auto id = id_of(key);
    if (!id) return invalidate();
    forget([id](const std::string&, const http::Principal& principal) {
      return principal.user_id == *id;
    });
  });
}

void HttpAuthenticator::record(const http::Principal& principal, const http::AuditEntry& entry) {
  AuditRecord record;
  record.at = now_ms();
  switch (principal.kind) {
    case http::Principal::Kind::kSession:
      record.actor_type = "user";
      record.actor_id = principal.user_id;
      break;
    case http::Principal::Kind::kApiKey:
      record.actor_type = "api_key";
      record.actor_id = principal.api_key_id;
      break;
    case http::Principal::Kind::kPortal:
      record.actor_type = std::string(http::to_string(principal.subject));
      record.actor_id = principal.subject_id;
      break;
    case http::Principal::Kind::kAnonymous:
      record.actor_type = "anonymous";
      break;
  }
  if (auto actor = principal.display(); !actor.empty()) record.actor = std::move(actor);
  record.action = entry.action;
  record.entity = entry.entity;
  record.entity_id = entry.entity_id;
  record.status = entry.status;
  record.ip = entry.ip;
  record.details = entry.details.empty() ? "{}" : entry.details;
  if (auto status = service_.record_audit(record); !status.ok()) {
    spdlog::error("audit log write failed for {}: {}", entry.action, status.error().message);
  }
}

}  // namespace ecrm::auth
