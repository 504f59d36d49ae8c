// Tickets in the customer portal over real HTTP: a customer opens a request with a file, staff
// answer it (and leave an internal note the customer never sees) and solve it, the customer
// rates it; a paid quote accepted; another customer's ticket, messages, rating and files are
// not found; bad files and bad ratings are refused naming the field, with nothing written.
#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class PortalTickets : public PortalBase {};

std::string b64(const std::string& bytes) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char ch : bytes) {
    buffer = (buffer << 8) | ch;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  while (out.size() % 4 != 0) out += '=';
  return out;
}

TEST_F(PortalTickets, OpenAnsweredSolvedAndRated) {
  const std::string address = "sun.li@example.cn";
  const auto id = customer("Sun Li", address);
  const auto order_id = order(id, 1, "shipped").at("id").as_int64();
  auto portal = portal_client(address);

  const std::string photo = std::string("\x89PNG\r\n\x1a\n", 8) + "not really a picture";
  auto opened = portal->send_json(
      "POST", "/api/v1/portal/tickets",
      json::object{{"subject", "相机无法开机"},
                   {"body", "Bought last month, it does not turn on."},
                   {"order_id", order_id},
                   {"attachments", json::array{json::object{{"filename", "photo.png"},
                                                            {"content_type", "image/png"},
                                                            {"content_base64", b64(photo)}}}}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const auto opened_view = opened.json();
  const auto& ticket = opened_view.at("ticket");
  const auto ticket_id = ticket.at("id").as_int64();
  EXPECT_EQ(str(ticket.at("status")), "new");
  EXPECT_EQ(ticket.at("order_id").as_int64(), order_id);
  const auto& first = opened_view.at("messages").at(0);
  EXPECT_FALSE(first.at("from_shop").as_bool());
  ASSERT_EQ(first.at("attachments").as_array().size(), 1u);
  const auto attachment_id = first.at("attachments").at(0).at("id").as_int64();

  // Staff see it on the customer, with the file.
  auto staff_view = get(id_path("/api/v1/tickets", ticket_id));
  ASSERT_EQ(staff_view.status, 200) << staff_view.body;
  EXPECT_EQ(staff_view.json().at("customer_id").as_int64(), id);
  auto file = get("/api/v1/attachments/" + std::to_string(attachment_id));
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, photo);
  // And the customer downloads their own file.
  auto own_file = portal->get("/api/v1/portal/attachments/" + std::to_string(attachment_id));
  ASSERT_EQ(own_file.status, 200) << own_file.body;
  EXPECT_EQ(own_file.body, photo);

  // Not rated before it is solved.
  expect_error(portal->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/rating",
                                 json::object{{"score", 5}}),
               409, "not_solved");

  ASSERT_EQ(post(id_path("/api/v1/tickets", ticket_id) + "/replies",
                 json::object{{"body", "internal: check the battery batch"}, {"internal", true}})
                .status,
            201);
  auto answered = post(id_path("/api/v1/tickets", ticket_id) + "/replies",
                       json::object{{"body", "Please charge it for two hours first."},
                                    {"status", "solved"}});
  ASSERT_TRUE(answered.status == 200 || answered.status == 201) << answered.body;

  auto view = portal->get(id_path("/api/v1/portal/tickets", ticket_id));
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_EQ(view.body.find("battery batch"), std::string::npos) << "internal note shown";
  EXPECT_NE(view.body.find("charge it for two hours"), std::string::npos) << view.body;
  EXPECT_EQ(str(view.json().at("ticket").at("status")), "solved");
  EXPECT_TRUE(view.json().at("can_rate").as_bool());

  expect_error(portal->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/rating",
                                 json::object{{"score", 6}}),
               400, {}, "score");
  expect_error(portal->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/rating",
                                 json::object{{"score", 0}}),
               400, {}, "score");
  auto rated = portal->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/rating",
                                 json::object{{"score", 5}, {"comment", "Fast and kind"}});
  ASSERT_EQ(rated.status, 200) << rated.body;
  EXPECT_EQ(rated.json().at("rating").at("score").as_int64(), 5);

  auto listed = portal->get("/api/v1/portal/tickets");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto items = listed.json().at("items");
  ASSERT_EQ(items.as_array().size(), 1u);
  EXPECT_EQ(items.at(0).at("id").as_int64(), ticket_id);

  // A new message opens the solved ticket again.
  auto again = portal->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/messages",
                                 json::object{{"body", "Charged it, still dead."}});
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_NE(str(again.json().at("ticket").at("status")), "solved");

  // Another customer reaches none of it.
  customer("Other Person", "other.person@example.com");
  auto other = portal_client("other.person@example.com");
  expect_error(other->get(id_path("/api/v1/portal/tickets", ticket_id)), 404);
  expect_error(other->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/messages",
                                json::object{{"body", "hijack"}}),
               404);
  expect_error(other->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/rating",
                                json::object{{"score", 1}}),
               404);
  expect_error(other->get("/api/v1/portal/attachments/" + std::to_string(attachment_id)), 404);
  EXPECT_TRUE(other->get("/api/v1/portal/tickets").json().at("items").as_array().empty());
  // Nor may they name another's order.
  expect_error(other->send_json("POST", "/api/v1/portal/tickets",
                                json::object{{"subject", "x"}, {"body", "y"}, {"order_id", order_id}}),
               422, "unknown_order", "order_id");
  auto conversation = get(id_path("/api/v1/tickets", ticket_id) + "/conversation");
  EXPECT_EQ(conversation.body.find("hijack"), std::string::npos);
  EXPECT_EQ(portal->get(id_path("/api/v1/portal/tickets", ticket_id))
                .json()
                .at("rating")
                .at("score")
                .as_int64(),
            5);
}

