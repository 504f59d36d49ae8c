// Key phrases of hand-labelled Chinese and English complaints and praise.
#include "feedback/issues.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "search/segment.hpp"

namespace ecrm::feedback {
namespace {

struct Text {
  const char* id;
  const char* text;
};

PhraseMiner mine(const std::vector<Text>& texts, PhraseOptions options = {}) {
  PhraseMiner miner(SentimentScorer::shared(), search::Segmenter::shared(), options);
  for (const Text& t : texts) miner.add(t.id, t.text);
  return miner;
}

std::vector<std::string> ids(const Issue& issue) {
  std::vector<std::string> out;
  for (const Quote& q : issue.examples) out.push_back(q.id);
  return out;
}

const std::vector<Text> kChinesePhone = {
    {"z1", "电池不耐用，一天要充三次电。"},
    {"z2", "电池太差了，用半天就没电"},
    {"z3", "手机外观漂亮，但是电池发热严重，很失望"},
    {"z4", "电池续航太差，不推荐"},
    {"z5", "用了一个月电池就坏了，要求退货"},
    {"z6", "屏幕很清晰，拍照也不错，就是电池不行"},
    {"z7", "屏幕有划痕，差评"},
    {"z8", "物流太慢了，等了一个星期"},
    {"z9", "屏幕非常好，很满意"},
    {"z10", "拍照效果很棒，屏幕也清晰，推荐购买"},
    {"z11", "屏幕漂亮，运行流畅"},
};

TEST(Issues, TheTopChineseComplaintOfBatteryComplaintsIsTheBattery) {
  PhraseMiner miner = mine(kChinesePhone);
  const std::vector<Issue> issues = miner.complaints(5);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].phrase, "电池");
  EXPECT_GE(issues[0].count, 6);
  ASSERT_FALSE(issues[0].examples.empty());
  EXPECT_LE(issues[0].examples.size(), 3u);
  for (const Quote& quote : issues[0].examples) {
    EXPECT_NE(quote.quote.find("电池"), std::string::npos) << quote.quote;
  }
  EXPECT_EQ(miner.texts(), 11);
}

TEST(Issues, TheTopChinesePraiseIsTheScreen) {
  PhraseMiner miner = mine(kChinesePhone);
  const std::vector<Issue> praise = miner.praise(5);
  ASSERT_FALSE(praise.empty());
  EXPECT_EQ(praise[0].phrase, "屏幕");
  // Opinion words are not aspects.
  for (const Issue& issue : praise) {
    EXPECT_NE(issue.phrase, "清晰");
    EXPECT_NE(issue.phrase, "满意");
  }
}

const std::vector<Text> kEnglishPhone = {
    {"e1", "The battery dies after two hours."},
    {"e2", "Terrible battery, it drains overnight."},
    {"e3", "Batteries are awful and the charger is slow."},
    {"e4", "Nice screen but the battery life is poor."},
    {"e5", "Battery stopped holding a charge. Very disappointed."},
    {"e6", "The screen cracked on day two, terrible."},
    {"e7", "Shipping was slow and the box was damaged."},
    {"e8", "Great screen, bright and sharp."},
    {"e9", "Love the camera, the screen is excellent."},
};

TEST(Issues, TheTopEnglishComplaintOfBatteryComplaintsIsTheBattery) {
  PhraseMiner miner = mine(kEnglishPhone);
  const std::vector<Issue> issues = miner.complaints(5);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].phrase, "battery");
  EXPECT_EQ(issues[0].count, 5);  // "batteries" is the same stem
  const std::vector<std::string> example_ids = ids(issues[0]);
  EXPECT_EQ(example_ids, (std::vector<std::string>{"e1", "e2", "e3"}));
  // "battery life" is part of the battery, not an issue of its own.
  for (const Issue& issue : issues) EXPECT_NE(issue.phrase, "battery life");
}

TEST(Issues, PraiseAndComplaintsAreApart) {
  PhraseMiner miner = mine(kEnglishPhone);
  const std::vector<Issue> praise = miner.praise(3);
  ASSERT_FALSE(praise.empty());
  EXPECT_EQ(praise[0].phrase, "screen");
  for (const Issue& issue : praise) EXPECT_NE(issue.phrase, "battery");
}

TEST(Issues, NearDuplicatesJoin) {
  PhraseMiner miner = mine({{"1", "The colour is awful."},
                            {"2", "Awful color, faded quickly."},
                            {"3", "The colour faded, bad."},
                            {"4", "Zipper broke, terrible."},
                            {"5", "Zipper is bad."}});
  const std::vector<Issue> issues = miner.complaints(5);
  ASSERT_GE(issues.size(), 2u);
  EXPECT_EQ(issues[0].phrase, "colour");
  EXPECT_EQ(issues[0].count, 3);
  EXPECT_EQ(issues[1].phrase, "zipper");
}

