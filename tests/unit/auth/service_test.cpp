// AuthService and HttpAuthenticator on a fresh, migrated SQLite database per test. Passwords are
// hashed with argon2id (tens of milliseconds each), so tests create only the users they need.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/authenticator.hpp"
#include "auth/http_routes.hpp"
#include "auth/service.hpp"
#include "core/crypto.hpp"
#include "core/metrics.hpp"
#include "http/context.hpp"
#include "http/dispatcher.hpp"
#include "http/openapi.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace ecrm::auth {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kPassword = "correct-horse-1";

// A migrated SQLite database in a temporary file, removed again by close().
struct TempDatabase {
  void open() {
    path = fs::temp_directory_path() / ("ecrm-auth-" + random_token(8) + ".db");
    auto opened = storage::open_database("sqlite:" + path.string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db = std::move(opened).value();
    auto migrated = storage::migrate(*db, storage::embedded_migrations());
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }
  void close() {
    db.reset();
    if (path.empty()) return;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  }

  fs::path path;
  std::unique_ptr<storage::Database> db;
};

// A fresh database and service for every test.
class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_crypto(); }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(temp_.open());
    reopen(AuthConfig{});
  }

  void TearDown() override {
    service_.reset();
    temp_.close();
  }

  // A new service over the same database, with `config`.
  void reopen(AuthConfig config) { service_ = std::make_unique<AuthService>(*temp_.db, config); }

  User make_user(const std::string& email, Role role = Role::kAnalyst,
                 const std::string& password = kPassword) {
    auto created = service_->create_user(UserInput{email, "Name of " + email, role, password});
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? created->user : User{};
  }

  Result<LoginResult> login(const std::string& email, const std::string& password = kPassword,
                            const std::string& ip = "192.0.2.1") {
    return service_->login(LoginRequest{email, password}, ip, "unit-test");
  }

  static Actor actor_of(const User& user) { return Actor{user.id, user.role}; }

  TempDatabase temp_;
  std::unique_ptr<AuthService> service_;
};

// One database and service for a whole suite of cases that must all be refused (and so change
// nothing): each service start hashes a password, which is worth sharing.
class RefusalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    init_crypto();
    temp_ = new TempDatabase;
    temp_->open();
    if (temp_->db) service_ = new AuthService(*temp_->db);
  }
  static void TearDownTestSuite() {
    delete service_;
    service_ = nullptr;
    temp_->close();
    delete temp_;
    temp_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(service_, nullptr) << "database set-up failed"; }

  static TempDatabase* temp_;
  static AuthService* service_;
};
TempDatabase* RefusalTest::temp_ = nullptr;
AuthService* RefusalTest::service_ = nullptr;

// Checks that `result` failed with `kind`, `code` and (when given) `field`.
template <typename T>
void expect_error(const Result<T>& result, ErrorKind kind, const std::string& code,
                  const std::string& field = "") {
  ASSERT_FALSE(result.ok()) << "expected " << code;
  EXPECT_EQ(result.error().kind, kind) << result.error().message;
  EXPECT_EQ(result.error().code, code) << result.error().message;
  if (!field.empty()) {
    EXPECT_EQ(result.error().field, field);
  }
}

// --- users ---------------------------------------------------------------------------------

struct NewUserCase {
  std::string name;
  UserInput request;
  std::string want_field;
  std::string want_code;
};

class CreateUserValidation : public RefusalTest,
                             public ::testing::WithParamInterface<NewUserCase> {};

TEST_P(CreateUserValidation, NamesTheField) {
  const NewUserCase& c = GetParam();
  auto created = service_->create_user(c.request);
  expect_error(created, ErrorKind::kInvalidArgument, c.want_code, c.want_field);
  auto stats = service_->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->users, 0);
}

UserInput new_user(std::string email, std::optional<std::string> password = std::string(kPassword),
                 std::string name = "Ann") {
  return UserInput{std::move(email), std::move(name), Role::kSales, std::move(password)};
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CreateUserValidation,
    ::testing::Values(
        NewUserCase{"NoAt", new_user("ann.example.com"), "email", "invalid_argument"},
        NewUserCase{"Empty", new_user(""), "email", "invalid_argument"},
        NewUserCase{"OnlySpaces", new_user("   "), "email", "invalid_argument"},
        NewUserCase{"NoLocalPart", new_user("@example.com"), "email", "invalid_argument"},
        NewUserCase{"NoDomain", new_user("ann@"), "email", "invalid_argument"},
        NewUserCase{"TwoAts", new_user("ann@b@example.com"), "email", "invalid_argument"},
        NewUserCase{"InnerSpace", new_user("ann smith@example.com"), "email", "invalid_argument"},
        NewUserCase{"Tab", new_user("\tann@example.com"), "email", "invalid_argument"},
        NewUserCase{"List", new_user("ann@example.com,bob@example.com"), "email",
                    "invalid_argument"},
        NewUserCase{"TooLong", new_user(std::string(250, 'a') + "@example.com"), "email",
                    "invalid_argument"},
        NewUserCase{"ShortPassword", new_user("ann@example.com", std::string("1234567")),
                    "password", "weak_password"},
        NewUserCase{"EmptyPassword", new_user("ann@example.com", std::string()), "password",
                    "weak_password"},
        NewUserCase{"LongPassword", new_user("ann@example.com", std::string(257, 'p')), "password",
                    "weak_password"},
        NewUserCase{"LongName", new_user("ann@example.com", kPassword, std::string(201, 'n')),
                    "name", "invalid_argument"}),
    [](const ::testing::TestParamInfo<NewUserCase>& info) { return info.param.name; });

