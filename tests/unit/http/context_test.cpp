// Request helpers (body and field readers, paging, cookies, target parsing), static files and
// the OpenAPI document.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/crypto.hpp"
#include "http/context.hpp"
#include "http/params.hpp"
#include "http/openapi.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"

namespace ecrm::http {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

Request with_target(std::string target) {
  Request request;
  request.target = std::move(target);
  EXPECT_TRUE(request.parse_target()) << request.target;
  return request;
}

json::object parse_object(std::string_view text) { return json::parse(text).as_object(); }

// --- json_object ---------------------------------------------------------------------------

struct BodyCase {
  std::string name;
  std::string body;
  std::string want_code;  // empty: parses
};

class JsonObject : public ::testing::TestWithParam<BodyCase> {};

TEST_P(JsonObject, ParsesOnlyObjects) {
  Request request;
  request.body = GetParam().body;
  RequestContext context(request, Principal{}, {});
  auto parsed = context.json_object();
  if (GetParam().want_code.empty()) {
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  } else {
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_EQ(parsed.error().code, GetParam().want_code);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonObject,
    ::testing::Values(BodyCase{"Empty", "", "invalid_json"},
                      BodyCase{"Truncated", R"({"a":)", "invalid_json"},
                      BodyCase{"NotJson", "hello", "invalid_json"},
                      BodyCase{"TrailingGarbage", R"({"a":1} x)", "invalid_json"},
                      BodyCase{"Array", "[1,2]", "expected_object"},
                      BodyCase{"String", R"("text")", "expected_object"},
                      BodyCase{"Null", "null", "expected_object"},
                      BodyCase{"Number", "12", "expected_object"},
                      BodyCase{"EmptyObject", "{}", ""},
                      BodyCase{"Object", R"({"name":"Ann","tags":["a"]})", ""}),
    [](const ::testing::TestParamInfo<BodyCase>& info) { return info.param.name; });

TEST(JsonObjectDetails, InvalidJsonMessageGivesTheReason) {
  Request request;
  request.body = "{bad";
  RequestContext context(request, Principal{}, {});
  auto parsed = context.json_object();
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("not valid JSON: "), std::string::npos)
      << parsed.error().message;
  EXPECT_GT(parsed.error().message.size(), std::string("request body is not valid JSON: ").size());
}

TEST(JsonObjectDetails, ReturnsTheFields) {
  Request request;
  request.body = R"({"name":"Ann","n":3})";
  RequestContext context(request, Principal{}, {});
  auto parsed = context.json_object();
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->at("name").as_string(), "Ann");
  EXPECT_EQ(parsed->at("n").as_int64(), 3);
}

// --- path parameters and paging ------------------------------------------------------------

TEST(IdParam, AcceptsOnlyPositiveIntegers) {
  Request request;
  struct Case {
    std::string text;
    std::optional<std::int64_t> want;
  };
  for (const Case& c : std::vector<Case>{{"42", 42},
                                         {"9223372036854775807", INT64_MAX},
                                         {"0", std::nullopt},
                                         {"-1", std::nullopt},
                                         {"", std::nullopt},
                                         {"12abc", std::nullopt},
                                         {"abc", std::nullopt},
                                         {"1.5", std::nullopt},
                                         {"9223372036854775808", std::nullopt}}) {
    RequestContext context(request, Principal{}, {{"id", c.text}});
    auto id = context.id_param("id");
    if (c.want) {
      ASSERT_TRUE(id.ok()) << c.text;
      EXPECT_EQ(*id, *c.want);
    } else {
      ASSERT_FALSE(id.ok()) << c.text;
      EXPECT_EQ(id.error().kind, ErrorKind::kNotFound) << c.text;
    }
  }
  RequestContext context(request, Principal{}, {{"id", "5"}});
  EXPECT_EQ(context.param("id"), "5");
  EXPECT_EQ(context.param("other"), "");
  EXPECT_FALSE(context.id_param("other").ok());
}

struct PageCase {
  std::string name;
  std::string query;
  int default_limit;
  int max_limit;
  std::optional<int> want_limit;  // nullopt: error
  std::string want_field;
};

class Page : public ::testing::TestWithParam<PageCase> {};