TEST_F(PortalTickets, PaidQuoteAcceptedInThePortal) {
  const std::string address = "qian.hui@example.cn";
  customer("Qian Hui", address);
  auto portal = portal_client(address);
  auto opened = portal->send_json("POST", "/api/v1/portal/tickets",
                                  json::object{{"subject", "Repair my old lens"}, {"body", "Out of warranty."}});
  ASSERT_EQ(opened.status, 201) << opened.body;
  const auto ticket_id = opened.json().at("ticket").at("id").as_int64();
  EXPECT_EQ(str(opened.json().at("ticket").at("entitlement")), "paid");
  expect_error(portal->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/quote",
                                 json::object{{"accept", true}}),
               409);
  auto quoted = put(id_path("/api/v1/tickets", ticket_id) + "/quote",
                     json::object{{"amount", 19900}, {"currency", "CNY"}, {"note", "new glass"}});
  ASSERT_EQ(quoted.status, 200) << quoted.body;
  auto accepted = portal->send_json("POST", id_path("/api/v1/portal/tickets", ticket_id) + "/quote",
                                    json::object{{"accept", true}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(str(accepted.json().at("ticket").at("quote").at("status")), "accepted");
  EXPECT_EQ(accepted.json().at("ticket").at("quote").at("amount").as_int64(), 19900);
  EXPECT_EQ(str(get(id_path("/api/v1/tickets", ticket_id)).json().at("quote").at("status")),
            "accepted");
}

TEST_F(PortalTickets, BadRequestsWriteNothing) {
  const std::string address = "bad.input@example.com";
  customer("Bad Input", address);
  auto portal = portal_client(address);
  expect_error(portal->send_json("POST", "/api/v1/portal/tickets",
                                 json::object{{"subject", "Help"},
                                              {"body", "see file"},
                                              {"attachments", json::array{json::object{
                                                                  {"filename", "a.txt"},
                                                                  {"content_type", "text/plain"},
                                                                  {"content_base64", "%%%not base64"}}}}}),
               400, "invalid_base64", "attachments[0].content_base64");
  expect_error(portal->send_json("POST", "/api/v1/portal/tickets",
                                 json::object{{"subject", "Help"},
                                              {"body", "see file"},
                                              {"attachments", json::array{json::object{
                                                                  {"filename", "big.bin"},
                                                                  {"content_type", "application/octet-stream"},
                                                                  {"content_base64", b64(std::string((5 << 20) + 1, 'x'))}}}}}),
               400, {}, "attachments[0].content_base64");
  expect_error(portal->send_json("POST", "/api/v1/portal/tickets",
                                 json::object{{"subject", ""}, {"body", "text"}}),
               400, {}, "subject");
  expect_error(portal->send_json("POST", "/api/v1/portal/tickets", json::object{{"subject", "x"}}),
               400, {}, "body");
  expect_error(portal->get("/api/v1/portal/tickets/abc"), 404);
  EXPECT_TRUE(portal->get("/api/v1/portal/tickets").json().at("items").as_array().empty());
}

}  // namespace
}  // namespace ecrm::testing