TEST(NormalizeEmail, LowerCasesAndTrims) {
  for (const auto& [input, want] :
       std::vector<std::pair<std::string, std::string>>{{"Ann@Example.COM", "ann@example.com"},
                                                        {"  bob@example.com ", "bob@example.com"},
                                                        {"x@y", "x@y"}}) {
    auto email = normalize_email(input);
    ASSERT_TRUE(email.ok()) << input;
    EXPECT_EQ(*email, want);
  }
}

TEST_F(AuthTest, CreateUserLowerCasesEmailAndRejectsDuplicates) {
  auto created =
      service_->create_user(UserInput{" Ann@Example.COM", "Ann", Role::kSales, "12345678"});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->user.email, "ann@example.com");
  EXPECT_EQ(created->user.role, Role::kSales);
  EXPECT_GT(created->user.id, 0);
  EXPECT_FALSE(created->password.has_value());

  auto again = service_->create_user(UserInput{"ANN@example.com", "Other", Role::kAdmin, kPassword});
  expect_error(again, ErrorKind::kConflict, "email_taken");

  auto fetched = service_->get_user(created->user.id);
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->email, "ann@example.com");
  EXPECT_EQ(fetched->name, "Ann");
  expect_error(service_->get_user(created->user.id + 100), ErrorKind::kNotFound, "not_found");
}

TEST_F(AuthTest, GeneratedPasswordWorksForLogin) {
  auto created = service_->create_user(UserInput{"gen@example.com", "Gen", Role::kService, {}});
  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_TRUE(created->password.has_value());
  EXPECT_GE(created->password->size(), 16u);

  auto session = login("GEN@example.com", *created->password);
  ASSERT_TRUE(session.ok()) << session.error().message;
  EXPECT_EQ(session->user.id, created->user.id);
  EXPECT_FALSE(session->session_token.empty());
  EXPECT_FALSE(session->csrf_token.empty());
  EXPECT_NE(session->session_token, session->csrf_token);
  EXPECT_GT(session->expires_at, now_ms());

  auto user = service_->get_user(created->user.id);
  ASSERT_TRUE(user.ok());
  EXPECT_TRUE(user->last_login_at.has_value());
}

TEST_F(AuthTest, WrongPasswordUnknownEmailAndDisabledUserLookAlike) {
  User admin = make_user("admin@example.com", Role::kAdmin);
  User ann = make_user("ann@example.com");

  auto wrong = login("ann@example.com", "not-the-password");
  auto unknown = login("nobody@example.com", kPassword);
  auto malformed = login("not an e-mail", kPassword);
  expect_error(wrong, ErrorKind::kUnauthenticated, "invalid_credentials");
  expect_error(unknown, ErrorKind::kUnauthenticated, "invalid_credentials");
  expect_error(malformed, ErrorKind::kUnauthenticated, "invalid_credentials");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().message, unknown.error().message);

  UserChanges disable;
  disable.disabled = true;
  ASSERT_TRUE(service_->update_user(actor_of(admin), ann.id, disable).ok());
  expect_error(login("ann@example.com"), ErrorKind::kUnauthenticated, "invalid_credentials");

  UserChanges enable;
  enable.disabled = false;
  ASSERT_TRUE(service_->update_user(actor_of(admin), ann.id, enable).ok());
  EXPECT_TRUE(login("ann@example.com").ok());
}

TEST_F(AuthTest, RateLimitsAnEmailAfterFiveFailures) {
  make_user("ann@example.com");
  make_user("bob@example.com");
  for (int i = 0; i < 5; ++i) {
    expect_error(login("ann@example.com", "wrong-password"), ErrorKind::kUnauthenticated,
                 "invalid_credentials");
  }
  // Even the right password is refused now, in any spelling of the address.
  auto limited = login("Ann@Example.com");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(http::status_for(limited.error().kind), 429);

  // Another address from the same IP is unaffected.
  auto bob = login("bob@example.com");
  EXPECT_TRUE(bob.ok()) << (bob.ok() ? "" : bob.error().message);
}

TEST_F(AuthTest, SuccessfulLoginClearsTheEmailFailures) {
  AuthConfig config;
  config.max_failures_per_email = 2;
  reopen(config);
  make_user("ann@example.com");
  EXPECT_FALSE(login("ann@example.com", "wrong-password").ok());
  ASSERT_TRUE(login("ann@example.com").ok());
  EXPECT_FALSE(login("ann@example.com", "wrong-password").ok());
  // Two failures in the window, but the success in between cleared the first.
  EXPECT_TRUE(login("ann@example.com").ok());
}