TEST_P(Page, ValidatesLimit) {
  const PageCase& c = GetParam();
  Request request = with_target("/api/v1/things" + c.query);
  RequestContext context(request, Principal{}, {});
  auto page = id_page(context, c.default_limit, c.max_limit);
  if (c.want_limit) {
    ASSERT_TRUE(page.ok()) << page.error().message;
    EXPECT_EQ(page->limit, *c.want_limit);
    EXPECT_FALSE(page->last_id.has_value());
  } else {
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_EQ(page.error().field, c.want_field);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Page,
    ::testing::Values(PageCase{"Default", "", 50, 500, 50, ""},
                      PageCase{"CustomDefault", "", 20, 100, 20, ""},
                      PageCase{"Min", "?limit=1", 50, 500, 1, ""},
                      PageCase{"Max", "?limit=500", 50, 500, 500, ""},
                      PageCase{"CustomMax", "?limit=100", 20, 100, 100, ""},
                      PageCase{"AboveCustomMax", "?limit=101", 20, 100, std::nullopt, "limit"},
                      PageCase{"Zero", "?limit=0", 50, 500, std::nullopt, "limit"},
                      PageCase{"Negative", "?limit=-1", 50, 500, std::nullopt, "limit"},
                      PageCase{"AboveMax", "?limit=501", 50, 500, std::nullopt, "limit"},
                      PageCase{"Huge", "?limit=99999999999", 50, 500, std::nullopt, "limit"},
                      PageCase{"NotANumber", "?limit=ten", 50, 500, std::nullopt, "limit"},
                      PageCase{"TrailingJunk", "?limit=10x", 50, 500, std::nullopt, "limit"},
                      PageCase{"Empty", "?limit=", 50, 500, std::nullopt, "limit"},
                      PageCase{"EmptyCursorIgnored", "?limit=5&cursor=", 50, 500, 5, ""}),
    [](const ::testing::TestParamInfo<PageCase>& info) { return info.param.name; });

TEST(PageCursor, RoundTripsThroughEncodeCursor) {
  for (std::int64_t id : {std::int64_t{1}, std::int64_t{42}, std::int64_t{1} << 40, INT64_MAX}) {
    std::string cursor = encode_cursor(IdCursor{id});
    EXPECT_EQ(cursor.find_first_of("+/="), std::string::npos) << cursor;  // URL-safe as is
    Request request = with_target("/api/v1/things?limit=10&cursor=" + cursor);
    RequestContext context(request, Principal{}, {});
    auto page = id_page(context);
    ASSERT_TRUE(page.ok()) << page.error().message;
    EXPECT_EQ(page->limit, 10);
    EXPECT_EQ(page->last_id, id);
  }
}

TEST(PageCursor, OffsetAndKeyCursorsRoundTripAndStayApart) {
  Request offset_request = with_target("/api/v1/things?cursor=" + encode_cursor(OffsetCursor{40}));
  RequestContext offset_context(offset_request, Principal{}, {});
  auto offset = offset_page(offset_context, 20, 100);
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(offset->offset, 40);
  EXPECT_FALSE(id_page(offset_context).ok());  // an offset is not an id

  Request key_request = with_target("/api/v1/things?cursor=" + encode_cursor("t", KeyCursor{{9, 3}, "order_status"}));
  RequestContext key_context(key_request, Principal{}, {});
  auto key = key_cursor(key_context, "t", 2);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(key->has_value());
  EXPECT_EQ((*key)->numbers, (std::vector<std::int64_t>{9, 3}));
  EXPECT_EQ((*key)->text, "order_status");
  EXPECT_FALSE(key_cursor(key_context, "p", 2).ok());  // another list's cursor
  EXPECT_FALSE(offset_page(key_context).ok());
}

TEST(PageCursor, RejectsCursorsTheApiDidNotIssue) {
  for (std::string cursor :
       {std::string("!!!"), std::string("bm9wZQ"),  // "nope"
        base64url_encode("xx:5"), base64url_encode("id:"), base64url_encode("id:abc"),
        base64url_encode("id:12abc"), base64url_encode("5"), encode_cursor(OffsetCursor{5}),
        encode_cursor("t", KeyCursor{{5, 6}, "x"})}) {
    Request request = with_target("/api/v1/things?cursor=" + cursor);
    RequestContext context(request, Principal{}, {});
    auto page = id_page(context);
    ASSERT_FALSE(page.ok()) << cursor;
    EXPECT_EQ(page.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_EQ(page.error().field, "cursor") << cursor;
    EXPECT_EQ(status_for(page.error().kind), 400);
  }
}

// --- cookies -------------------------------------------------------------------------------

struct CookieCase {
  std::string name;
  std::optional<std::string> header;  // nullopt: no Cookie header
  std::string cookie;
  std::optional<std::string> want;
};

class Cookie : public ::testing::TestWithParam<CookieCase> {};

TEST_P(Cookie, Parses) {
  Request request;
  if (GetParam().header) request.headers.add("Cookie", *GetParam().header);
  EXPECT_EQ(request.cookie(GetParam().cookie), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Cookie,
    ::testing::Values(
        CookieCase{"NoHeader", std::nullopt, "ecrm_session", std::nullopt},
        CookieCase{"Single", "ecrm_session=abc", "ecrm_session", "abc"},
        CookieCase{"Second", "theme=dark; ecrm_session=abc", "ecrm_session", "abc"},
        CookieCase{"NoSpaceAfterSemicolon", "theme=dark;ecrm_session=abc", "ecrm_session", "abc"},
        CookieCase{"ManySpaces", "theme=dark;   ecrm_session=abc  ", "ecrm_session", "abc"},
        CookieCase{"Quoted", "ecrm_session=\"abc\"", "ecrm_session", "abc"},
        CookieCase{"LoneQuote", "ecrm_session=\"", "ecrm_session", "\""},
        CookieCase{"ValueWithEquals", "ecrm_session=a=b", "ecrm_session", "a=b"},
        CookieCase{"EmptyValue", "ecrm_session=", "ecrm_session", ""},
        CookieCase{"Missing", "theme=dark", "ecrm_session", std::nullopt},
        CookieCase{"PrefixIsNotAMatch", "ecrm_session_old=x; ecrm_session=y", "ecrm_session", "y"},
        CookieCase{"SuffixIsNotAMatch", "my_ecrm_session=x", "ecrm_session", std::nullopt},
        CookieCase{"NamesAreCaseSensitive", "ECRM_SESSION=x", "ecrm_session", std::nullopt},
        CookieCase{"FirstOfDuplicates", "ecrm_session=one; ecrm_session=two", "ecrm_session",
                   "one"},
        CookieCase{"PairWithoutEqualsSkipped", "flag; ecrm_session=abc", "ecrm_session", "abc"},
        CookieCase{"TrailingSemicolon", "ecrm_session=abc;", "ecrm_session", "abc"},
        CookieCase{"EmptyHeader", "", "ecrm_session", std::nullopt}),
    [](const ::testing::TestParamInfo<CookieCase>& info) { return info.param.name; });

TEST(Headers, LookupIsCaseInsensitiveAndFirstWins) {
  Headers headers;
  headers.add("X-Thing", "one");
  headers.add("x-thing", "two");
  EXPECT_EQ(headers.get("X-THING"), "one");
  EXPECT_EQ(headers.get("x-other"), std::nullopt);
  EXPECT_EQ(headers.all().size(), 2u);
}

// --- target parsing ------------------------------------------------------------------------

struct TargetCase {
  std::string name;
  std::string target;
  bool want_ok;
  std::string want_path;
  std::multimap<std::string, std::string> want_query;
};

class ParseTarget : public ::testing::TestWithParam<TargetCase> {};

TEST_P(ParseTarget, DecodesPathAndQuery) {
  const TargetCase& c = GetParam();
  Request request;
  request.target = c.target;
  ASSERT_EQ(request.parse_target(), c.want_ok) << c.target;
  if (!c.want_ok) return;
  EXPECT_EQ(request.path, c.want_path);
  EXPECT_EQ(request.query, c.want_query);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseTarget,
    ::testing::Values(
        TargetCase{"Root", "/", true, "/", {}},
        TargetCase{"Plain", "/api/v1/users", true, "/api/v1/users", {}},
        TargetCase{"PercentDecodedPath",
                   "/api/v1/customers/J%C3%BCrgen%20M",
                   true,
                   "/api/v1/customers/J\xC3\xBCrgen M",
                   {}},
        TargetCase{"EncodedSlashIsDecoded", "/a%2Fb", true, "/a/b", {}},
        TargetCase{"QueryDecoded",
                   "/s?q=a%20b&name=%C3%A9",
                   true,
                   "/s",
                   {{"q", "a b"}, {"name", "\xC3\xA9"}}},
        TargetCase{"PlusIsSpaceInQuery", "/s?q=a+b", true, "/s", {{"q", "a b"}}},
        TargetCase{"RepeatedParam", "/s?tag=a&tag=b", true, "/s", {{"tag", "a"}, {"tag", "b"}}},
        TargetCase{"KeyWithoutValue", "/s?flag", true, "/s", {{"flag", ""}}},
        // Boost.URL reads a present but empty query as one empty parameter.
        TargetCase{"EmptyQuery", "/s?", true, "/s", {{"", ""}}},
        TargetCase{"EncodedAmpersandInValue", "/s?q=a%26b=c", true, "/s", {{"q", "a&b=c"}}},
        TargetCase{"Empty", "", false, "", {}}, TargetCase{"Relative", "api/v1", false, "", {}},
        TargetCase{"AbsoluteForm", "http://example.com/x", false, "", {}},
        TargetCase{"BadPercent", "/a%zz", false, "", {}},
        TargetCase{"Space", "/a b", false, "", {}}),
    [](const ::testing::TestParamInfo<TargetCase>& info) { return info.param.name; });

TEST(ParseTargetQuery, QueryParamReturnsFirstValue) {
  Request request = with_target("/s?tag=a&tag=b&x=%2F");
  EXPECT_EQ(request.query_param("tag"), "a");
  EXPECT_EQ(request.query_param("x"), "/");
  EXPECT_EQ(request.query_param("missing"), std::nullopt);
}

TEST(ParseTargetQuery, ReparsingReplacesTheQuery) {
  Request request = with_target("/a?x=1");
  request.target = "/b?y=2";
  ASSERT_TRUE(request.parse_target());
  EXPECT_EQ(request.path, "/b");
  EXPECT_EQ(request.query_param("x"), std::nullopt);
  EXPECT_EQ(request.query_param("y"), "2");
}

// --- responses -----------------------------------------------------------------------------

TEST(Responses, ErrorResponseShapeAndStatus) {
  Response response = error_response(Error::invalid("name is too long", "name"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body,
            R"({"error":{"code":"invalid_argument","message":"name is too long","field":"name"}})");

  Response internal = error_response(Error::internal("SQL: no such table users"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body, R"({"error":{"code":"internal","message":"internal error"}})");

  Response none = no_content();
  EXPECT_EQ(none.status, 204);
  EXPECT_TRUE(none.content_type.empty());
  EXPECT_TRUE(none.body.empty());
}

TEST(Responses, StatusForEveryKind) {
  EXPECT_EQ(status_for(ErrorKind::kInvalidArgument), 400);
  EXPECT_EQ(status_for(ErrorKind::kUnauthenticated), 401);
  EXPECT_EQ(status_for(ErrorKind::kPermissionDenied), 403);
  EXPECT_EQ(status_for(ErrorKind::kNotFound), 404);
  EXPECT_EQ(status_for(ErrorKind::kConflict), 409);
  EXPECT_EQ(status_for(ErrorKind::kPayloadTooLarge), 413);
  EXPECT_EQ(status_for(ErrorKind::kUnprocessable), 422);
  EXPECT_EQ(status_for(ErrorKind::kRateLimited), 429);
  EXPECT_EQ(status_for(ErrorKind::kUnavailable), 503);
  EXPECT_EQ(status_for(ErrorKind::kInternal), 500);
}

// --- static files --------------------------------------------------------------------------

constexpr const char* kIndex = "<!doctype html><title>ecrm</title>";
constexpr const char* kAppJs = "console.log('app');";

class StaticFilesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_crypto(); }

  void SetUp() override {
    root_ = fs::temp_directory_path() / ("ecrm-web-" + random_token(8));
    fs::create_directories(root_ / "assets");
    write("index.html", kIndex);
    write("assets/app.123.js", kAppJs);
    write("assets/app.123.css", "body{}");
    write("favicon.ico", "ico");
    write("robots.txt", "User-agent: *");
    files_.emplace(root_.string());
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& rel, const std::string& content) {
    std::ofstream(root_ / rel, std::ios::binary) << content;
  }

  std::optional<Response> get(const std::string& target, Method method = Method::kGet,
                              std::optional<std::string> if_none_match = std::nullopt) {
    Request request = with_target(target);
    request.method = method;
    if (if_none_match) request.headers.add("If-None-Match", *if_none_match);
    return files_->serve(request);
  }

  static std::string header(const Response& response, std::string_view name) {
    for (const auto& [n, v] : response.headers) {
      if (n == name) return v;
    }
    return "<none>";
  }

  fs::path root_;
  std::optional<StaticFiles> files_;
};

TEST_F(StaticFilesTest, LoadsEveryFile) {
  EXPECT_FALSE(files_->empty());
  EXPECT_EQ(files_->size(), 5u);
}

TEST_F(StaticFilesTest, ContentTypes) {
  struct Case {
    std::string path;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{{"/index.html", "text/html; charset=utf-8"},
                                         {"/a/app.123.js", "text/javascript; charset=utf-8"},
                                         {"/x.mjs", "text/javascript; charset=utf-8"},
                                         {"/x.css", "text/css; charset=utf-8"},
                                         {"/x.json", "application/json"},
                                         {"/x.svg", "image/svg+xml"},
                                         {"/x.png", "image/png"},
                                         {"/x.woff2", "font/woff2"},
                                         {"/favicon.ico", "image/x-icon"},
                                         {"/x.wasm", "application/wasm"},
                                         {"/x.bin", "application/octet-stream"},
                                         {"/noext", "application/octet-stream"}}) {
    EXPECT_EQ(StaticFiles::content_type_for(c.path), c.want) << c.path;
  }
  auto js = get("/assets/app.123.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  auto css = get("/assets/app.123.css");
  ASSERT_TRUE(css.has_value());
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutable) {
  auto js = get("/assets/app.123.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->body, kAppJs);
  EXPECT_EQ(header(*js, "Cache-Control"), "public, max-age=31536000, immutable");
}

TEST_F(StaticFilesTest, IndexIsRevalidated) {
  for (const char* target : {"/", "/index.html"}) {
    auto index = get(target);
    ASSERT_TRUE(index.has_value()) << target;
    EXPECT_EQ(index->status, 200);
    EXPECT_EQ(index->body, kIndex);
    EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header(*index, "Cache-Control"), "no-cache") << target;
  }
  auto robots = get("/robots.txt");
  ASSERT_TRUE(robots.has_value());
  EXPECT_EQ(header(*robots, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, EtagAndIfNoneMatch) {
  auto first = get("/assets/app.123.js");
  ASSERT_TRUE(first.has_value());
  std::string etag = header(*first, "ETag");
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_NE(etag, header(*get("/index.html"), "ETag"));

  auto cached = get("/assets/app.123.js", Method::kGet, etag);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->status, 304);
  EXPECT_TRUE(cached->body.empty());
  EXPECT_EQ(header(*cached, "ETag"), etag);

  auto stale = get("/assets/app.123.js", Method::kGet, std::string("\"other\""));
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(stale->body, kAppJs);
}

TEST_F(StaticFilesTest, SpaFallbackForPathsWithoutExtension) {
  for (const char* target :
       {"/customers", "/customers/42", "/settings/audit?page=2", "/v1.2/customers"}) {
    auto response = get(target);
    ASSERT_TRUE(response.has_value()) << target;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, kIndex) << target;
    EXPECT_EQ(header(*response, "Cache-Control"), "no-cache");
  }
  auto head = get("/customers/42", Method::kHead);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->body, kIndex);  // the server drops the body of HEAD responses
}

TEST_F(StaticFilesTest, ThePortalIsItsOwnPage) {
  constexpr const char* kPortal = "<!doctype html><title>portal</title>";
  write("portal.html", kPortal);
  files_.emplace(root_.string());
  for (const char* target : {"/portal", "/portal/", "/portal/sign-in?token=abc", "/portal/orders/7"}) {
    auto page = get(target);
    ASSERT_TRUE(page.has_value()) << target;
    EXPECT_EQ(page->body, kPortal) << target;
  }
  for (const char* target : {"/portals", "/customers/portal", "/"}) {
    auto page = get(target);
    ASSERT_TRUE(page.has_value()) << target;
    EXPECT_EQ(page->body, kIndex) << target;
  }
}

// The community's pages for customers and visitors are the portal's page; staff's moderation
// pages are the staff UI's.
TEST_F(StaticFilesTest, TheCommunityIsThePortalsPage) {
  constexpr const char* kPortal = "<!doctype html><title>portal</title>";
  write("portal.html", kPortal);
  files_.emplace(root_.string());
  for (const char* target :
       {"/community", "/community/", "/community/threads/5", "/community/search?q=%E8%93%9D"}) {
    auto page = get(target);
    ASSERT_TRUE(page.has_value()) << target;
    EXPECT_EQ(page->body, kPortal) << target;
  }
  for (const char* target : {"/communityx", "/moderation/threads/5", "/customers/community"}) {
    auto page = get(target);
    ASSERT_TRUE(page.has_value()) << target;
    EXPECT_EQ(page->body, kIndex) << target;
  }
  EXPECT_FALSE(get("/community/missing.js").has_value());
}

// The partner portal is its own page at /partner and /partner/…; staff's partners pages
// (/partners, /partners/…) are the staff UI's.
TEST_F(StaticFilesTest, ThePartnerPortalIsItsOwnPage) {
  constexpr const char* kPartner = "<!doctype html><title>partner</title>";
  write("partner.html", kPartner);
  files_.emplace(root_.string());
  for (const char* target :
       {"/partner", "/partner/", "/partner/sign-in?token=abc", "/partner/lines", "/partner/leads"}) {
    auto page = get(target);
    ASSERT_TRUE(page.has_value()) << target;
    EXPECT_EQ(page->body, kPartner) << target;
  }
  for (const char* target : {"/partners", "/partners/7", "/partnerx"}) {
    auto page = get(target);
    ASSERT_TRUE(page.has_value()) << target;
    EXPECT_EQ(page->body, kIndex) << target;
  }
  EXPECT_FALSE(get("/partner/missing.js").has_value());
}

TEST_F(StaticFilesTest, MissingFilesWithExtensionAreNotFound) {
  for (const char* target : {"/assets/app.999.js", "/missing.png", "/customers/report.csv"}) {
    EXPECT_FALSE(get(target).has_value()) << target;
  }
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  EXPECT_FALSE(get("/index.html", Method::kPost).has_value());
  EXPECT_FALSE(get("/customers", Method::kDelete).has_value());
  EXPECT_TRUE(get("/index.html", Method::kHead).has_value());
}

TEST(StaticFilesMissingRoot, IsEmptyAndServesNothing) {
  StaticFiles files("/nonexistent/ecrm/web/dist");
  EXPECT_TRUE(files.empty());
  Request request = with_target("/customers");
  EXPECT_FALSE(files.serve(request).has_value());
}

// --- OpenAPI -------------------------------------------------------------------------------

std::string lower_method(Method method) {
  std::string out(to_string(method));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct NewUser {
  std::string email;
};
ECRM_DESCRIBE(NewUser, email)

struct Done {
  bool ok = true;
};
ECRM_DESCRIBE(Done, ok)

Router openapi_router() {
  auto route = [](Method method, std::string pattern, Access access) {
    Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.access = std::move(access);
    r.doc.summary = "summary of " + r.pattern;
    r.doc.tag = "test";
    r.doc.response = json_body<Done>();
    r.handler = [](RequestContext&) { return Response{}; };
    return r;
  };
  Router router;
  router.add(route(Method::kGet, "/healthz", Access::public_route()));
  router.add(route(Method::kGet, "/api/v1/users", Access::needs("users:admin")));
  Route create = route(Method::kPost, "/api/v1/users", Access::needs("users:admin"));
  create.doc.request = json_body<NewUser>();
  create.doc.success_status = 201;
  create.doc.error_statuses = {409};
  router.add(std::move(create));
  router.add(route(Method::kGet, "/api/v1/users/{id}", Access::authenticated()));
  router.add(route(Method::kDelete, "/api/v1/users/{id}", Access::session_only()));
  Route nested =
      route(Method::kGet, "/api/v1/customers/{customer}/orders/{order}", Access::authenticated());
  nested.doc.query_params = {"limit", "cursor"};
  router.add(std::move(nested));
  return router;
}

TEST(OpenApi, DocumentsEveryRoute) {
  Router router = openapi_router();
  json::error_code ec;
  json::value doc = json::parse(openapi_document(router, "1.2.3"), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  EXPECT_EQ(doc.at("info").at("version").as_string(), "1.2.3");
  ASSERT_TRUE(doc.at("components").at("schemas").as_object().contains("Error"));

  const auto& paths = doc.at("paths").as_object();
  std::set<std::string> operation_ids;
  for (const auto& route : router.routes()) {
    SCOPED_TRACE(route->pattern);
    ASSERT_TRUE(paths.contains(route->pattern));
    const auto& item = paths.at(route->pattern).as_object();
    std::string method = lower_method(route->method);
    ASSERT_TRUE(item.contains(method)) << method;
    const auto& op = item.at(method).as_object();
    EXPECT_EQ(op.at("summary").as_string(), route->doc.summary);
    EXPECT_TRUE(operation_ids.insert(std::string(op.at("operationId").as_string())).second);

    // Every {param} of the pattern is a required path parameter.
    std::set<std::string> want_params, got_params;
    for (auto part : split_path(route->pattern)) {
      if (part.front() == '{') want_params.emplace(part.substr(1, part.size() - 2));
    }
    if (const auto* params = op.if_contains("parameters")) {
      for (const auto& p : params->as_array()) {
        if (p.at("in").as_string() != "path") continue;
        EXPECT_TRUE(p.at("required").as_bool());
        got_params.emplace(p.at("name").as_string());
      }
    }
    EXPECT_EQ(got_params, want_params);

    const auto& responses = op.at("responses").as_object();
    EXPECT_TRUE(responses.contains(std::to_string(route->doc.success_status)));
    bool protected_route = !route->access.is_public;
    EXPECT_EQ(responses.contains("401"), protected_route);
    EXPECT_EQ(responses.contains("403"), protected_route);
    EXPECT_EQ(op.at("security").as_array().empty(), route->access.is_public);
  }
  // Methods per path: GET and POST under /api/v1/users, GET and DELETE under its {id}.
  EXPECT_EQ(paths.at("/api/v1/users").as_object().size(), 2u);
  EXPECT_EQ(paths.at("/api/v1/users/{id}").as_object().size(), 2u);
  EXPECT_EQ(paths.size(), 4u);
}

TEST(OpenApi, RequestBodiesQueryParamsAndSecurity) {
  Router router = openapi_router();
  json::value doc = json::parse(openapi_document(router, "dev"));
  const auto& create = doc.at("paths").at("/api/v1/users").at("post").as_object();
  EXPECT_EQ(create.at("requestBody")
                .at("content")
                .at("application/json")
                .at("schema")
                .at("type")
                .as_string(),
            "object");
  const auto& responses = create.at("responses").as_object();
  for (const char* status : {"201", "400", "409", "413"}) {
    EXPECT_TRUE(responses.contains(status)) << status;
  }
  EXPECT_FALSE(responses.contains("200"));
  ASSERT_TRUE(create.contains("x-scope"));
  EXPECT_EQ(create.at("x-scope").as_string(), "users:admin");

  // Scope listed under the apiKey scheme; a session-only route offers no apiKey scheme.
  const auto& security = create.at("security").as_array();
  ASSERT_EQ(security.size(), 2u);
  EXPECT_EQ(security.at(1).at("apiKey").as_array().at(0).as_string(), "users:admin");
  const auto& session_only = doc.at("paths").at("/api/v1/users/{id}").at("delete").as_object();
  EXPECT_EQ(session_only.at("security").as_array().size(), 1u);

  const auto& nested =
      doc.at("paths").at("/api/v1/customers/{customer}/orders/{order}").at("get").as_object();
  std::vector<std::string> names;
  for (const auto& p : nested.at("parameters").as_array()) {
    names.emplace_back(std::string(p.at("in").as_string()) + ":" +
                       std::string(p.at("name").as_string()));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"path:customer", "path:order", "query:limit",
                                             "query:cursor"}));
}

TEST(OpenApi, ResponseComponentsComeFromTheTypes) {
  Router router = openapi_router();
  json::value doc = json::parse(openapi_document(router, "dev"));
  const auto& done = doc.at("components").at("schemas").at("Done").as_object();
  EXPECT_EQ(done.at("additionalProperties"), json::value(false));
  EXPECT_EQ(doc.at("paths").at("/healthz").at("get").at("responses").at("200").at("content")
                .at("application/json").at("schema").at("$ref").as_string(),
            "#/components/schemas/Done");
}

}  // namespace
}  // namespace ecrm::http
