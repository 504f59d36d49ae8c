// The customer community and product reviews over real HTTP: customers signed in to the portal
// post, answer, accept, vote (reputation follows), follow and @mention (notices queued in the
// outbox), report; visitors read but cannot write; customers change only their own posts; staff
// alone moderate (the queue, hide and restore, bans), answer with the staff badge, make a defect
// report a ticket and a staff answer an article. Bad input: markup never comes back as markup,
// huge posts are refused naming the field, new accounts' links wait for a moderator, posting is
// rate limited. Reviews need a shipped or delivered purchase.
#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class Community : public PortalBase {
 protected:
  static void TearDownTestSuite() {
    board_ = 0;
    PortalBase::TearDownTestSuite();
  }

  // The suite product's board (opened once).
  std::int64_t board() {
    if (board_ == 0) {
      auto r = post("/api/v1/community/boards", json::object{{"product_id", product()}});
      EXPECT_EQ(r.status, 201) << r.body;
      board_ = r.status == 201 ? r.json().at("id").as_int64() : 0;
      if (board_ != 0) EXPECT_EQ(str(r.json().at("name")), "Portal Camera");
    }
    return board_;
  }

  // A customer with `address`, signed in to the portal.
  std::unique_ptr<HttpClient> member(const std::string& name, const std::string& address,
                                     std::int64_t* id_out = nullptr) {
    const auto id = customer(name, address);
    if (id_out) *id_out = id;
    return portal_client(address);
  }

  static HttpResult send(HttpClient& client, const std::string& method, const std::string& path,
                         const json::value& body) {
    return client.send_json(method, path, body);
  }
  static HttpResult remove(HttpClient& client, const std::string& path) {
    return client.request("DELETE", path, "", {"X-CSRF-Token: " + client.csrf_token});
  }

  // Starts a thread as `client`; the thread view.
  json::value thread(HttpClient& client, const std::string& kind, const std::string& title,
                     const std::string& body, json::array links = {}) {
    json::object input{{"board_id", board()}, {"kind", kind}, {"title", title}, {"body", body}};
    if (!links.empty()) input["links"] = std::move(links);
    auto r = send(client, "POST", "/api/v1/portal/community/threads", input);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json() : json::value();
  }

  json::value answer(HttpClient& client, std::int64_t thread_id, const std::string& body) {
    auto r = send(client, "POST",
                  "/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/answers",
                  json::object{{"body", body}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json() : json::value();
  }

  HttpResult vote(HttpClient& client, std::int64_t post_id, int value) {
    return send(client, "PUT",
                "/api/v1/portal/community/posts/" + std::to_string(post_id) + "/vote",
                json::object{{"value", value}});
  }

  json::object member_of(std::int64_t customer_id) {
    auto r = get("/api/v1/community/members/" + std::to_string(customer_id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  // Notices queued in the outbox for a customer.
  std::int64_t notices_to(std::int64_t customer_id) {
    auto n = connection().query_int(
        "SELECT COUNT(*) FROM messages WHERE customer_id = $1 AND source = 'community' "
        "AND template_key = 'community_notice'",
        {customer_id});
    EXPECT_TRUE(n.ok());
    return n.ok() ? n->value_or(0) : -1;
  }

  // The reputation a member's counters are worth.
  static std::int64_t expected_reputation(const json::object& m) {
    return 10 * m.at("up_votes").as_int64() - 2 * m.at("down_votes").as_int64() +
           15 * m.at("accepted_answers").as_int64();
  }

  inline static std::int64_t board_ = 0;
};

TEST_F(Community, PostAnswerAcceptVotesAndReputation) {
  std::int64_t alice = 0, bob = 0, carol = 0;
  auto a = member("Alice Asker", "alice.asker@example.com", &alice);
  auto b = member("Bob Answer", "bob.answer@example.com", &bob);
  auto c = member("Carol Voter", "carol.voter@example.com", &carol);
  ASSERT_EQ(
      send(*c, "PUT", "/api/v1/portal/community/me", json::object{{"display_name", "carol_v"}})
          .status,
      200);
  // Names are unique regardless of case, and well formed.
  expect_error(
      send(*b, "PUT", "/api/v1/portal/community/me", json::object{{"display_name", "Carol_V"}}),
      409, "name_taken", "display_name");
  expect_error(
      send(*b, "PUT", "/api/v1/portal/community/me", json::object{{"display_name", "has space"}}),
      400, "invalid_display_name", "display_name");

  const auto a_order = order(alice, 1, "shipped").at("id").as_int64();
  auto view = thread(*a, "question", "How do I charge the camera?", "The manual says nothing.",
                     json::array{json::object{{"kind", "order"}, {"id", a_order}},
                                 json::object{{"kind", "product"}, {"id", product()}}});
  ASSERT_TRUE(view.is_object());
  const auto thread_id = view.at("thread").at("id").as_int64();
  EXPECT_EQ(str(view.at("thread").at("status")), "visible");
  EXPECT_EQ(str(view.at("thread").at("author").at("display_name")),
            "member" + std::to_string(alice));
  EXPECT_TRUE(view.at("following").as_bool());  // one follows one's own thread
  ASSERT_EQ(view.at("opening").at("links").as_array().size(), 2u);
  EXPECT_EQ(str(view.at("opening").at("links").at(1).at("label")), "Portal Camera");

  // Bob answers, mentioning Carol: Alice (following) and Carol (mentioned) hear of it.
  auto bob_answer = answer(*b, thread_id, "Use the USB-C cable. @carol_v knows more.");
  const auto answer_id = bob_answer.at("id").as_int64();
  EXPECT_EQ(notices_to(alice), 1);
  EXPECT_EQ(notices_to(carol), 1);
  EXPECT_EQ(notices_to(bob), 0);  // not one's own post

  // Only the thread's author accepts; not their own answer.
  expect_error(
      send(*b, "POST", "/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/accept",
           json::object{{"post_id", answer_id}}),
      403, "not_author");
  auto accepted =
      send(*a, "POST", "/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/accept",
           json::object{{"post_id", answer_id}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json().at("thread").at("accepted_post_id").as_int64(), answer_id);
  EXPECT_TRUE(accepted.json().at("answers").at(0).at("accepted").as_bool());
  auto m = member_of(bob);
  EXPECT_EQ(m.at("accepted_answers").as_int64(), 1);
  EXPECT_EQ(m.at("reputation").as_int64(), 15);

  // Votes: up from Alice, down from Carol, Carol changes her mind, then takes it back.
  ASSERT_EQ(vote(*a, answer_id, 1).status, 200);
  EXPECT_EQ(member_of(bob).at("reputation").as_int64(), 25);
  auto down = vote(*c, answer_id, -1);
  ASSERT_EQ(down.status, 200) << down.body;
  EXPECT_EQ(down.json().at("score").as_int64(), 0);
  EXPECT_EQ(down.json().at("my_vote").as_int64(), -1);
  EXPECT_EQ(member_of(bob).at("reputation").as_int64(), 23);
  auto changed = vote(*c, answer_id, 1);
  ASSERT_EQ(changed.status, 200);
  EXPECT_EQ(changed.json().at("up_votes").as_int64(), 2);
  EXPECT_EQ(changed.json().at("down_votes").as_int64(), 0);
  EXPECT_EQ(member_of(bob).at("reputation").as_int64(), 35);
  ASSERT_EQ(vote(*c, answer_id, 0).status, 200);
  m = member_of(bob);
  EXPECT_EQ(m.at("reputation").as_int64(), 25);
  EXPECT_EQ(m.at("reputation").as_int64(), expected_reputation(m));
  expect_error(vote(*b, answer_id, 1), 409, "own_post");
  expect_error(vote(*a, answer_id, 2), 400, "", "value");

  // Comments, and what a visitor reads: no customer ids, no addresses.
  auto comment =
      send(*c, "POST", "/api/v1/portal/community/posts/" + std::to_string(answer_id) + "/comments",
           json::object{{"body", "Worked for me too."}});
  ASSERT_EQ(comment.status, 201) << comment.body;
  HttpClient visitor(server_->base_url());
  auto seen = visitor.get("/api/v1/community/threads/" + std::to_string(thread_id));
  ASSERT_EQ(seen.status, 200) << seen.body;
  const auto page = seen.json();
  EXPECT_EQ(page.at("answers").as_array().size(), 1u);
  EXPECT_EQ(page.at("answers").at(0).at("score").as_int64(), 1);
  EXPECT_EQ(page.at("comments").at(0).at("parent_id").as_int64(), answer_id);
  EXPECT_EQ(str(page.at("comments").at(0).at("author").at("display_name")), "carol_v");
  EXPECT_TRUE(page.at("opening").at("mine").is_null());
  EXPECT_EQ(seen.body.find("example.com"), std::string::npos);
  auto listed = visitor.get("/api/v1/community/boards/" + std::to_string(board()) + "/threads");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json().at("items").at(0).at("answer_count").as_int64(), 1);
  // Alice's own view marks her post and her vote.
  auto own = a->get("/api/v1/portal/community/threads/" + std::to_string(thread_id));
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_TRUE(own.json().at("opening").at("mine").as_bool());
  EXPECT_EQ(own.json().at("answers").at(0).at("my_vote").as_int64(), 1);
}

TEST_F(Community, BoardFollowersAreMailedOnlyWithConsent) {
  const std::string willing = "willing.follower@example.com";
  const auto with_consent =
      create("/api/v1/customers",
             json::object{
                 {"name", "Willing Follower"},
                 {"email", willing},
                 {"consent",
                  json::object{{"email", json::object{{"granted", true}, {"at", "2024-01-01"}}}}}});
  auto w = portal_client(willing);
  std::int64_t without_consent = 0;
  auto u = member("Unwilling Follower", "unwilling.follower@example.com", &without_consent);
  const std::string follow =
      "/api/v1/portal/community/boards/" + std::to_string(board()) + "/follow";
  ASSERT_EQ(send(*w, "PUT", follow, json::object{}).status, 204);
  ASSERT_EQ(send(*u, "PUT", follow, json::object{}).status, 204);
  auto follows = w->get("/api/v1/portal/community/follows");
  ASSERT_EQ(follows.status, 200);
  EXPECT_EQ(follows.json().at("items").at(0).at("board_id").as_int64(), board());

  auto poster = member("Board Poster", "board.poster@example.com");
  thread(*poster, "discussion", "Night shots", "Share your night photos here.");
  // The consenting follower gets the mail; the other's notice is suppressed for want of consent.
  std::vector<Mail> got;
  ASSERT_TRUE(eventually([&] {
    got = mails_to(willing);
    for (const auto& m : got) {
      if (m.header("subject").find("Night shots") != std::string::npos) return true;
    }
    return false;
  })) << server_->log();
  auto suppressed = [&] {
    auto n = connection().query_int(
        "SELECT COUNT(*) FROM messages WHERE customer_id = $1 AND source = 'community' "
        "AND status = 'suppressed'",
        {without_consent});
    return n.ok() && n->value_or(0) == 1;
  };
  EXPECT_TRUE(eventually(suppressed));
  EXPECT_EQ(notices_to(with_consent), 1);
  // Unfollowed: the next post reaches neither.
  ASSERT_EQ(remove(*w, follow).status, 204);
  expect_error(remove(*w, follow), 404, "not_following");
  thread(*poster, "discussion", "Morning shots", "And the mornings.");
  EXPECT_EQ(notices_to(with_consent), 1);
}

TEST_F(Community, VisitorsReadButCannotWrite) {
  auto a = member("Vera Visible", "vera.visible@example.com");
  const auto thread_id = thread(*a, "discussion", "Best lens?", "Which lens do you like?")
                             .at("thread")
                             .at("id")
                             .as_int64();
  HttpClient visitor(server_->base_url());
  EXPECT_EQ(visitor.get("/api/v1/community/boards").status, 200);
  EXPECT_EQ(visitor.get("/api/v1/community/boards/" + std::to_string(board())).status, 200);
  EXPECT_EQ(visitor.get("/api/v1/community/threads/" + std::to_string(thread_id)).status, 200);
  expect_error(
      visitor.send_json(
          "POST", "/api/v1/portal/community/threads",
          json::object{{"board_id", board()}, {"kind", "question"}, {"title", "t"}, {"body", "b"}}),
      401);
  expect_error(
      visitor.send_json(
          "POST", "/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/answers",
          json::object{{"body", "b"}}),
      401);
  // A staff cookie is no portal credential either.
  expect_error(post("/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/answers",
                    json::object{{"body", "b"}}),
               401);
  expect_error(visitor.get("/api/v1/community/threads/999999"), 404);
}

TEST_F(Community, CustomersChangeOnlyTheirOwnPosts) {
  auto a = member("Olga Owner", "olga.owner@example.com");
  auto b = member("Igor Intruder", "igor.intruder@example.com");
  const auto view = thread(*a, "idea", "Add a strap", "A wrist strap would help.");
  const auto thread_id = view.at("thread").at("id").as_int64();
  const auto opening = view.at("opening").at("id").as_int64();
  const std::string path = "/api/v1/portal/community/posts/" + std::to_string(opening);
  expect_error(send(*b, "PATCH", path, json::object{{"body", "defaced"}}), 403, "not_author");
  expect_error(remove(*b, path), 403, "not_author");
  auto edited =
      send(*a, "PATCH", path,
           json::object{{"body", "A wrist strap, please."}, {"title", "Add a wrist strap"}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(str(edited.json().at("body")), "A wrist strap, please.");
  EXPECT_FALSE(edited.json().at("edited_at").is_null());
  HttpClient visitor(server_->base_url());
  auto seen = visitor.get("/api/v1/community/threads/" + std::to_string(thread_id));
  EXPECT_EQ(str(seen.json().at("thread").at("title")), "Add a wrist strap");

  // An answer deleted by its author is gone; another's stays.
  const auto mine = answer(*b, thread_id, "I agree.").at("id").as_int64();
  EXPECT_EQ(remove(*b, "/api/v1/portal/community/posts/" + std::to_string(mine)).status, 204);
  seen = visitor.get("/api/v1/community/threads/" + std::to_string(thread_id));
  EXPECT_TRUE(seen.json().at("answers").as_array().empty());
  expect_error(send(*b, "PATCH", "/api/v1/portal/community/posts/" + std::to_string(mine),
                    json::object{{"body", "back"}}),
               404);
}

TEST_F(Community, ReportsHidePostsAfterModerationWhichIsStaffOnly) {
  std::int64_t rude_id = 0;
  auto a = member("Paula Poster", "paula.poster@example.com");
  auto rude = member("Rude Ron", "rude.ron@example.com", &rude_id);
  auto c = member("Rita Reporter", "rita.reporter@example.com");
  const auto thread_id = thread(*a, "question", "Battery life?", "How long does it last?")
                             .at("thread")
                             .at("id")
                             .as_int64();
  const auto bad = answer(*rude, thread_id, "Only idiots ask this.").at("id").as_int64();
  const std::string post_path = "/api/v1/portal/community/posts/" + std::to_string(bad);

  auto reported = send(*c, "POST", post_path + "/reports", json::object{{"reason", "insulting"}});
  ASSERT_EQ(reported.status, 201) << reported.body;
  expect_error(send(*c, "POST", post_path + "/reports", json::object{{"reason", "again"}}), 409,
               "already_reported");
  expect_error(send(*c, "POST", post_path + "/reports", json::object{{"reason", ""}}), 400, "",
               "reason");

  // Moderation is staff's: not a customer's, not an analyst's.
  const std::string hide = "/api/v1/community/posts/" + std::to_string(bad) + "/hide";
  expect_error(send(*c, "POST", hide, json::object{{"reason", "x"}}), 401);
  expect_error(c->get("/api/v1/community/moderation/queue"), 401);
  auto analyst = staff("community.analyst@example.com", "analyst");
  expect_error(analyst->send_json("POST", hide, json::object{{"reason", "x"}}), 403);
  auto agent = staff("community.agent@example.com", "service");

  auto queue = agent->get("/api/v1/community/moderation/queue");
  ASSERT_EQ(queue.status, 200) << queue.body;
  bool queued = false;
  const auto queue_body = queue.json();
  for (const auto& item : queue_body.at("items").as_array()) {
    if (item.at("post").at("id").as_int64() == bad) {
      queued = true;
      EXPECT_EQ(item.at("reports").at(0).at("reason").as_string(), "insulting");
      EXPECT_EQ(item.at("author_customer_id").as_int64(), rude_id);
    }
  }
  EXPECT_TRUE(queued) << queue.body;
  // Still visible until a moderator decides.
  HttpClient visitor(server_->base_url());
  const std::string thread_path = "/api/v1/community/threads/" + std::to_string(thread_id);
  EXPECT_EQ(visitor.get(thread_path).json().at("answers").as_array().size(), 1u);

  expect_error(agent->send_json("POST", hide, json::object{{"reason", ""}}), 400, "", "reason");
  auto hidden = agent->send_json("POST", hide, json::object{{"reason", "insults other members"}});
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_EQ(str(hidden.json().at("status")), "hidden");
  EXPECT_TRUE(visitor.get(thread_path).json().at("answers").as_array().empty());
  // Its author sees it hidden, with the reason.
  auto theirs = rude->get("/api/v1/portal/community/threads/" + std::to_string(thread_id));
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(str(theirs.json().at("answers").at(0).at("status")), "hidden");
  EXPECT_EQ(str(theirs.json().at("answers").at(0).at("status_reason")), "insults other members");
  // Moderators still see it in the thread, with the reason; a customer cannot.
  const std::string moderation = "/api/v1/community/moderation/threads/" + std::to_string(thread_id);
  auto as_moderator = agent->get(moderation);
  ASSERT_EQ(as_moderator.status, 200) << as_moderator.body;
  EXPECT_EQ(str(as_moderator.json().at("answers").at(0).at("status_reason")),
            "insults other members");
  expect_error(c->get(moderation), 401);
  // The report is settled: off the queue.
  queue = agent->get("/api/v1/community/moderation/queue");
  EXPECT_EQ(queue.body.find("\"id\":" + std::to_string(bad) + ","), std::string::npos)
      << queue.body;

  // A ban with an end time stops posting; lifting it lets them post again.
  const std::string ban = "/api/v1/community/members/" + std::to_string(rude_id) + "/ban";
  expect_error(agent->send_json("PUT", ban, json::object{{"until", 1000}, {"reason", "insults"}}),
               400, "in_the_past", "until");
  auto banned = agent->send_json(
      "PUT", ban, json::object{{"until", "2099-01-01T00:00:00Z"}, {"reason", "insults"}});
  ASSERT_EQ(banned.status, 200) << banned.body;
  expect_error(send(*rude, "POST",
                    "/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/answers",
                    json::object{{"body", "let me in"}}),
               403, "banned");
  ASSERT_EQ(agent->request("DELETE", ban, "", {"X-CSRF-Token: " + agent->csrf_token}).status, 200);
  answer(*rude, thread_id, "Sorry: about 300 shots.");
  // The expert badge shows on every post of theirs.
  expect_error(
      analyst->send_json("PUT", "/api/v1/community/members/" + std::to_string(rude_id) + "/expert",
                         json::object{{"expert", true}}),
      403);
  auto expert =
      agent->send_json("PUT", "/api/v1/community/members/" + std::to_string(rude_id) + "/expert",
                       json::object{{"expert", true}});
  ASSERT_EQ(expert.status, 200) << expert.body;
  EXPECT_TRUE(expert.json().at("expert").as_bool());
  auto with_badge = visitor.get(thread_path);
  EXPECT_TRUE(with_badge.json().at("answers").at(0).at("author").at("expert").as_bool())
      << with_badge.body;

  // Pin and lock: a locked thread takes no more answers.
  auto locked = agent->send_json("PATCH", "/api/v1/community/threads/" + std::to_string(thread_id),
                                 json::object{{"locked", true}, {"pinned", true}});
  ASSERT_EQ(locked.status, 200) << locked.body;
  EXPECT_TRUE(locked.json().at("pinned").as_bool());
  expect_error(
      send(*c, "POST", "/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/answers",
           json::object{{"body", "late"}}),
      409, "locked");
  auto board_view = visitor.get("/api/v1/community/boards/" + std::to_string(board()));
  EXPECT_EQ(board_view.json().at("pinned").at(0).at("id").as_int64(), thread_id);
}

TEST_F(Community, MarkupNeverComesBackAndHugePostsAreRefused) {
  auto a = member("Mark Up", "mark.up@example.com");
  auto view =
      thread(*a, "discussion", "<img src=x onerror=alert(1)>Nice <b>camera</b>",
             "<script>alert('x')</script>Hello <b>world</b>, a < b and **bold**\r\n"
             "<iframe src=\"https://evil.example\"></iframe><a href=\"javascript:x\">link</a>"
             "<scr<script>ipt>");
  ASSERT_TRUE(view.is_object());
  const auto thread_id = view.at("thread").at("id").as_int64();
  HttpClient visitor(server_->base_url());
  auto seen = visitor.get("/api/v1/community/threads/" + std::to_string(thread_id));
  ASSERT_EQ(seen.status, 200);
  EXPECT_EQ(str(seen.json().at("thread").at("title")), "Nice camera");
  const std::string body = str(seen.json().at("opening").at("body"));
  EXPECT_EQ(body.find("<script"), std::string::npos) << body;
  EXPECT_EQ(body.find("<iframe"), std::string::npos) << body;
  EXPECT_EQ(body.find("<a "), std::string::npos) << body;
  EXPECT_EQ(body.find("<b>"), std::string::npos) << body;
  EXPECT_EQ(body.rfind("Hello world, a < b and **bold**\nlink", 0), 0u) << body;
  // No tag can be opened from what is left.
  for (std::size_t at = body.find('<'); at != std::string::npos; at = body.find('<', at + 1)) {
    EXPECT_FALSE(at + 1 < body.size() && (std::isalpha(static_cast<unsigned char>(body[at + 1])) ||
                                          body[at + 1] == '/' || body[at + 1] == '!'))
        << body;
  }
  EXPECT_EQ(seen.body.find("<script"), std::string::npos);

  // 20,000 characters are accepted (counted as characters: 60,000 bytes of Chinese), one more
  // is refused naming the field, and so is a body far over the limit in bytes.
  std::string chinese;
  for (int i = 0; i < 20000; ++i) chinese += "好";
  EXPECT_EQ(
      send(*a, "POST", "/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/answers",
           json::object{{"body", chinese}})
          .status,
      201);
  expect_error(
      send(*a, "POST", "/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/answers",
           json::object{{"body", std::string(20001, 'x')}}),
      413, "too_long", "body");
  expect_error(send(*a, "POST", "/api/v1/portal/community/threads",
                    json::object{{"board_id", board()},
                                 {"kind", "question"},
                                 {"title", "big"},
                                 {"body", std::string(90000, 'y')}}),
               400, "", "body");
  expect_error(
      send(*a, "POST", "/api/v1/portal/community/threads",
           json::object{{"board_id", board()}, {"kind", "rant"}, {"title", "t"}, {"body", "b"}}),
      400, "", "kind");
  expect_error(
      send(*a, "POST", "/api/v1/portal/community/threads",
           json::object{
               {"board_id", board()}, {"kind", "question"}, {"title", "<b></b>"}, {"body", "b"}}),
      400, "required", "title");
}

TEST_F(Community, NewAccountsLinksAreHeldAndOthersOrdersCannotBeLinked) {
  std::int64_t other = 0;
  auto spammer = member("Sam Spam", "sam.spam@example.com");
  member("Other Owner", "other.owner@example.com", &other);
  const auto others_order = order(other, 1).at("id").as_int64();
  expect_error(
      send(*spammer, "POST", "/api/v1/portal/community/threads",
           json::object{
               {"board_id", board()},
               {"kind", "question"},
               {"title", "Whose order?"},
               {"body", "see my order"},
               {"links", json::array{json::object{{"kind", "order"}, {"id", others_order}}}}}),
      422, "not_your_order", "links[0].id");

  auto view = thread(*spammer, "discussion", "Cheap cameras", "Buy at https://cheap.example now");
  ASSERT_TRUE(view.is_object());
  const auto thread_id = view.at("thread").at("id").as_int64();
  const auto opening = view.at("opening").at("id").as_int64();
  EXPECT_EQ(str(view.at("thread").at("status")), "held");
  EXPECT_EQ(str(view.at("opening").at("status")), "held");
  EXPECT_FALSE(view.at("opening").at("status_reason").as_string().empty());
  HttpClient visitor(server_->base_url());
  expect_error(visitor.get("/api/v1/community/threads/" + std::to_string(thread_id)), 404);
  auto listed = visitor.get("/api/v1/community/boards/" + std::to_string(board()) + "/threads");
  EXPECT_EQ(listed.body.find("Cheap cameras"), std::string::npos);

  auto queue = get("/api/v1/community/moderation/queue");
  ASSERT_EQ(queue.status, 200);
  EXPECT_NE(queue.body.find("\"id\":" + std::to_string(opening) + ","), std::string::npos)
      << queue.body;
  auto restored = post("/api/v1/community/posts/" + std::to_string(opening) + "/restore",
                       json::object{{"reason", "a real shop"}});
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(visitor.get("/api/v1/community/threads/" + std::to_string(thread_id)).status, 200);
}

TEST_F(Community, PostingIsRateLimited) {
  auto a = member("Quick Quinn", "quick.quinn@example.com");
  const auto thread_id =
      thread(*a, "discussion", "Burst", "first").at("thread").at("id").as_int64();
  int created = 1;
  HttpResult last;
  for (int i = 0; i < 10; ++i) {
    last = send(*a, "POST",
                "/api/v1/portal/community/threads/" + std::to_string(thread_id) + "/answers",
                json::object{{"body", "more " + std::to_string(i)}});
    if (last.status != 201) break;
    ++created;
  }
  EXPECT_EQ(created, 5);
  expect_error(last, 429);
}

TEST_F(Community, DefectReportBecomesATicketOnce) {
  std::int64_t dora = 0;
  auto d = member("Dora Defect", "dora.defect@example.com", &dora);
  const auto defect = thread(*d, "defect", "Lens cap falls off", "It falls off when walking.")
                          .at("thread")
                          .at("id")
                          .as_int64();
  const auto question =
      thread(*d, "question", "Which cap fits?", "Any spare cap?").at("thread").at("id").as_int64();
  const std::string path = "/api/v1/community/threads/" + std::to_string(defect) + "/ticket";
  auto made = post(path, json::object{});
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_TRUE(made.json().at("created").as_bool());
  const auto ticket_id = made.json().at("ticket_id").as_int64();
  auto again = post(path, json::object{});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_FALSE(again.json().at("created").as_bool());
  EXPECT_EQ(again.json().at("ticket_id").as_int64(), ticket_id);
  auto ticket = get("/api/v1/tickets/" + std::to_string(ticket_id));
  ASSERT_EQ(ticket.status, 200) << ticket.body;
  EXPECT_EQ(ticket.json().at("customer_id").as_int64(), dora);
  EXPECT_EQ(ticket.json().at("product_id").as_int64(), product());
  EXPECT_EQ(str(ticket.json().at("subject")), "Lens cap falls off");
  auto n = connection().query_int("SELECT COUNT(*) FROM tickets WHERE customer_id = $1", {dora});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->value_or(0), 1);
  expect_error(
      post("/api/v1/community/threads/" + std::to_string(question) + "/ticket", json::object{}),
      409, "not_a_defect");
  // The customer's ticket is theirs in the portal.
  EXPECT_EQ(d->get("/api/v1/portal/tickets/" + std::to_string(ticket_id)).status, 200);
}

TEST_F(Community, StaffAnswerWithBadgeBecomesAnArticle) {
  auto a = member("Kim Knowledge", "kim.knowledge@example.com");
  const auto thread_id =
      thread(*a, "question", "How to reset?", "It hangs.").at("thread").at("id").as_int64();
  const auto customer_answer = answer(*a, thread_id, "Self-answer").at("id").as_int64();
  auto staff_answer = post("/api/v1/community/threads/" + std::to_string(thread_id) + "/answers",
                           json::object{{"body", "Hold the power button for 10 seconds."}});
  ASSERT_EQ(staff_answer.status, 201) << staff_answer.body;
  EXPECT_TRUE(staff_answer.json().at("author").at("staff").as_bool());
  const auto staff_post = staff_answer.json().at("id").as_int64();
  expect_error(
      post("/api/v1/community/posts/" + std::to_string(customer_answer) + "/kb", json::object{}),
      409, "not_staff_answer");
  auto made = post("/api/v1/community/posts/" + std::to_string(staff_post) + "/kb",
                   json::object{{"title", "Resetting the camera"}});
  ASSERT_EQ(made.status, 200) << made.body;
  const auto article = made.json().at("id").as_int64();
  EXPECT_TRUE(made.json().at("published").as_bool());
  EXPECT_EQ(made.json().at("product_id").as_int64(), product());
  auto again =
      post("/api/v1/community/posts/" + std::to_string(staff_post) + "/kb", json::object{});
  EXPECT_EQ(again.json().at("id").as_int64(), article);
  HttpClient visitor(server_->base_url());
  auto listed = visitor.get("/api/v1/community/kb?product_id=" + std::to_string(product()));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json().at("items").at(0).at("id").as_int64(), article);
  auto read = visitor.get("/api/v1/community/kb/" + std::to_string(article));
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(str(read.json().at("body")), "Hold the power button for 10 seconds.");
  // Staff write a draft, which visitors do not see until it is published.
  auto draft = post("/api/v1/community/kb", json::object{{"title", "Cleaning the lens"},
                                                         {"body", "Use a soft cloth."},
                                                         {"product_id", product()}});
  ASSERT_EQ(draft.status, 201) << draft.body;
  const auto draft_id = draft.json().at("id").as_int64();
  EXPECT_FALSE(draft.json().at("published").as_bool());
  expect_error(visitor.get("/api/v1/community/kb/" + std::to_string(draft_id)), 404);
  auto all = get("/api/v1/community/moderation/kb");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.json().at("items").at(0).at("id").as_int64(), draft_id);
  const std::string draft_path = "/api/v1/community/kb/" + std::to_string(draft_id);
  expect_error(patch(draft_path, json::object{{"product_id", 999999}}), 422, "unknown_product",
               "product_id");
  auto published = patch(draft_path, json::object{{"published", true}, {"category_id", nullptr}});
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(visitor.get(draft_path).status, 200);

  // Staff accept it as the answer.
  auto accepted = post("/api/v1/community/threads/" + std::to_string(thread_id) + "/accept",
                       json::object{{"post_id", staff_post}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json().at("answers").at(0).at("id").as_int64(), staff_post);
}

TEST_F(Community, ReviewsNeedAPurchase) {
  std::int64_t buyer = 0, browser = 0;
  auto b = member("Rhea Reviewer", "rhea.reviewer@example.com", &buyer);
  auto w = member("Walt Window", "walt.window@example.com", &browser);
  const std::string path = "/api/v1/portal/products/" + std::to_string(product()) + "/review";
  expect_error(send(*w, "PUT", path, json::object{{"rating", 5}}), 403, "not_purchased",
               "product_id");
  order(browser, 1);  // placed, not shipped: not yet bought
  expect_error(send(*w, "PUT", path, json::object{{"rating", 5}}), 403, "not_purchased",
               "product_id");
  order(buyer, 1, "shipped");
  expect_error(send(*b, "PUT", path, json::object{{"rating", 6}}), 400, "", "rating");
  auto reviewed =
      send(*b, "PUT", path,
           json::object{{"rating", 4}, {"title", "Good"}, {"body", "<b>Sharp</b> pictures"}});
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;
  EXPECT_TRUE(reviewed.json().at("verified_purchase").as_bool());
  EXPECT_EQ(str(reviewed.json().at("body")), "Sharp pictures");
  const auto review_id = reviewed.json().at("id").as_int64();
  auto replaced = send(*b, "PUT", path, json::object{{"rating", 5}, {"body", "Even better now"}});
  ASSERT_EQ(replaced.status, 200);
  EXPECT_EQ(replaced.json().at("id").as_int64(), review_id);

  HttpClient visitor(server_->base_url());
  auto summary = visitor.get("/api/v1/products/" + std::to_string(product()) + "/reviews");
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_EQ(summary.json().at("count").as_int64(), 1);
  EXPECT_EQ(str(summary.json().at("average")), "5.0");
  EXPECT_EQ(summary.json().at("by_rating").at(4).as_int64(), 1);
  EXPECT_EQ(str(summary.json().at("items").at(0).at("body")), "Even better now");
  expect_error(visitor.get("/api/v1/products/999999/reviews"), 404);

  auto reply = post("/api/v1/community/reviews/" + std::to_string(review_id) + "/reply",
                    json::object{{"body", "Thank you!"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto in_community =
      visitor.get("/api/v1/community/reviews?product_id=" + std::to_string(product()));
  ASSERT_EQ(in_community.status, 200);
  EXPECT_EQ(str(in_community.json().at("items").at(0).at("reply")), "Thank you!");
  auto mine = b->get("/api/v1/portal/reviews");
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json().at("items").as_array().size(), 1u);

  // A moderator hides it: gone from the product, its author sees why; then shown again.
  const std::string review = "/api/v1/community/reviews/" + std::to_string(review_id);
  expect_error(send(*b, "POST", review + "/hide", json::object{{"reason", "x"}}), 401);
  auto hidden = post(review + "/hide", json::object{{"reason", "off topic"}});
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  summary = visitor.get("/api/v1/products/" + std::to_string(product()) + "/reviews");
  EXPECT_EQ(summary.json().at("count").as_int64(), 0);
  EXPECT_TRUE(summary.json().at("items").as_array().empty());
  mine = b->get("/api/v1/portal/reviews");
  EXPECT_EQ(str(mine.json().at("items").at(0).at("status")), "hidden");
  EXPECT_EQ(str(mine.json().at("items").at(0).at("status_reason")), "off topic");
  ASSERT_EQ(post(review + "/restore", json::object{}).status, 200);
  summary = visitor.get("/api/v1/products/" + std::to_string(product()) + "/reviews");
  EXPECT_EQ(summary.json().at("count").as_int64(), 1);
}

TEST_F(Community, SearchFindsChineseWordsInSentencesAndEnglishStemsRanked) {
  auto category = post("/api/v1/categories", json::object{{"name", "Search Lenses"}});
  ASSERT_EQ(category.status, 201) << category.body;
  auto opened = post("/api/v1/community/boards",
                     json::object{{"category_id", category.json().at("id").as_int64()}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  EXPECT_EQ(str(opened.json().at("name")), "Search Lenses");
  const auto board_id = opened.json().at("id").as_int64();
  auto a = member("Sara Search", "sara.search@example.com");
  auto b = member("Sean Search", "sean.search@example.com");
  auto start = [&](HttpClient& who, const std::string& title, const std::string& body) {
    auto r =
        send(who, "POST", "/api/v1/portal/community/threads",
             json::object{
                 {"board_id", board_id}, {"kind", "question"}, {"title", title}, {"body", body}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("thread").at("id").as_int64() : 0;
  };
  const auto chinese = start(*a, "镜头问题", "我昨天买的镜头对焦很慢，想申请退货可以吗？");
  const auto dense = start(*a, "Battery drains", "The battery drains and the battery gets hot.");
  const auto sparse = start(
      *b, "Autofocus noise",
      "The autofocus motor makes a clicking noise in quiet rooms, mostly with the kit lens at "
      "the long end; otherwise sharp pictures, good colours and a solid grip. The batteries last.");
  const auto other = start(*b, "Strap colours", "Which colours does the strap come in?");
  const std::string base = "/api/v1/community/search?board_id=" + std::to_string(board_id) + "&q=";
  HttpClient visitor(server_->base_url());
  auto ids = [&](const std::string& q) {
    std::vector<std::int64_t> out;
    auto r = visitor.get(base + q);
    EXPECT_EQ(r.status, 200) << q << ": " << r.body;
    if (r.status != 200) return out;
    const auto body = r.json();
    for (const auto& hit : body.at("items").as_array()) {
      out.push_back(hit.at("thread").at("id").as_int64());
    }
    return out;
  };
  // A Chinese word inside a sentence (URL-encoded 对焦, 退货).
  EXPECT_EQ(ids("%E5%AF%B9%E7%84%A6"), std::vector<std::int64_t>{chinese});
  EXPECT_EQ(ids("%E9%80%80%E8%B4%A7"), std::vector<std::int64_t>{chinese});
  // English stems: "batteries" is found by "battery", "drain" by "draining"; the denser,
  // shorter thread first.
  EXPECT_EQ(ids("battery"), (std::vector<std::int64_t>{dense, sparse}));
  EXPECT_EQ(ids("draining"), std::vector<std::int64_t>{dense});
  EXPECT_EQ(ids("colour"), (std::vector<std::int64_t>{other, sparse}));
  EXPECT_TRUE(ids("tripod").empty());
  // The words are marked in the title and the snippet.
  auto r = visitor.get(base + "battery");
  ASSERT_EQ(r.status, 200);
  const auto first = r.json().at("items").at(0);
  bool marked = false;
  for (const auto& segment : first.at("title").at("segments").as_array()) {
    if (segment.at("match").as_bool()) {
      marked = true;
      EXPECT_EQ(str(segment.at("text")), "Battery");
    }
  }
  EXPECT_TRUE(marked) << r.body;
  EXPECT_FALSE(first.at("snippet").is_null());
  expect_error(visitor.get(base + "%20%20"), 400, "", "q");
  // A hidden thread is not found.
  auto thread = visitor.get("/api/v1/community/threads/" + std::to_string(sparse));
  const auto opening = thread.json().at("opening").at("id").as_int64();
  ASSERT_EQ(post("/api/v1/community/posts/" + std::to_string(opening) + "/hide",
                 json::object{{"reason", "duplicate"}})
                .status,
            200);
  EXPECT_EQ(ids("battery"), std::vector<std::int64_t>{dense});
}

TEST_F(Community, AMergeMovesPostsAndReviewsAndAnUndoMovesThemBack) {
  std::int64_t keep = 0, other = 0;
  auto k = member("Mia Merge", "mia.merge@example.com", &keep);
  auto o = member("Mia Merged", "mia.merged@example.com", &other);
  order(keep, 1, "shipped");
  order(other, 1, "shipped");
  const std::string review_path =
      "/api/v1/portal/products/" + std::to_string(product()) + "/review";
  ASSERT_EQ(send(*k, "PUT", review_path, json::object{{"rating", 5}}).status, 200);
  ASSERT_EQ(send(*o, "PUT", review_path, json::object{{"rating", 2}}).status, 200);
  const auto thread_id = thread(*o, "discussion", "Merged thread", "Written before the merge.")
                             .at("thread")
                             .at("id")
                             .as_int64();
  auto merged =
      post(id_path("/api/v1/customers", keep) + "/merge", json::object{{"other_id", other}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  const auto merge_id = merged.json().at("merge").at("id").as_int64();
  auto author_of_thread = [&] {
    auto n = connection().query_int(
        "SELECT author_customer_id FROM community_threads WHERE id = $1", {thread_id});
    EXPECT_TRUE(n.ok());
    return n.ok() ? n->value_or(0) : 0;
  };
  EXPECT_EQ(author_of_thread(), keep);
  // Both reviewed the product: the survivor's review stays theirs, the other's stays put.
  auto reviews =
      connection().query_int("SELECT COUNT(*) FROM product_reviews WHERE customer_id = $1", {keep});
  ASSERT_TRUE(reviews.ok());
  EXPECT_EQ(reviews->value_or(0), 1);
  auto undone =
      post("/api/v1/customers/merges/" + std::to_string(merge_id) + "/undo", json::object{});
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(author_of_thread(), other);
}

TEST_F(Community, OnTheCustomerRecordExportedAndErased) {
  std::int64_t id = 0;
  auto a = member("Tina Timeline", "tina.timeline@example.com", &id);
  order(id, 1, "shipped");
  const auto thread_id = thread(*a, "idea", "Sell a rain cover", "For hiking in the rain.")
                             .at("thread")
                             .at("id")
                             .as_int64();
  const std::string review_path =
      "/api/v1/portal/products/" + std::to_string(product()) + "/review";
  ASSERT_EQ(send(*a, "PUT", review_path, json::object{{"rating", 3}, {"body", "Fine."}}).status,
            200);

  auto timeline = get(id_path("/api/v1/customers", id) + "/timeline");
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  EXPECT_NE(timeline.body.find("\"community.thread\""), std::string::npos) << timeline.body;
  EXPECT_NE(timeline.body.find("\"community.review\""), std::string::npos) << timeline.body;
  EXPECT_NE(timeline.body.find("Sell a rain cover"), std::string::npos);

  auto exported = get(id_path("/api/v1/customers", id) + "/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  const auto community = exported.json().at("community");
  EXPECT_EQ(str(community.at("threads").at(0).at("title")), "Sell a rain cover");
  EXPECT_EQ(str(community.at("reviews").at(0).at("body")), "Fine.");

  ASSERT_EQ(post(id_path("/api/v1/customers", id) + "/erase", json::object{}).status, 200);
  HttpClient visitor(server_->base_url());
  expect_error(visitor.get("/api/v1/community/threads/" + std::to_string(thread_id)), 404);
  auto reviews = visitor.get("/api/v1/products/" + std::to_string(product()) + "/reviews");
  EXPECT_EQ(reviews.body.find("Fine."), std::string::npos) << reviews.body;
  auto after = get(id_path("/api/v1/customers", id) + "/export");
  EXPECT_EQ(after.body.find("rain cover"), std::string::npos) << after.body;
  EXPECT_EQ(after.body.find("hiking"), std::string::npos) << after.body;
}

}  // namespace
}  // namespace ecrm::testing