TEST_F(AuthTest, RateLimitsAnIpAcrossEmails) {
  AuthConfig config;
  config.max_failures_per_ip = 3;
  reopen(config);
  make_user("ann@example.com");
  for (const char* email : {"x@example.com", "y@example.com", "z@example.com"}) {
    EXPECT_FALSE(login(email, kPassword, "198.51.100.7").ok());
  }
  auto limited = login("ann@example.com", kPassword, "198.51.100.7");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().kind, ErrorKind::kRateLimited);
  EXPECT_TRUE(login("ann@example.com", kPassword, "198.51.100.8").ok());
}

TEST_F(AuthTest, SessionResolvesUntilLogout) {
  User ann = make_user("ann@example.com", Role::kMarketing);
  auto session = login("ann@example.com");
  ASSERT_TRUE(session.ok());

  auto resolved = service_->resolve_session(session->session_token);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->first.user_id, ann.id);
  EXPECT_EQ(resolved->first.csrf_token, session->csrf_token);
  EXPECT_EQ(resolved->first.expires_at, session->expires_at);
  EXPECT_EQ(resolved->second.email, "ann@example.com");
  EXPECT_EQ(resolved->second.role, Role::kMarketing);

  expect_error(service_->resolve_session(random_token(32)), ErrorKind::kUnauthenticated,
               "invalid_session");
  expect_error(service_->resolve_session(""), ErrorKind::kUnauthenticated, "invalid_session");

  ASSERT_TRUE(service_->logout(session->session_token).ok());
  expect_error(service_->resolve_session(session->session_token), ErrorKind::kUnauthenticated,
               "invalid_session");
}

TEST_F(AuthTest, ExpiredSessionDoesNotResolve) {
  AuthConfig config;
  config.session_ttl_ms = 0;
  reopen(config);
  make_user("ann@example.com");
  auto session = login("ann@example.com");
  ASSERT_TRUE(session.ok());
  expect_error(service_->resolve_session(session->session_token), ErrorKind::kUnauthenticated,
               "invalid_session");
  ASSERT_TRUE(service_->prune(now_ms()).ok());
}

TEST_F(AuthTest, LastAdminCannotBeDemotedOrDisabled) {
  User admin = make_user("admin@example.com", Role::kAdmin);
  Actor system{0, Role::kAdmin};

  UserChanges demote;
  demote.role = Role::kSales;
  expect_error(service_->update_user(system, admin.id, demote), ErrorKind::kConflict, "last_admin",
               "role");
  UserChanges disable;
  disable.disabled = true;
  expect_error(service_->update_user(system, admin.id, disable), ErrorKind::kConflict, "last_admin",
               "disabled");
  // Keeping the role, or changing only the name, is fine.
  UserChanges rename;
  rename.name = "Boss";
  rename.role = Role::kAdmin;
  auto renamed = service_->update_user(system, admin.id, rename);
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->name, "Boss");

  // With a second enabled admin, the first may step down; then the second is the last one.
  User second = make_user("second@example.com", Role::kAdmin);
  auto demoted = service_->update_user(system, admin.id, demote);
  ASSERT_TRUE(demoted.ok()) << demoted.error().message;
  EXPECT_EQ(demoted->role, Role::kSales);
  expect_error(service_->update_user(system, second.id, demote), ErrorKind::kConflict,
               "last_admin");
}

TEST_F(AuthTest, DisabledAdminsDoNotCountAsAdmins) {
  User a = make_user("a@example.com", Role::kAdmin);
  User b = make_user("b@example.com", Role::kAdmin);
  Actor system{0, Role::kAdmin};
  UserChanges disable;
  disable.disabled = true;
  ASSERT_TRUE(service_->update_user(system, b.id, disable).ok());
  UserChanges demote;
  demote.role = Role::kAnalyst;
  expect_error(service_->update_user(system, a.id, demote), ErrorKind::kConflict, "last_admin");
}

TEST_F(AuthTest, CannotDisableYourself) {
  User a = make_user("a@example.com", Role::kAdmin);
  User b = make_user("b@example.com", Role::kAdmin);
  UserChanges disable;
  disable.disabled = true;
  expect_error(service_->update_user(actor_of(a), a.id, disable), ErrorKind::kConflict,
               "self_disable", "disabled");
  auto still = service_->get_user(a.id);
  ASSERT_TRUE(still.ok());
  EXPECT_FALSE(still->disabled);
  auto other = service_->update_user(actor_of(a), b.id, disable);
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_TRUE(other->disabled);
}

TEST_F(AuthTest, UpdateUserValidatesInput) {
  User a = make_user("a@example.com", Role::kAdmin);
  UserChanges rename;
  rename.name = "x";
  expect_error(service_->update_user(actor_of(a), a.id + 50, rename), ErrorKind::kNotFound,
               "not_found");
  UserChanges long_name;
  long_name.name = std::string(201, 'n');
  expect_error(service_->update_user(actor_of(a), a.id, long_name), ErrorKind::kInvalidArgument,
               "invalid_argument", "name");
  UserChanges weak;
  weak.password = "short";
  expect_error(service_->update_user(actor_of(a), a.id, weak), ErrorKind::kInvalidArgument,
               "weak_password", "password");
}

