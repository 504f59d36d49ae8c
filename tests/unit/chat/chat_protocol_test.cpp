#include "service/chat_protocol.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace ecrm::service::chat {
namespace {

namespace json = boost::json;

TEST(ChatProtocol, ParsesEachVisitorFrame) {
  auto hello = parse_frame(R"({"type":"hello","name":" Ann ","email":"ann@example.com"})", Side::kVisitor);
  ASSERT_TRUE(hello.ok()) << hello.error().message;
  EXPECT_EQ(hello->type, ClientType::kHello);
  EXPECT_EQ(hello->name, "Ann");
  EXPECT_EQ(hello->email, "ann@example.com");

  auto message = parse_frame(R"({"type":"message","text":"你好"})", Side::kVisitor);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->text, "你好");

  auto typing = parse_frame(R"({"type":"typing","on":true})", Side::kVisitor);
  ASSERT_TRUE(typing.ok());
  EXPECT_TRUE(typing->on);

  auto read = parse_frame(R"({"type":"read","id":3})", Side::kVisitor);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->id, 3);

  auto left = parse_frame(R"({"type":"leave_message","email":"a@b.cn","text":"call me"})", Side::kVisitor);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->type, ClientType::kLeaveMessage);
}

TEST(ChatProtocol, AgentFramesNameTheirConversation) {
  auto message = parse_frame(R"({"type":"message","conversation":7,"text":"hi"})", Side::kAgent);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->conversation, 7);
  auto missing = parse_frame(R"({"type":"message","text":"hi"})", Side::kAgent);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "conversation");
  auto status = parse_frame(R"({"type":"status","status":"available"})", Side::kAgent);
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->available);
  auto away = parse_frame(R"({"type":"status","status":"away"})", Side::kAgent);
  ASSERT_TRUE(away.ok());
  EXPECT_FALSE(away->available);
}

struct Bad {
  const char* frame;
  Side side;
  const char* field;
  const char* code;
};

class ChatProtocolRefuses : public ::testing::TestWithParam<Bad> {};

TEST_P(ChatProtocolRefuses, NamingTheField) {
  const Bad& bad = GetParam();
  auto parsed = parse_frame(bad.frame, bad.side);
  ASSERT_FALSE(parsed.ok()) << bad.frame;
  EXPECT_EQ(parsed.error().field, bad.field) << bad.frame;
  if (*bad.code) {
    EXPECT_EQ(parsed.error().code, bad.code) << bad.frame;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Frames, ChatProtocolRefuses,
    ::testing::Values(
        Bad{"not json", Side::kVisitor, "", "malformed_json"},
        Bad{"[1,2]", Side::kVisitor, "", "malformed_json"},
        Bad{"{\"type\":\"message\",\"text\":\"\xff\"}", Side::kVisitor, "", "malformed_json"},
        Bad{R"({"text":"hi"})", Side::kVisitor, "type", "required"},
        Bad{R"({"type":"shout"})", Side::kVisitor, "type", "unknown_type"},
        Bad{R"({"type":"status","status":"available"})", Side::kVisitor, "type", "unknown_type"},
        Bad{R"({"type":"leave_message","email":"a@b.cn","text":"x"})", Side::kAgent, "type", "unknown_type"},
        Bad{R"({"type":"message"})", Side::kVisitor, "text", "required"},
        Bad{R"({"type":"message","text":"   "})", Side::kVisitor, "text", "required"},
        Bad{R"({"type":"message","text":5})", Side::kVisitor, "text", ""},
        Bad{R"({"type":"typing","on":"yes"})", Side::kVisitor, "on", ""},
        Bad{R"({"type":"read","id":-1})", Side::kVisitor, "id", ""},
        Bad{R"({"type":"read","id":1.5})", Side::kVisitor, "id", ""},
        Bad{R"({"type":"hello","email":"not-an-address"})", Side::kVisitor, "email", ""},
        Bad{R"({"type":"leave_message","text":"x"})", Side::kVisitor, "email", "required"},
        Bad{R"({"type":"leave_message","email":"a@b.cn"})", Side::kVisitor, "text", "required"},
        Bad{R"({"type":"status","status":"busy"})", Side::kAgent, "status", ""},
        Bad{R"({"type":"typing","conversation":0,"on":true})", Side::kAgent, "conversation", ""}));

TEST(ChatProtocol, RefusesTooLongText) {
  std::string frame = R"({"type":"message","text":")" + std::string(kMaxText + 1, 'a') + "\"}";
  auto parsed = parse_frame(frame, Side::kVisitor);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().field, "text");
  EXPECT_EQ(parsed.error().code, "too_long");
  auto huge = parse_frame(std::string(20000, ' '), Side::kVisitor);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().kind, ErrorKind::kPayloadTooLarge);
}

TEST(ChatProtocol, EncodesServerFrames) {
  ChatMessage m{3, Author::kAgent, "line \"one\"\n<b>", 1000, "Bo"};
  auto v = json::parse(encode_message(9, m)).as_object();
  EXPECT_EQ(v.at("type"), "message");
  EXPECT_EQ(v.at("conversation"), 9);
  EXPECT_EQ(v.at("message").at("text"), "line \"one\"\n<b>");
  EXPECT_EQ(v.at("message").at("from"), "agent");
  EXPECT_EQ(v.at("message").at("agent"), "Bo");
  auto typing = json::parse(encode_typing(9, Author::kVisitor, true)).as_object();
  EXPECT_EQ(typing.at("from"), "visitor");
  EXPECT_EQ(typing.at("on"), true);
  auto error = json::parse(encode_error(Error::invalid("bad", "text"))).as_object();
  EXPECT_EQ(error.at("type"), "error");
  EXPECT_EQ(error.at("field"), "text");
  auto welcome = json::parse(encode_visitor_welcome(false, nullptr)).as_object();
  EXPECT_EQ(welcome.at("online"), false);
  EXPECT_TRUE(welcome.at("conversation").is_null());
}

}  // namespace
}  // namespace ecrm::service::chat
