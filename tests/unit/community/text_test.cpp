// The community's text rules: what a post body becomes (no markup survives, text does), how long
// it is, which links a new account may not post, whom it @mentions, what a display name may be.
#include "community/text.hpp"

#include <gtest/gtest.h>

namespace ecrm::community {
namespace {

// No tag can be opened from the text: every '<' is followed by something that does not start
// one.
bool opens_no_tag(const std::string& text) {
  for (std::size_t at = text.find('<'); at != std::string::npos; at = text.find('<', at + 1)) {
    if (at + 1 < text.size()) {
      const char next = text[at + 1];
      if (std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!' ||
          next == '?') {
        return false;
      }
    }
  }
  return true;
}

TEST(PlainText, RemovesMarkupAndKeepsText) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"Hello <b>world</b>", "Hello world"},
      {"<script>alert(1)</script>after", "after"},
      {"<SCRIPT type=x>alert(1)</SCRIPT >after", "after"},
      {"<style>p{}</style><iframe src=x></iframe>ok", "ok"},
      {"<script>never closed", ""},
      {"a < b and c > d", "a < b and c > d"},
      {"**bold** _it_ -> `code` & more", "**bold** _it_ -> `code` & more"},
      {"<3 you", "<3 you"},
      {"line one\r\nline two\rthree", "line one\nline two\nthree"},
      {"tab\tkept, bell\x07 gone", "tab\tkept, bell gone"},
      {"<a href=\"javascript:alert(1)\">x</a>", "x"},
      {"<!-- comment -->text", "text"},
      {"&lt;script&gt; stays as written", "&lt;script&gt; stays as written"},
      {"中文<b>加粗</b>文字", "中文加粗文字"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(plain_text(c.in), c.out) << c.in;
  }
}

TEST(PlainText, NothingThatWouldOpenATagSurvives) {
  const std::string tricky[] = {
      "<scr<script>ipt>alert(1)</script>",
      "<<b>img src=x onerror=alert(1)>",
      "<img src=x onerror=alert(1)",
      "x <a",
      "<svg/onload=alert(1)>",
      "</",
      "< script>",
  };
  for (const auto& t : tricky) {
    const std::string out = plain_text(t);
    EXPECT_TRUE(opens_no_tag(out)) << t << " -> " << out;
    EXPECT_EQ(out.find("<script"), std::string::npos) << t;
  }
}

TEST(PlainText, InvalidUtf8IsReplaced) {
  const std::string out = plain_text(std::string("ok\xff\xfe") + "好");
  EXPECT_EQ(out, "ok\xEF\xBF\xBD\xEF\xBF\xBD好");
}

TEST(PlainLine, OneTrimmedLine) {
  EXPECT_EQ(plain_line("  <b>Title</b>\n second\tpart  "), "Title  second part");
  EXPECT_EQ(plain_line("<b></b>"), "");
}

TEST(CharCount, CountsCodePoints) {
  EXPECT_EQ(char_count(""), 0u);
  EXPECT_EQ(char_count("abc"), 3u);
  EXPECT_EQ(char_count("好好"), 2u);
  EXPECT_EQ(char_count("a😀"), 2u);
}

TEST(WebLinks, FoundInAnyCase) {
  EXPECT_TRUE(has_web_link("see https://x.example"));
  EXPECT_TRUE(has_web_link("HTTP://X.EXAMPLE"));
  EXPECT_TRUE(has_web_link("go to www.spam.example"));
  EXPECT_FALSE(has_web_link("the order arrived; see the manual"));
  EXPECT_FALSE(has_web_link("mail me at someone@example.com"));
}

TEST(Mentions, NamesFoldedOnceEach) {
  EXPECT_EQ(mentions("thanks @Carol_V and @bob, again @carol_v."),
            (std::vector<std::string>{"carol_v", "bob"}));
  EXPECT_EQ(mentions("问问 @小明 吧"), (std::vector<std::string>{"小明"}));
  EXPECT_EQ(mentions("@小明，你好"), (std::vector<std::string>{"小明"}));
  EXPECT_TRUE(mentions("write to ann@example.com").empty());
  EXPECT_TRUE(mentions("@ alone, @x").empty());
  EXPECT_EQ(mentions("@a1 @a2 @a3", 2).size(), 2u);
}

TEST(DisplayNames, Rules) {
  EXPECT_TRUE(valid_display_name("carol_v"));
  EXPECT_TRUE(valid_display_name("小明"));
  EXPECT_TRUE(valid_display_name("a.b-c"));
  EXPECT_FALSE(valid_display_name("a"));
  EXPECT_FALSE(valid_display_name("has space"));
  EXPECT_FALSE(valid_display_name("comma,name"));
  EXPECT_FALSE(valid_display_name("小明，"));
  EXPECT_FALSE(valid_display_name(std::string(31, 'x')));
  EXPECT_EQ(name_key("Carol_V"), "carol_v");
}

}  // namespace
}  // namespace ecrm::community