TEST_F(AuthTest, PasswordChangeEndsSessions) {
  User admin = make_user("admin@example.com", Role::kAdmin);
  User ann = make_user("ann@example.com");
  auto session = login("ann@example.com");
  ASSERT_TRUE(session.ok());

  // A name change keeps the session.
  UserChanges rename;
  rename.name = "Ann B.";
  ASSERT_TRUE(service_->update_user(actor_of(admin), ann.id, rename).ok());
  ASSERT_TRUE(service_->resolve_session(session->session_token).ok());

  UserChanges change;
  change.password = "a-new-password";
  ASSERT_TRUE(service_->update_user(actor_of(admin), ann.id, change).ok());
  expect_error(service_->resolve_session(session->session_token), ErrorKind::kUnauthenticated,
               "invalid_session");
  expect_error(login("ann@example.com"), ErrorKind::kUnauthenticated, "invalid_credentials");
  EXPECT_TRUE(login("ann@example.com", "a-new-password").ok());
}

TEST_F(AuthTest, DisablingEndsSessions) {
  User admin = make_user("admin@example.com", Role::kAdmin);
  make_user("ann@example.com");
  auto session = login("ann@example.com");
  ASSERT_TRUE(session.ok());
  UserChanges disable;
  disable.disabled = true;
  ASSERT_TRUE(service_->update_user(actor_of(admin), session->user.id, disable).ok());
  expect_error(service_->resolve_session(session->session_token), ErrorKind::kUnauthenticated,
               "invalid_session");
}

TEST_F(AuthTest, ListUsersPages) {
  User a = make_user("a@example.com", Role::kAdmin);
  User b = make_user("b@example.com");
  User c = make_user("c@example.com");
  auto first = service_->list_users(std::nullopt, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].id, a.id);
  EXPECT_EQ((*first)[1].id, b.id);
  auto rest = service_->list_users(b.id, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, c.id);
}

// --- first admin ---------------------------------------------------------------------------

TEST_F(AuthTest, EnsureFirstAdminCreatesOnce) {
  auto first = service_->ensure_first_admin("Boss@Example.com", std::nullopt);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(first->has_value());
  const CreatedUser& created = **first;
  EXPECT_EQ(created.user.role, Role::kAdmin);
  EXPECT_EQ(created.user.email, "boss@example.com");
  ASSERT_TRUE(created.password.has_value());
  EXPECT_TRUE(login("boss@example.com", *created.password).ok());

  auto second = service_->ensure_first_admin("other@example.com", std::string(kPassword));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
  auto stats = service_->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->users, 1);
  expect_error(login("other@example.com"), ErrorKind::kUnauthenticated, "invalid_credentials");
}

TEST_F(AuthTest, EnsureFirstAdminWithPassword) {
  auto first = service_->ensure_first_admin("boss@example.com", std::string(kPassword));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  EXPECT_FALSE((*first)->password.has_value());
  EXPECT_TRUE(login("boss@example.com").ok());
}

TEST_F(AuthTest, EnsureFirstAdminDoesNothingWhenAnyUserExists) {
  make_user("analyst@example.com", Role::kAnalyst);
  auto result = service_->ensure_first_admin("boss@example.com", std::nullopt);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->has_value());
}

TEST_F(AuthTest, EnsureFirstAdminValidates) {
  expect_error(service_->ensure_first_admin("not-an-email", std::nullopt),
               ErrorKind::kInvalidArgument, "invalid_argument", "email");
  expect_error(service_->ensure_first_admin("boss@example.com", std::string("short")),
               ErrorKind::kInvalidArgument, "weak_password", "password");
}

// --- API keys ------------------------------------------------------------------------------

struct KeyCase {
  std::string name;
  Role role;
  std::string key_name;
  std::vector<std::string> scopes;
  ErrorKind want_kind;
  std::string want_code;
  std::string want_field;
};

class ApiKeyValidation : public RefusalTest, public ::testing::WithParamInterface<KeyCase> {};

TEST_P(ApiKeyValidation, Refuses) {
  const KeyCase& c = GetParam();
  // Refused before the database is touched, so the owner need not exist.
  expect_error(service_->create_api_key(Actor{1, c.role}, ApiKeyInput{c.key_name, c.scopes}),
               c.want_kind, c.want_code, c.want_field);
  auto keys = service_->list_api_keys(Actor{0, Role::kAdmin}, std::nullopt, 10);
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->empty());
}

