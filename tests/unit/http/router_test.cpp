// Router: pattern matching, literal-over-parameter preference, HEAD, 405 detection, path
// normalisation and the programmer errors add() refuses.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/router.hpp"

namespace ecrm::http {
namespace {

Route make_route(Method method, std::string pattern) {
  Route route;
  route.method = method;
  route.pattern = std::move(pattern);
  route.doc.summary = "test route";
  route.handler = [](RequestContext&) { return Response{}; };
  return route;
}

// The route table the matching cases run against. The literal "/api/v1/api-keys/scopes" is added
// after its parameterised sibling so that preference cannot come from insertion order.
Router make_router() {
  Router router;
  router.add(make_route(Method::kGet, "/healthz"));
  router.add(make_route(Method::kGet, "/api/v1/users"));
  router.add(make_route(Method::kPost, "/api/v1/users"));
  router.add(make_route(Method::kGet, "/api/v1/users/{id}"));
  router.add(make_route(Method::kPatch, "/api/v1/users/{id}"));
  router.add(make_route(Method::kGet, "/api/v1/api-keys/{id}"));
  router.add(make_route(Method::kDelete, "/api/v1/api-keys/{id}"));
  router.add(make_route(Method::kGet, "/api/v1/api-keys/scopes"));
  router.add(make_route(Method::kGet, "/api/v1/customers/{customer}/orders/{order}"));
  router.add(make_route(Method::kPost, "/api/v1/jobs/{id}/cancel"));
  return router;
}

struct MatchCase {
  std::string name;
  Method method;
  std::string path;
  std::string want_pattern;  // empty: no route
  Method want_method;
  std::map<std::string, std::string> want_params;
  bool want_method_not_allowed;
};

class RouterMatch : public ::testing::TestWithParam<MatchCase> {};

TEST_P(RouterMatch, FindsTheExpectedRoute) {
  const MatchCase& c = GetParam();
  Router router = make_router();
  RouteMatch match = router.match(c.method, c.path);
  if (c.want_pattern.empty()) {
    EXPECT_EQ(match.route, nullptr) << "matched " << (match.route ? match.route->pattern : "");
  } else {
    ASSERT_NE(match.route, nullptr) << c.path;
    EXPECT_EQ(match.route->pattern, c.want_pattern);
    EXPECT_EQ(match.route->method, c.want_method);
  }
  EXPECT_EQ(match.params, c.want_params);
  EXPECT_EQ(match.method_not_allowed, c.want_method_not_allowed);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RouterMatch,
    ::testing::Values(
        MatchCase{"Literal", Method::kGet, "/healthz", "/healthz", Method::kGet, {}, false},
        MatchCase{
            "Collection", Method::kGet, "/api/v1/users", "/api/v1/users", Method::kGet, {}, false},
        MatchCase{"SamePathOtherMethod",
                  Method::kPost,
                  "/api/v1/users",
                  "/api/v1/users",
                  Method::kPost,
                  {},
                  false},
        MatchCase{"PathParam",
                  Method::kGet,
                  "/api/v1/users/42",
                  "/api/v1/users/{id}",
                  Method::kGet,
                  {{"id", "42"}},
                  false},
        MatchCase{"PathParamIsNotValidated",
                  Method::kPatch,
                  "/api/v1/users/abc",
                  "/api/v1/users/{id}",
                  Method::kPatch,
                  {{"id", "abc"}},
                  false},
        MatchCase{"DecodedParamKeepsSpaces",
                  Method::kGet,
                  "/api/v1/users/a b",
                  "/api/v1/users/{id}",
                  Method::kGet,
                  {{"id", "a b"}},
                  false},
        MatchCase{"TwoParams",
                  Method::kGet,
                  "/api/v1/customers/7/orders/9",
                  "/api/v1/customers/{customer}/orders/{order}",
                  Method::kGet,
                  {{"customer", "7"}, {"order", "9"}},
                  false},
        MatchCase{"ParamThenLiteral",
                  Method::kPost,
                  "/api/v1/jobs/5/cancel",
                  "/api/v1/jobs/{id}/cancel",
                  Method::kPost,
                  {{"id", "5"}},
                  false},
        MatchCase{"LiteralBeatsParam",
                  Method::kGet,
                  "/api/v1/api-keys/scopes",
                  "/api/v1/api-keys/scopes",
                  Method::kGet,
                  {},
                  false},
        MatchCase{"ParamSiblingOfLiteral",
                  Method::kGet,
                  "/api/v1/api-keys/12",
                  "/api/v1/api-keys/{id}",
                  Method::kGet,
                  {{"id", "12"}},
                  false},
        // No DELETE on the literal: the parameter route for DELETE takes the path.
        MatchCase{"ParamWhenLiteralLacksMethod",
                  Method::kDelete,
                  "/api/v1/api-keys/scopes",
                  "/api/v1/api-keys/{id}",
                  Method::kDelete,
                  {{"id", "scopes"}},
                  false},
        MatchCase{"HeadMatchesGet",
                  Method::kHead,
                  "/api/v1/users/3",
                  "/api/v1/users/{id}",
                  Method::kGet,
                  {{"id", "3"}},
                  false},
        MatchCase{"HeadOnPostOnlyPathIs405",
                  Method::kHead,
                  "/api/v1/jobs/5/cancel",
                  "",
                  Method::kGet,
                  {},
                  true},
        MatchCase{
            "WrongMethodIs405", Method::kDelete, "/api/v1/users/3", "", Method::kGet, {}, true},
        MatchCase{"WrongMethodOnCollectionIs405",
                  Method::kPut,
                  "/api/v1/users",
                  "",
                  Method::kGet,
                  {},
                  true},
        MatchCase{
            "UnknownPathIsNot405", Method::kGet, "/api/v1/nothing", "", Method::kGet, {}, false},
        MatchCase{
            "TooManySegments", Method::kGet, "/api/v1/users/1/extra", "", Method::kGet, {}, false},
        MatchCase{"TooFewSegments", Method::kGet, "/api/v1", "", Method::kGet, {}, false},
        MatchCase{"RootHasNoRoute", Method::kGet, "/", "", Method::kGet, {}, false},
        MatchCase{"EmptyPathHasNoRoute", Method::kGet, "", "", Method::kGet, {}, false},
        MatchCase{"CaseSensitive", Method::kGet, "/API/v1/users", "", Method::kGet, {}, false},
        // Empty segments are ignored: a trailing slash or doubled slashes name the same route.
        MatchCase{"TrailingSlash",
                  Method::kGet,
                  "/api/v1/users/",
                  "/api/v1/users",
                  Method::kGet,
                  {},
                  false},
        MatchCase{"TrailingSlashAfterParam",
                  Method::kGet,
                  "/api/v1/users/8/",
                  "/api/v1/users/{id}",
                  Method::kGet,
                  {{"id", "8"}},
                  false},
        MatchCase{"DoubledSlashes",
                  Method::kGet,
                  "//api//v1///users",
                  "/api/v1/users",
                  Method::kGet,
                  {},
                  false},
        // "/users//" is "/users", not "/users/{id}" with an empty id.
        MatchCase{"EmptySegmentIsNotAParam",
                  Method::kGet,
                  "/api/v1/users//",
                  "/api/v1/users",
                  Method::kGet,
                  {},
                  false},
        MatchCase{
            "MissingLeadingSlash", Method::kGet, "healthz", "/healthz", Method::kGet, {}, false}),
    [](const ::testing::TestParamInfo<MatchCase>& info) { return info.param.name; });

TEST(Router, LiteralBeatsParamWhicheverIsAddedFirst) {
  for (bool literal_first : {true, false}) {
    Router router;
    if (literal_first) router.add(make_route(Method::kGet, "/api/v1/api-keys/scopes"));
    router.add(make_route(Method::kGet, "/api/v1/api-keys/{id}"));
    if (!literal_first) router.add(make_route(Method::kGet, "/api/v1/api-keys/scopes"));

    RouteMatch literal = router.match(Method::kGet, "/api/v1/api-keys/scopes");
    ASSERT_NE(literal.route, nullptr);
    EXPECT_EQ(literal.route->pattern, "/api/v1/api-keys/scopes") << literal_first;
    EXPECT_TRUE(literal.params.empty());

    RouteMatch param = router.match(Method::kGet, "/api/v1/api-keys/77");
    ASSERT_NE(param.route, nullptr);
    EXPECT_EQ(param.route->pattern, "/api/v1/api-keys/{id}") << literal_first;
    EXPECT_EQ(param.params.at("id"), "77");
  }
}

TEST(Router, MethodNotAllowedIsClearedWhenALaterRouteMatches) {
  // A candidate with the wrong method seen before the right one must not leave the flag set.
  Router router;
  router.add(make_route(Method::kPost, "/a/{id}"));
  router.add(make_route(Method::kGet, "/a/{id}"));
  RouteMatch match = router.match(Method::kGet, "/a/1");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method, Method::kGet);
  EXPECT_FALSE(match.method_not_allowed);