TEST(Issues, ClausesOfOneSentenceAreWeighedApart) {
  PhraseMiner miner = mine({{"1", "价格太贵，但是质量很好"},
                            {"2", "价格偏贵，不过质量不错"},
                            {"3", "The price is awful, but the quality is great."},
                            {"4", "Bad price, excellent quality!"}});
  const std::vector<Issue> complaints = miner.complaints(5);
  const std::vector<Issue> praise = miner.praise(5);
  ASSERT_GE(complaints.size(), 2u);
  ASSERT_GE(praise.size(), 2u);
  const auto phrases = [](const std::vector<Issue>& issues) {
    std::vector<std::string> out;
    for (const Issue& issue : issues) out.push_back(issue.phrase);
    return out;
  };
  const std::vector<std::string> complained = phrases(complaints);
  const std::vector<std::string> praised = phrases(praise);
  for (const char* word : {"价格", "price"}) {
    EXPECT_NE(std::find(complained.begin(), complained.end(), word), complained.end()) << word;
    EXPECT_EQ(std::find(praised.begin(), praised.end(), word), praised.end()) << word;
  }
  for (const char* word : {"质量", "quality"}) {
    EXPECT_NE(std::find(praised.begin(), praised.end(), word), praised.end()) << word;
    EXPECT_EQ(std::find(complained.begin(), complained.end(), word), complained.end()) << word;
  }
}

TEST(Issues, AQuoteIsTheTextsMostNegativeSentence) {
  PhraseMiner miner = mine({{"1", "Battery is bad. Battery is terrible, awful and useless."},
                            {"2", "Battery is weak."}});
  const std::vector<Issue> issues = miner.complaints(1);
  ASSERT_EQ(issues.size(), 1u);
  ASSERT_EQ(issues[0].examples.size(), 2u);
  EXPECT_EQ(issues[0].examples[0].quote, "Battery is terrible, awful and useless.");
  EXPECT_EQ(issues[0].examples[1].quote, "Battery is weak.");
}

TEST(Issues, CountsTheTextsOfEachPeriod) {
  PhraseMiner miner(SentimentScorer::shared(), search::Segmenter::shared());
  miner.add("1", "电池太差", 0);
  miner.add("2", "电池不耐用", 0);
  miner.add("3", "电池坏了", 0);
  miner.add("4", "电池发热", 1);
  miner.add("5", "电池很差", -1);
  const std::vector<Issue> issues = miner.complaints(1);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].phrase, "电池");
  EXPECT_EQ(issues[0].count, 5);
  EXPECT_EQ(issues[0].recent, 3);
  EXPECT_EQ(issues[0].previous, 1);
}

TEST(Issues, PhrasesOfOneTextAreNotReported) {
  PhraseMiner miner = mine({{"1", "The hinge is broken."}, {"2", "Good price."}});
  EXPECT_TRUE(miner.complaints(5).empty());
}

TEST(Issues, NeutralTextsAreNoComplaints) {
  PhraseMiner miner = mine({{"1", "The battery is blue."}, {"2", "The battery is red."}});
  EXPECT_TRUE(miner.complaints(5).empty());
  EXPECT_TRUE(miner.praise(5).empty());
}

TEST(Issues, MemoryStaysBounded) {
  PhraseOptions options;
  options.max_phrases = 100;
  PhraseMiner miner(SentimentScorer::shared(), search::Segmenter::shared(), options);
  for (int i = 0; i < 500; ++i) {
    miner.add(std::to_string(i), "terrible widget" + std::to_string(i) + "x and gadget" +
                                     std::to_string(i) + "y");
    miner.add("b" + std::to_string(i), "The battery is terrible.");
    EXPECT_LE(miner.tracked(), 100u);
  }
  const std::vector<Issue> issues = miner.complaints(3);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].phrase, "battery");
}

TEST(Issues, SplitsSentences) {
  EXPECT_EQ(sentences("电池不好。屏幕很好！  Great.  Bad?\nok"),
            (std::vector<std::string_view>{"电池不好。", "屏幕很好！", "Great.", "Bad?", "ok"}));
  EXPECT_TRUE(sentences("  \n ").empty());
}

TEST(Issues, CutsQuotesOnCharacterBoundaries) {
  EXPECT_EQ(cut_quote("电池不好", 100), "电池不好");
  EXPECT_EQ(cut_quote("电池不好", 7), "电池…");  // 6 bytes kept, not half of 不
  EXPECT_EQ(cut_quote("abcdef", 3), "abc…");
}

TEST(Issues, AnyInputIsReadWithoutACrash) {
  PhraseMiner miner(SentimentScorer::shared(), search::Segmenter::shared());
  miner.add("a", "");
  miner.add("b", std::string("\xff\xfe bad \xe7\x94", 10));
  miner.add("c", std::string(100000, '!'));
  miner.add("d", std::string("bad\0bad", 7));
  EXPECT_EQ(miner.texts(), 4);
}

}  // namespace
}  // namespace ecrm::feedback