INSTANTIATE_TEST_SUITE_P(Cases, ApiKeyValidation,
                         ::testing::Values(KeyCase{"EmptyName",
                                                   Role::kAdmin,
                                                   "",
                                                   {"customers:read"},
                                                   ErrorKind::kInvalidArgument,
                                                   "invalid_argument",
                                                   "name"},
                                           KeyCase{"LongName",
                                                   Role::kAdmin,
                                                   std::string(101, 'k'),
                                                   {"customers:read"},
                                                   ErrorKind::kInvalidArgument,
                                                   "invalid_argument",
                                                   "name"},
                                           KeyCase{"NoScopes",
                                                   Role::kAdmin,
                                                   "shop",
                                                   {},
                                                   ErrorKind::kInvalidArgument,
                                                   "invalid_argument",
                                                   "scopes"},
                                           KeyCase{"UnknownScope",
                                                   Role::kAdmin,
                                                   "shop",
                                                   {"customers:read", "customers:delete"},
                                                   ErrorKind::kInvalidArgument,
                                                   "invalid_argument",
                                                   "scopes"},
                                           KeyCase{"EmptyScope",
                                                   Role::kSales,
                                                   "shop",
                                                   {""},
                                                   ErrorKind::kInvalidArgument,
                                                   "invalid_argument",
                                                   "scopes"},
                                           KeyCase{"NonAdminStar",
                                                   Role::kSales,
                                                   "shop",
                                                   {"*"},
                                                   ErrorKind::kPermissionDenied,
                                                   "scope_not_allowed",
                                                   ""},
                                           KeyCase{"NonAdminUsersAdmin",
                                                   Role::kMarketing,
                                                   "shop",
                                                   {"users:admin"},
                                                   ErrorKind::kPermissionDenied,
                                                   "scope_not_allowed",
                                                   ""},
                                           KeyCase{"NonAdminAuditRead",
                                                   Role::kAnalyst,
                                                   "shop",
                                                   {"customers:read", "audit:read"},
                                                   ErrorKind::kPermissionDenied,
                                                   "scope_not_allowed",
                                                   ""}),
                         [](const ::testing::TestParamInfo<KeyCase>& info) {
                           return info.param.name;
                         });

TEST_F(AuthTest, AdminMayGrantAdminScopes) {
  User admin = make_user("admin@example.com", Role::kAdmin);
  auto key =
      service_->create_api_key(actor_of(admin), {"ops", {"*", "users:admin", "audit:read"}});
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->scopes, (std::vector<std::string>{"*", "users:admin", "audit:read"}));
}

TEST_F(AuthTest, ApiKeyResolvesBySecretUntilRevoked) {
  User ann = make_user("ann@example.com", Role::kSales);
  auto created = service_->create_api_key(
      actor_of(ann), {"shop", {"customers:read", "orders:write", "customers:read"}});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->key.rfind("ek_", 0), 0u);
  EXPECT_EQ(created->prefix, created->key.substr(0, 7));
  EXPECT_EQ(created->user_id, ann.id);
  EXPECT_EQ(created->scopes, (std::vector<std::string>{"customers:read", "orders:write"}));

  auto resolved = service_->resolve_api_key(created->key);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->first.id, created->id);
  EXPECT_EQ(resolved->first.name, "shop");
  EXPECT_EQ(resolved->first.scopes, created->scopes);
  EXPECT_EQ(resolved->second.id, ann.id);

  expect_error(service_->resolve_api_key(created->key + "x"), ErrorKind::kUnauthenticated,
               "invalid_api_key");
  expect_error(service_->resolve_api_key("ek_" + random_token(30)), ErrorKind::kUnauthenticated,
               "invalid_api_key");
  expect_error(service_->resolve_api_key(created->key.substr(3)), ErrorKind::kUnauthenticated,
               "invalid_api_key");

  ASSERT_TRUE(service_->revoke_api_key(actor_of(ann), created->id).ok());
  expect_error(service_->resolve_api_key(created->key), ErrorKind::kUnauthenticated,
               "invalid_api_key");
  auto stats = service_->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->api_keys, 0);
}

TEST_F(AuthTest, DisabledOwnersKeysStopWorking) {
  User admin = make_user("admin@example.com", Role::kAdmin);
  User ann = make_user("ann@example.com", Role::kSales);
  auto created = service_->create_api_key(actor_of(ann), {"shop", {"customers:read"}});
  ASSERT_TRUE(created.ok());
  UserChanges disable;
  disable.disabled = true;
  ASSERT_TRUE(service_->update_user(actor_of(admin), ann.id, disable).ok());
  expect_error(service_->resolve_api_key(created->key), ErrorKind::kUnauthenticated,
               "invalid_api_key");
}

TEST_F(AuthTest, NonAdminsSeeAndRevokeOnlyTheirOwnKeys) {
  User admin = make_user("admin@example.com", Role::kAdmin);
  User ann = make_user("ann@example.com", Role::kSales);
  User bob = make_user("bob@example.com", Role::kService);
  auto admin_key = service_->create_api_key(actor_of(admin), {"ops", {"*"}});
  auto ann_key = service_->create_api_key(actor_of(ann), {"ann's", {"customers:read"}});
  auto bob_key = service_->create_api_key(actor_of(bob), {"bob's", {"service:read"}});
  ASSERT_TRUE(admin_key.ok() && ann_key.ok() && bob_key.ok());

  auto ann_list = service_->list_api_keys(actor_of(ann), std::nullopt, 50);
  ASSERT_TRUE(ann_list.ok());
  ASSERT_EQ(ann_list->size(), 1u);
  EXPECT_EQ((*ann_list)[0].id, ann_key->id);

  auto admin_list = service_->list_api_keys(actor_of(admin), std::nullopt, 50);
  ASSERT_TRUE(admin_list.ok());
  EXPECT_EQ(admin_list->size(), 3u);
  auto admin_page = service_->list_api_keys(actor_of(admin), admin_key->id, 1);
  ASSERT_TRUE(admin_page.ok());
  ASSERT_EQ(admin_page->size(), 1u);
  EXPECT_EQ((*admin_page)[0].id, ann_key->id);

  // Someone else's key looks like no key at all.
  expect_error(service_->revoke_api_key(actor_of(ann), bob_key->id), ErrorKind::kNotFound,
               "not_found");
  expect_error(service_->revoke_api_key(actor_of(ann), admin_key->id), ErrorKind::kNotFound,
               "not_found");
  expect_error(service_->revoke_api_key(actor_of(ann), bob_key->id + 100), ErrorKind::kNotFound,
               "not_found");
  EXPECT_TRUE(service_->resolve_api_key(bob_key->key).ok());

  // Admins may revoke anyone's.
  ASSERT_TRUE(service_->revoke_api_key(actor_of(admin), bob_key->id).ok());
  EXPECT_FALSE(service_->resolve_api_key(bob_key->key).ok());
  auto bob_list = service_->list_api_keys(actor_of(bob), std::nullopt, 50);
  ASSERT_TRUE(bob_list.ok());
  ASSERT_EQ(bob_list->size(), 1u);
  EXPECT_TRUE((*bob_list)[0].revoked_at.has_value());
}