  RouteMatch other = router.match(Method::kPut, "/a/1");
  EXPECT_EQ(other.route, nullptr);
  EXPECT_TRUE(other.method_not_allowed);
}

TEST(Router, RouteWithRootPatternMatchesSlash) {
  Router router;
  router.add(make_route(Method::kGet, "/"));
  RouteMatch match = router.match(Method::kGet, "/");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/");
  EXPECT_EQ(router.match(Method::kGet, "/x").route, nullptr);
}

TEST(Router, KeepsEveryRouteInOrder) {
  Router router = make_router();
  ASSERT_EQ(router.routes().size(), 10u);
  EXPECT_EQ(router.routes().front()->pattern, "/healthz");
  EXPECT_EQ(router.routes().back()->pattern, "/api/v1/jobs/{id}/cancel");
}

TEST(Router, DuplicateMethodAndPatternThrows) {
  Router router;
  router.add(make_route(Method::kGet, "/api/v1/users/{id}"));
  EXPECT_THROW(router.add(make_route(Method::kGet, "/api/v1/users/{id}")), std::logic_error);
  // The same pattern under another method is a different route.
  EXPECT_NO_THROW(router.add(make_route(Method::kDelete, "/api/v1/users/{id}")));
  EXPECT_EQ(router.routes().size(), 2u);
}

TEST(Router, MissingSummaryThrowsAndAddsNothing) {
  Router router;
  Route route = make_route(Method::kGet, "/api/v1/undocumented");
  route.doc.summary.clear();
  EXPECT_THROW(router.add(std::move(route)), std::logic_error);
  EXPECT_TRUE(router.routes().empty());
  EXPECT_EQ(router.match(Method::kGet, "/api/v1/undocumented").route, nullptr);
}

struct SplitCase {
  std::string path;
  std::vector<std::string> want;
};

class SplitPath : public ::testing::TestWithParam<SplitCase> {};

TEST_P(SplitPath, DropsEmptySegments) {
  std::vector<std::string> got;
  for (auto part : split_path(GetParam().path)) got.emplace_back(part);
  EXPECT_EQ(got, GetParam().want) << GetParam().path;
}

INSTANTIATE_TEST_SUITE_P(Cases, SplitPath,
                         ::testing::Values(SplitCase{"", {}}, SplitCase{"/", {}},
                                           SplitCase{"///", {}}, SplitCase{"/a", {"a"}},
                                           SplitCase{"a/b", {"a", "b"}},
                                           SplitCase{"/a/b/c", {"a", "b", "c"}},
                                           SplitCase{"/a//b/", {"a", "b"}},
                                           SplitCase{"/{id}/x", {"{id}", "x"}}));

}  // namespace
}  // namespace ecrm::http
