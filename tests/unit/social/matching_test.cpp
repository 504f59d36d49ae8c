// Social listening's matching: handles and platforms folded, products found by SKU, name and
// alias at word boundaries (several per text, in the order they occur), and the fallback words
// of the reputation dashboard's topics.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "social/service.hpp"

namespace ecrm::social {
namespace {

using Ids = std::vector<std::int64_t>;

TEST(SocialMatching, HandlesAndPlatformsAreFolded) {
  EXPECT_EQ(handle_key("  @AnnW "), "annw");
  EXPECT_EQ(handle_key("@@Bob"), "bob");
  EXPECT_EQ(handle_key("小王"), "小王");
  EXPECT_EQ(handle_key(" @ "), "");
  EXPECT_EQ(platform_key(" Weibo "), "weibo");
  EXPECT_EQ(platform_key("x.com"), "x.com");
  EXPECT_FALSE(platform_key("we chat").has_value());
  EXPECT_FALSE(platform_key("").has_value());
  EXPECT_FALSE(platform_key(std::string(kMaxPlatform + 1, 'a')).has_value());
}

TEST(SocialMatching, ProductsBySkuNameAndAliasAtWordBoundaries) {
  ProductMatcher matcher;
  matcher.add(1, "KT-300");
  matcher.add(1, "Steel Kettle");
  matcher.add(1, "小钢壶");
  matcher.add(2, "Pro");
  matcher.add(3, "Mug");
  matcher.add(4, "ab");  // too short to match anything
  EXPECT_EQ(matcher.match("my steel kettle leaks"), (Ids{1}));
  EXPECT_EQ(matcher.match("kt-300, and the MUG too"), (Ids{1, 3}));
  EXPECT_EQ(matcher.match("the mug and the kt-300"), (Ids{3, 1}));
  EXPECT_EQ(matcher.match("我的小钢壶坏了"), (Ids{1}));
  EXPECT_EQ(matcher.match("a problem with mugs"), (Ids{}));  // neither "pro" nor "mug" is a word here
  EXPECT_EQ(matcher.match("the Pro is great"), (Ids{2}));
  EXPECT_EQ(matcher.match("ab ab ab"), (Ids{}));
  EXPECT_EQ(matcher.match(""), (Ids{}));
  EXPECT_EQ(matcher.match("kettle kt-300 kt-300 steel kettle"), (Ids{1}));  // once per product
}

TEST(SocialMatching, FallbackWordsAreLatinWordsAndChinesePairs) {
  EXPECT_EQ(fallback_words("The Battery, is OK!"), (std::vector<std::string>{"the", "battery"}));
  EXPECT_EQ(fallback_words("电池不行"), (std::vector<std::string>{"电池", "池不", "不行"}));
  EXPECT_EQ(fallback_words("bad 电池"), (std::vector<std::string>{"bad", "电池"}));
  EXPECT_TRUE(fallback_words("").empty());
  // Broken UTF-8 is no crash.
  EXPECT_NO_THROW(fallback_words(std::string("\xe4\xb8", 2)));
}

}  // namespace
}  // namespace ecrm::social