// --- audit ---------------------------------------------------------------------------------

TEST_F(AuthTest, AuditListsNewestFirstWithBeforePaging) {
  for (int i = 1; i <= 3; ++i) {
    AuditRecord record;
    record.at = 1000 + i;
    record.actor_type = i == 3 ? "anonymous" : "user";
    if (i != 3) record.actor_id = i;
    record.actor = "user" + std::to_string(i) + "@example.com";
    record.action = "POST /api/v1/things/" + std::to_string(i);
    record.entity = "thing";
    record.entity_id = std::to_string(i);
    record.status = 200 + i;
    record.ip = "192.0.2." + std::to_string(i);
    record.details = R"({"n":)" + std::to_string(i) + "}";
    ASSERT_TRUE(service_->record_audit(record).ok());
  }
  auto all = service_->list_audit(std::nullopt, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].action, "POST /api/v1/things/3");
  EXPECT_EQ((*all)[1].action, "POST /api/v1/things/2");
  EXPECT_EQ((*all)[2].action, "POST /api/v1/things/1");
  EXPECT_GT((*all)[0].id, (*all)[1].id);
  EXPECT_GT((*all)[1].id, (*all)[2].id);
  EXPECT_EQ((*all)[0].actor_id, std::nullopt);
  EXPECT_EQ((*all)[1].actor_id, 2);
  EXPECT_EQ((*all)[1].at, 1002);
  EXPECT_EQ((*all)[1].status, 202);
  EXPECT_EQ((*all)[1].ip, "192.0.2.2");
  EXPECT_EQ((*all)[1].details, R"({"n":2})");

  auto first = service_->list_audit(std::nullopt, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  auto next = service_->list_audit(first->back().id, 2);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].id, (*all)[2].id);
  auto none = service_->list_audit((*all)[2].id, 2);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// --- HttpAuthenticator ---------------------------------------------------------------------

class AuthenticatorTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    if (HasFatalFailure()) return;
    admin_ = make_user("admin@example.com", Role::kAdmin);
    auto session = login("admin@example.com");
    ASSERT_TRUE(session.ok());
    session_ = *session;
    auto key = service_->create_api_key(actor_of(admin_), {"shop", {"customers:read"}});
    ASSERT_TRUE(key.ok());
    key_ = *key;
    authenticator_ = std::make_unique<HttpAuthenticator>(*service_, std::chrono::minutes(1));
  }

  http::Request request(std::optional<std::string> cookie,
                        std::optional<std::string> authorization) {
    http::Request r;
    r.target = "/api/v1/me";
    if (cookie) r.headers.add("Cookie", *cookie);
    if (authorization) r.headers.add("Authorization", *authorization);
    return r;
  }
  std::string session_cookie() const {
    return "theme=dark; ecrm_session=" + session_.session_token;
  }

  User admin_;
  LoginResult session_;
  CreatedApiKey key_;
  std::unique_ptr<HttpAuthenticator> authenticator_;
};

TEST_F(AuthenticatorTest, NoCredentialsIsAnonymous) {
  auto r = request(std::nullopt, std::nullopt);
  auto principal = authenticator_->authenticate(r);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->kind, http::Principal::Kind::kAnonymous);
  EXPECT_FALSE(principal->authenticated());
  auto cached = authenticator_->authenticate_cached(r);
  ASSERT_TRUE(cached.has_value());
  ASSERT_TRUE(cached->ok());
  EXPECT_FALSE((*cached)->authenticated());
  // An empty cookie or a non-bearer scheme is no credential either.
  auto empty = authenticator_->authenticate(request("ecrm_session=", "Basic dXNlcjpwYXNz"));
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->authenticated());
}

TEST_F(AuthenticatorTest, SessionCookie) {
  auto principal = authenticator_->authenticate(request(session_cookie(), std::nullopt));
  ASSERT_TRUE(principal.ok()) << principal.error().message;
  EXPECT_EQ(principal->kind, http::Principal::Kind::kSession);
  EXPECT_EQ(principal->user_id, admin_.id);
  EXPECT_EQ(principal->email, "admin@example.com");
  EXPECT_EQ(principal->role, "admin");
  EXPECT_EQ(principal->csrf_token, session_.csrf_token);
  EXPECT_GT(principal->session_id, 0);
  EXPECT_EQ(principal->display(), "admin@example.com");
}

