// The sentiment scorer on hand-labelled Chinese and English texts: negation, degree, contrast,
// mixed languages, and bad input.
#include "feedback/sentiment.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ecrm::feedback {
namespace {

const SentimentScorer& scorer() { return SentimentScorer::shared(); }
Polarity polarity(std::string_view text) { return scorer().score(text).polarity; }
double score(std::string_view text) { return scorer().score(text).score; }

TEST(Sentiment, NamesPolarities) {
  EXPECT_EQ(to_string(Polarity::kNegative), "negative");
  EXPECT_EQ(to_string(Polarity::kNeutral), "neutral");
  EXPECT_EQ(to_string(Polarity::kPositive), "positive");
}

TEST(Sentiment, ShippedLexiconsLoad) {
  EXPECT_GT(scorer().size(), 800u);
}

struct Labelled {
  const char* text;
  Polarity expected;
};

class LabelledTexts : public ::testing::TestWithParam<Labelled> {};

TEST_P(LabelledTexts, HaveTheirPolarity) {
  const Labelled& c = GetParam();
  EXPECT_EQ(polarity(c.text), c.expected) << c.text << " scored " << score(c.text);
}

constexpr Polarity kPos = Polarity::kPositive;
constexpr Polarity kNeg = Polarity::kNegative;
constexpr Polarity kNeu = Polarity::kNeutral;

INSTANTIATE_TEST_SUITE_P(
    Chinese, LabelledTexts,
    ::testing::Values(Labelled{"好用", kPos}, Labelled{"不好用", kNeg}, Labelled{"很好", kPos},
                      Labelled{"不太好", kNeg}, Labelled{"没有问题", kPos},
                      Labelled{"有问题", kNeg}, Labelled{"质量很差，不推荐", kNeg},
                      Labelled{"物流很快，包装完好，非常满意", kPos},
                      Labelled{"不满意，退货了", kNeg}, Labelled{"一点都不卡", kPos},
                      Labelled{"电池不耐用，用了两天就坏了", kNeg},
                      Labelled{"屏幕识别还可以", kPos},
                      Labelled{"不但便宜而且好用", kPos},
                      Labelled{"外观漂亮，但是电池太差了", kNeg},
                      Labelled{"虽然有点贵，但是质量很好", kPos},
                      Labelled{"颜色是蓝色的", kNeu}, Labelled{"这是给我妈妈买的", kNeu}));

INSTANTIATE_TEST_SUITE_P(
    English, LabelledTexts,
    ::testing::Values(Labelled{"good", kPos}, Labelled{"not good", kNeg},
                      Labelled{"This isn't bad at all", kPos}, Labelled{"It never works", kNeg},
                      Labelled{"Works great, very happy with it", kPos},
                      Labelled{"Terrible battery, it died after two days", kNeg},
                      Labelled{"I don't like the colour", kNeg},
                      Labelled{"Nice screen but the battery is awful", kNeg},
                      Labelled{"The case is a bit flimsy, but overall I love it", kPos},
                      Labelled{"No problems so far", kPos},
                      Labelled{"Delivered on Tuesday afternoon", kNeu},
                      Labelled{"DISAPPOINTED. Returned it.", kNeg}));

INSTANTIATE_TEST_SUITE_P(
    Mixed, LabelledTexts,
    ::testing::Values(Labelled{"手机很好用, love it", kPos},
                      Labelled{"The battery 太差了，not worth it", kNeg}));

TEST(Sentiment, NegationFlipsTheSign) {
  EXPECT_GT(score("好用"), 0);
  EXPECT_LT(score("不好用"), 0);
  EXPECT_GT(score("good"), 0);
  EXPECT_LT(score("not good"), 0);
  EXPECT_LT(score("问题"), 0);
  EXPECT_GT(score("没有问题"), 0);
  EXPECT_LT(score("bad"), 0);
  EXPECT_GT(score("isn't bad"), 0);
}

TEST(Sentiment, NegatedWordsCountLessThanPlainOnes) {
  EXPECT_LT(score("not bad"), score("good"));
  EXPECT_GT(score("not good"), score("bad"));
}

TEST(Sentiment, DegreeAdverbsScale) {
  EXPECT_GT(score("非常好"), score("好"));
  EXPECT_GT(score("很好用"), score("好用"));
  EXPECT_GT(score("very good"), score("good"));
  EXPECT_GT(score("extremely good"), score("very good"));
  EXPECT_LT(score("太差"), score("差"));
  EXPECT_LT(score("有点好"), score("好"));
  EXPECT_LT(score("slightly good"), score("good"));
}

TEST(Sentiment, DegreeAfterNegatorSoftens) {
  EXPECT_LT(score("不太好"), 0);
  EXPECT_GT(score("不太好"), score("不好"));
  EXPECT_GT(score("not very good"), score("not good"));
  EXPECT_LT(score("很不好"), score("不好"));
}

TEST(Sentiment, ContrastWeighsTheLaterClause) {
  EXPECT_GT(score("价格贵，但是质量好"), 0);
  EXPECT_LT(score("质量好，但是价格太贵了"), 0);
  EXPECT_GT(score("expensive but good"), 0);
  EXPECT_LT(score("good but expensive"), score("good, expensive"));
}

TEST(Sentiment, NegationEndsAtTheClause) {
  // The negator of the first clause must not reach the praise of the second.
  EXPECT_GT(score("不知道，很好"), 0);
  EXPECT_GT(score("no receipt. great phone"), 0);
}

TEST(Sentiment, StemsInflectedEnglishWords) {
  EXPECT_LT(score("it crashes"), 0);
  EXPECT_GT(score("Loved"), 0);
  EXPECT_LT(score("disappointing"), 0);
}

TEST(Sentiment, ScoreStaysInRange) {
  const std::string long_praise = [] {
    std::string s;
    for (int i = 0; i < 500; ++i) s += "非常好! excellent! ";
    return s;
  }();
  const double s = score(long_praise);
  EXPECT_GT(s, 0.99);
  EXPECT_LT(s, 1.0);
}

TEST(Sentiment, BadInputIsNeutralNotACrash) {
  EXPECT_EQ(polarity(""), kNeu);
  EXPECT_EQ(score(""), 0);
  EXPECT_EQ(polarity(std::string("\xff\xfe\xe5\xa5", 4)), kNeu);  // invalid, truncated UTF-8
  EXPECT_EQ(polarity(std::string("\xe5\xa5\xbd\xe7", 4)), kPos);  // 好 then a cut-off character
  EXPECT_EQ(polarity(std::string("bad\0good", 8)), kNeu);
  EXPECT_EQ(polarity("!!!??? ,,, 123"), kNeu);
}

TEST(Sentiment, BuildsFromGivenLexicons) {
  const LexiconText words[] = {{"w", "# comment\n\nsuper-duper\t2\n夯\t1.5\n"}};
  auto built = SentimentScorer::build(words, {"m", "never\tnegator\t1\n"});
  ASSERT_TRUE(built.ok()) << built.error().message;
  EXPECT_GT(built->score("super-duper").score, 0);
  EXPECT_LT(built->score("never super-duper").score, 0);
  EXPECT_GT(built->score("真夯").score, 0);
  EXPECT_EQ(built->score("good").polarity, kNeu);
}

TEST(Sentiment, RefusesMalformedLexiconsNamingTheLine) {
  const LexiconText bad_weight[] = {{"w.tsv", "ok\t1\nbroken\tlots\n"}};
  auto built = SentimentScorer::build(bad_weight, {"m", ""});
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().message.find("w.tsv line 2"), std::string::npos)
      << built.error().message;
  const LexiconText words[] = {{"w", "ok\t1\n"}};
  auto bad_kind = SentimentScorer::build(words, {"m.tsv", "\n很\tsometimes\t1\n"});
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_NE(bad_kind.error().message.find("m.tsv line 2"), std::string::npos);
  auto missing_column = SentimentScorer::build(words, {"m.tsv", "很\tdegree\n"});
  ASSERT_FALSE(missing_column.ok());
}

}  // namespace
}  // namespace ecrm::feedback
