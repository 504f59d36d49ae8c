// Templates: what check() refuses (and why), and what render() makes of the data.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "messaging/render.hpp"
#include "messaging/service.hpp"

namespace ecrm::messaging {
namespace {

namespace json = boost::json;

struct Refused {
  const char* source;
  const char* says;
};

TEST(TemplateCheck, RefusesWhatWouldRenderWrong) {
  const Refused cases[] = {
      {"Hi {{custmer.name}}", "unknown field {{custmer.name}}"},
      {"Hi {{customer.nmae}}", "unknown field {{customer.nmae}}"},
      {"{{#customer}}", "Unclosed section"},
      {"{{/customer}}", "Unopened section"},
      {"{{customer}}", "is a group of fields"},
      {"{{customer.referal_url}}", "unknown field {{customer.referal_url}}"},
      {"{{referral_url}}", "unknown field {{referral_url}}"},
      {"{{> header}}", "partials are not supported"},
      {"{{=<% %>=}}", "changing the delimiters"},
      {"line\n{{#recommendations}}{{customer.nmae}}{{/recommendations}}", "line 2"},
  };
  for (const auto& c : cases) {
    const Status status = check("html", c.source);
    ASSERT_FALSE(status.ok()) << c.source;
    EXPECT_EQ(status.error().field, "html") << c.source;
    EXPECT_NE(status.error().message.find(c.says), std::string::npos)
        << c.source << " -> " << status.error().message;
  }
}

TEST(TemplateCheck, AcceptsTheFieldsMessagesSupply) {
  for (const char* ok : {
           "Hi {{customer.first_name}}, from {{shop.name}}",
           "{{#recommendations}}{{name}} ({{reason}}) {{url}}{{/recommendations}}",
           "{{#recommendations}}{{customer.first_name}}{{/recommendations}}",  // outer scope
           "{{#cart}}{{#items}}{{quantity}} x {{name}}{{/items}} {{total}}{{/cart}}",
           "{{^recommendations}}nothing new{{/recommendations}}",
           "{{#version}}{{product}} {{name}}: {{notes}}{{/version}} {{! a comment }}",
           "{{{customer.name}}} {{& customer.city}} <a href=\"{{unsubscribe_url}}\">x</a>",
           "Invite a friend: {{customer.referral_url}} (code {{customer.referral_code}})",
       }) {
    EXPECT_TRUE(check("text", ok).ok()) << ok << ": " << check("text", ok).error().message;
  }
  EXPECT_EQ(check(TemplateInput{MessageKind::kMarketing, "", "<p>x</p>", "x"}).error().field,
            "subject");
  EXPECT_EQ(check(TemplateInput{MessageKind::kMarketing, "s", "", ""}).error().field, "text");
}

TEST(TemplateRender, EscapesHtmlOnlyInTheHtmlPart) {
  const TemplateInput t{MessageKind::kMarketing, "Hi {{customer.name}}\nsecond line",
                        "<p>{{customer.name}}</p>{{#recommendations}}<li>{{name}}: "
                        "{{reason}}</li>{{/recommendations}}",
                        "Hi {{customer.name}}{{#recommendations}} / {{name}}{{/recommendations}}"};
  const json::value data = json::parse(R"({
    "customer": {"name": "Ann <b>&amp;</b>"},
    "recommendations": [{"name": "Lamp", "reason": "bought a desk"}, {"name": "Bulb", "reason": "<i>"}]
  })");
  auto out = render(t, data);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->subject, "Hi Ann <b>&amp;</b> second line");  // one line, as written
  EXPECT_EQ(out->html,
            "<p>Ann &lt;b&gt;&amp;amp;&lt;/b&gt;</p><li>Lamp: bought a desk</li><li>Bulb: "
            "&lt;i&gt;</li>");
  EXPECT_EQ(out->text, "Hi Ann <b>&amp;</b> / Lamp / Bulb");
}

// A thread keeps the templates it parsed: the same source renders each customer's own data,
// escaped in the HTML part only even when the text part has the same source, and as many
// templates as to empty the kept ones several times over all render as written.
TEST(TemplateRender, ATemplateRenderedAgainRendersTheNewData) {
  const std::string source = "Hi {{customer.name}}";
  const TemplateInput t{MessageKind::kMarketing, source, source, source};
  for (const char* name : {"Ann <b>", "Bo & Co", "Ann <b>"}) {
    json::value data = {{"customer", {{"name", name}}}};
    auto out = render(t, data);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->subject, std::string("Hi ") + name);
    EXPECT_EQ(out->text, std::string("Hi ") + name);
    EXPECT_EQ(out->html, std::string("Hi ") + (name[0] == 'A' ? "Ann &lt;b&gt;" : "Bo &amp; Co"));
  }
  for (int i = 0; i < 100; ++i) {
    const std::string numbered = "#" + std::to_string(i) + " {{customer.name}}";
    json::value data = {{"customer", {{"name", std::to_string(i * 7)}}}};
    auto out = render(TemplateInput{MessageKind::kMarketing, numbered, numbered, numbered}, data);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->html, "#" + std::to_string(i) + " " + std::to_string(i * 7));
  }
  auto refused = render(TemplateInput{MessageKind::kMarketing, "{{#customer}}", "x", "x"},
                        json::value{{"customer", {{"name", "Ann"}}}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "subject");
}

TEST(Mime, CarriesTheHeadersAndBothParts) {
  const Rendered content{"Grüße", "<p>Hallo</p>", "Hallo"};
  const std::string id = message_id_header(42, 1700000000000, "Shop <shop@mail.example>");
  EXPECT_EQ(id, "<ecrm.42.1700000000000@mail.example>");
  const std::string mime = mime_message("Shop <shop@mail.example>", "<a@b.example>", content, id,
                                        "birthday_card", 42,
                                        std::string("https://shop.example/u/tok"), 1700000000000);
  for (const char* header :
       {"Message-ID: <ecrm.42.1700000000000@mail.example>\r\n", "X-Ecrm-Message: 42\r\n",
        "X-Ecrm-Flow: birthday_card\r\n", "List-Unsubscribe: <https://shop.example/u/tok>\r\n",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
        "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n", "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n",
        "Content-Type: text/plain; charset=UTF-8", "Content-Type: text/html; charset=UTF-8"}) {
    EXPECT_NE(mime.find(header), std::string::npos) << header << "\n" << mime;
  }
  // Transactional mail has no unsubscribe headers.
  const std::string plain =
      mime_message("Shop <shop@mail.example>", "<a@b.example>", content, id, "order", 42,
                   std::nullopt, 1700000000000);
  EXPECT_EQ(plain.find("List-Unsubscribe"), std::string::npos);
}

}  // namespace
}  // namespace ecrm::messaging