TEST_F(AuthenticatorTest, BearerKey) {
  for (std::string scheme : {"Bearer ", "bearer ", "Bearer   "}) {
    authenticator_->invalidate();
    auto principal = authenticator_->authenticate(request(std::nullopt, scheme + key_.key));
    ASSERT_TRUE(principal.ok()) << scheme << principal.error().message;
    EXPECT_EQ(principal->kind, http::Principal::Kind::kApiKey);
    EXPECT_EQ(principal->api_key_id, key_.id);
    EXPECT_EQ(principal->api_key_name, "shop");
    EXPECT_EQ(principal->scopes, (std::vector<std::string>{"customers:read"}));
    EXPECT_TRUE(principal->has_scope("customers:read"));
    EXPECT_FALSE(principal->has_scope("customers:write"));
    EXPECT_EQ(principal->user_id, admin_.id);
    EXPECT_TRUE(principal->csrf_token.empty());
    EXPECT_EQ(principal->display(), "key:shop (admin@example.com)");
  }
  // Using a key records it (at most once a minute).
  auto keys = service_->list_api_keys(actor_of(admin_), std::nullopt, 10);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_TRUE((*keys)[0].last_used_at.has_value());
}

TEST_F(AuthenticatorTest, BearerTakesPrecedenceOverCookie) {
  auto principal = authenticator_->authenticate(request(session_cookie(), "Bearer " + key_.key));
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->kind, http::Principal::Kind::kApiKey);

  // Even a bad bearer key is not rescued by a good cookie.
  auto bad = authenticator_->authenticate(request(session_cookie(), "Bearer ek_unknown"));
  expect_error(bad, ErrorKind::kUnauthenticated, "invalid_api_key");
}

TEST_F(AuthenticatorTest, UnknownCredentialsAreUnauthenticated) {
  expect_error(authenticator_->authenticate(request(std::nullopt, "Bearer ek_" + random_token(30))),
               ErrorKind::kUnauthenticated, "invalid_api_key");
  expect_error(authenticator_->authenticate(request(std::nullopt, "Bearer not-a-key")),
               ErrorKind::kUnauthenticated, "invalid_api_key");
  expect_error(authenticator_->authenticate(request("ecrm_session=forged", std::nullopt)),
               ErrorKind::kUnauthenticated, "invalid_session");
  // Failures are not cached.
  EXPECT_FALSE(
      authenticator_->authenticate_cached(request(std::nullopt, "Bearer not-a-key")).has_value());
}

TEST_F(AuthenticatorTest, CachesUntilInvalidated) {
  auto r = request(session_cookie(), std::nullopt);
  EXPECT_FALSE(authenticator_->authenticate_cached(r).has_value());
  ASSERT_TRUE(authenticator_->authenticate(r).ok());

  auto cached = authenticator_->authenticate_cached(r);
  ASSERT_TRUE(cached.has_value());
  ASSERT_TRUE(cached->ok());
  EXPECT_EQ((*cached)->user_id, admin_.id);
  EXPECT_EQ((*cached)->csrf_token, session_.csrf_token);

  // A logout elsewhere is seen from memory only after the cache is dropped.
  ASSERT_TRUE(service_->logout(session_.session_token).ok());
  EXPECT_TRUE(authenticator_->authenticate_cached(r).has_value());
  authenticator_->invalidate();
  EXPECT_FALSE(authenticator_->authenticate_cached(r).has_value());
  expect_error(authenticator_->authenticate(r), ErrorKind::kUnauthenticated, "invalid_session");
}

TEST_F(AuthenticatorTest, CachedKeyIsKeyedBySecret) {
  auto with_key = request(std::nullopt, "Bearer " + key_.key);
  ASSERT_TRUE(authenticator_->authenticate(with_key).ok());
  ASSERT_TRUE(authenticator_->authenticate_cached(with_key).has_value());
  // The session was not looked up, so it is not cached.
  EXPECT_FALSE(
      authenticator_->authenticate_cached(request(session_cookie(), std::nullopt)).has_value());
}

TEST_F(AuthenticatorTest, CacheEntriesExpire) {
  HttpAuthenticator short_lived(*service_, std::chrono::milliseconds(1));
  auto r = request(session_cookie(), std::nullopt);
  ASSERT_TRUE(short_lived.authenticate(r).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(short_lived.authenticate_cached(r).has_value());
}

TEST_F(AuthenticatorTest, KeyScopesFollowTheOwnersRole) {
  User sam = make_user("sam@example.com", Role::kSales);
  auto key = service_->create_api_key(actor_of(sam), {"sync", {"customers:write", "orders:write"}});
  ASSERT_TRUE(key.ok()) << key.error().message;
  auto r = request(std::nullopt, "Bearer " + key->key);
  auto before = authenticator_->authenticate(r);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->scopes, (std::vector<std::string>{"customers:write", "orders:write"}));

  UserChanges demote;
  demote.role = Role::kAnalyst;
  ASSERT_TRUE(service_->update_user(actor_of(admin_), sam.id, demote).ok());
  authenticator_->invalidate();
  auto after = authenticator_->authenticate(r);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->scopes.empty()) << "an analyst holds neither scope";
  EXPECT_FALSE(after->has_scope("customers:write"));

  UserChanges disable;
  disable.disabled = true;
  ASSERT_TRUE(service_->update_user(actor_of(admin_), sam.id, disable).ok());
  authenticator_->invalidate();
  expect_error(authenticator_->authenticate(r), ErrorKind::kUnauthenticated, "invalid_api_key");
}

