#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <limits>

namespace ecrm {
namespace {

namespace json = boost::json;

TEST(JsonText, WritesFractionsInPlainDecimals) {
  EXPECT_EQ(json_text(json::value(0.0714)), "0.0714");
  EXPECT_EQ(json_text(json::value(0.513)), "0.513");
  EXPECT_EQ(json_text(json::value(-12.25)), "-12.25");
  EXPECT_EQ(json_text(json::value(1234567.5)), "1234567.5");
  EXPECT_EQ(json_text(json::value(0.000002)), "0.000002");
  EXPECT_EQ(json_text(json::value(1.0 / 3.0)), "0.3333333333333333");
}

TEST(JsonText, KeepsAWholeDoubleADouble) {
  EXPECT_EQ(json_text(json::value(3.0)), "3.0");
  EXPECT_EQ(json_text(json::value(0.0)), "0.0");
  EXPECT_TRUE(json::parse(json_text(json::value(3.0))).is_double());
  EXPECT_TRUE(json::parse(json_text(json::value(std::int64_t{3}))).is_int64());
}

TEST(JsonText, UsesAnExponentOnlyForExtremeMagnitudes) {
  EXPECT_EQ(json_text(json::value(1e-300)), "1e-300");
  EXPECT_EQ(json_text(json::value(2.5e300)), "2.5e+300");
  EXPECT_EQ(json_text(json::value(std::numeric_limits<double>::quiet_NaN())), "null");
  EXPECT_EQ(json_text(json::value(std::numeric_limits<double>::infinity())), "null");
}

TEST(JsonText, EveryDoubleReadsBackExactly) {
  for (double value : {0.1, 0.2 + 0.1, 123.456, 1e-6, 9.999999e20, 5e-7, -7.0e-5, 6.02214076e23}) {
    const std::string text = json_text(json::value(value));
    EXPECT_EQ(json::parse(text).as_double(), value) << text;
  }
}

TEST(JsonText, OtherwiseMatchesBoostJson) {
  const json::value document =
      json::parse(R"({"name":"王芳 \"Wang\"","tab":"a\tb\nc\\d\u0001\u001f","ok":true,"none":null,)"
                  R"("n":-42,"big":18446744073709551615,"list":[1,"x",{},[],false],"empty":{}})");
  EXPECT_EQ(json_text(document), json::serialize(document));
  EXPECT_EQ(json::parse(json_text(document)), document);
}

TEST(JsonText, NestsDoublesAnywhere) {
  const json::value document = {{"rate", 0.25}, {"points", json::array{1.5, 2, 0.0714}}};
  EXPECT_EQ(json_text(document), R"({"rate":0.25,"points":[1.5,2,0.0714]})");
}

}  // namespace
}  // namespace ecrm