TEST_F(AuthenticatorTest, RecordWritesTheAuditLog) {
  auto principal = authenticator_->authenticate(request(std::nullopt, "Bearer " + key_.key));
  ASSERT_TRUE(principal.ok());
  http::AuditEntry entry{"DELETE /api/v1/things/{id}", "thing", "9", 204, "192.0.2.4", ""};
  authenticator_->record(*principal, entry);
  authenticator_->record(http::Principal{}, http::AuditEntry{"POST /api/v1/auth/login", "session",
                                                             "1", 200, "192.0.2.5", "{}"});

  auto records = service_->list_audit(std::nullopt, 10);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  const AuditRecord& anonymous = (*records)[0];
  EXPECT_EQ(anonymous.actor_type, "anonymous");
  EXPECT_EQ(anonymous.actor_id, std::nullopt);
  const AuditRecord& by_key = (*records)[1];
  EXPECT_EQ(by_key.actor_type, "api_key");
  EXPECT_EQ(by_key.actor_id, key_.id);
  EXPECT_EQ(by_key.actor, "key:shop (admin@example.com)");
  EXPECT_EQ(by_key.action, "DELETE /api/v1/things/{id}");
  EXPECT_EQ(by_key.entity, "thing");
  EXPECT_EQ(by_key.entity_id, "9");
  EXPECT_EQ(by_key.status, 204);
  EXPECT_EQ(by_key.ip, "192.0.2.4");
  EXPECT_EQ(by_key.details, "{}");
  EXPECT_GT(by_key.at, 0);
}

// --- the auth routes through the dispatcher ------------------------------------------------

TEST_F(AuthenticatorTest, AuthRoutesAreDocumentedAndDispatch) {
  http::Router router;
  add_auth_routes(router, *service_, *authenticator_, AuthRoutesConfig{});
  auto doc = json::parse(http::openapi_document(router, "test"));
  for (const auto& route : router.routes()) {
    std::string method(http::to_string(route->method));
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_NE(doc.at("paths").at(route->pattern).as_object().if_contains(method), nullptr)
        << method << " " << route->pattern;
  }

  MetricsRegistry metrics;
  http::Dispatcher dispatcher(router, *authenticator_, authenticator_.get(), nullptr, metrics,
                              http::DispatcherOptions{1 << 20, false});

  http::Request login_request;
  login_request.method = http::Method::kPost;
  login_request.target = "/api/v1/auth/login";
  login_request.body =
      R"({"email":"Admin@Example.com","password":")" + std::string(kPassword) + R"("})";
  http::Response login_response = dispatcher.handle(login_request);
  ASSERT_EQ(login_response.status, 200) << login_response.body;
  std::string cookie;
  for (const auto& [name, value] : login_response.headers) {
    if (name == "Set-Cookie") cookie = value.substr(0, value.find(';'));
  }
  ASSERT_EQ(cookie.rfind("ecrm_session=", 0), 0u) << cookie;
  std::string csrf(json::parse(login_response.body).at("csrf_token").as_string());

  http::Request me;
  me.target = "/api/v1/me";
  me.headers.add("Cookie", cookie);
  http::Response me_response = dispatcher.handle(me);
  ASSERT_EQ(me_response.status, 200) << me_response.body;
  EXPECT_EQ(json::parse(me_response.body).at("csrf_token").as_string(), csrf);

  // The literal /api-keys/scopes route wins over /api-keys/{id}; API keys may not call it.
  http::Request scopes;
  scopes.target = "/api/v1/api-keys/scopes";
  scopes.headers.add("Cookie", cookie);
  EXPECT_EQ(dispatcher.handle(scopes).status, 200);
  http::Request scopes_by_key;
  scopes_by_key.target = "/api/v1/api-keys/scopes";
  scopes_by_key.headers.add("Authorization", "Bearer " + key_.key);
  EXPECT_EQ(dispatcher.handle(scopes_by_key).status, 403);

  http::Request logout;
  logout.method = http::Method::kPost;
  logout.target = "/api/v1/auth/logout";
  logout.headers.add("Cookie", cookie);
  logout.headers.add("X-CSRF-Token", csrf);
  ASSERT_EQ(dispatcher.handle(logout).status, 204);
  http::Request after;
  after.target = "/api/v1/me";
  after.headers.add("Cookie", cookie);
  EXPECT_EQ(dispatcher.handle(after).status, 401);

  // Login and logout were audited.
  auto records = service_->list_audit(std::nullopt, 10);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].action, "POST /api/v1/auth/logout");
  EXPECT_EQ((*records)[0].actor_type, "user");
  EXPECT_EQ((*records)[1].action, "POST /api/v1/auth/login");
  EXPECT_EQ((*records)[1].entity_id, std::to_string(admin_.id));
}

}  // namespace
}  // namespace ecrm::auth
