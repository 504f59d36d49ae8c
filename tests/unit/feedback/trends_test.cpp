// When a product's feedback calls for an alert (feedback/trends.hpp), table-driven; the calendar
// helpers; and a miner fed stored texts (analyse once, replay later) agreeing with one that read
// the texts.
#include "feedback/trends.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "feedback/issues.hpp"
#include "search/segment.hpp"

namespace ecrm::feedback {
namespace {

struct RiseCase {
  const char* name;
  std::vector<std::int64_t> weeks;  // this week first
  bool rising;
};

TEST(IssueRising, ThisWeekAgainstTheTrailingAverage) {
  const RiseOptions options;  // k = 3, r = 2
  const std::vector<RiseCase> cases = {
      {"three from nothing", {3, 0, 0, 0, 0}, true},
      {"two are too few", {2, 0, 0, 0, 0}, false},
      {"twice the average", {4, 2, 2, 2, 2}, true},
      {"just under twice", {3, 2, 2, 1, 2}, false},
      {"flat", {5, 5, 5, 5, 5}, false},
      {"falling", {3, 8, 8, 8, 8}, false},
      {"a spike long ago keeps the average up", {6, 0, 0, 0, 16}, false},
      {"a spike long ago, a higher one now", {9, 0, 0, 0, 16}, true},
      {"no trailing weeks", {3}, true},
      {"nothing", {}, false},
  };
  for (const RiseCase& c : cases) {
    EXPECT_EQ(issue_rising(c.weeks, options), c.rising) << c.name;
  }
}

TEST(IssueRising, ThresholdsAreSettings) {
  RiseOptions strict;
  strict.min_count = 5;
  strict.ratio = 3.0;
  EXPECT_FALSE(issue_rising(std::vector<std::int64_t>{4, 0, 0, 0, 0}, strict));
  EXPECT_TRUE(issue_rising(std::vector<std::int64_t>{6, 2, 2, 2, 2}, strict));
  EXPECT_FALSE(issue_rising(std::vector<std::int64_t>{5, 2, 2, 2, 2}, strict));
}

struct JumpCase {
  const char* name;
  std::vector<WeekShare> weeks;
  bool jumped;
};

TEST(NegativeJumped, TheShareRisesByTheThreshold) {
  const RiseOptions options;  // 0.2, at least 5 texts this week
  const std::vector<JumpCase> cases = {
      {"half negative after a tenth", {{10, 5}, {10, 1}, {10, 1}, {10, 1}, {10, 1}}, true},
      {"exactly 0.2 more", {{10, 3}, {10, 1}, {10, 1}, {0, 0}, {0, 0}}, true},
      {"0.1 more", {{10, 2}, {10, 1}, {10, 1}, {10, 1}, {10, 1}}, false},
      {"too few texts this week", {{4, 4}, {10, 0}, {10, 0}, {10, 0}, {10, 0}}, false},
      {"no texts before", {{10, 10}, {0, 0}, {0, 0}, {0, 0}, {0, 0}}, false},
      {"falling", {{10, 1}, {10, 6}, {10, 6}, {10, 6}, {10, 6}}, false},
      {"no trailing weeks", {{10, 10}}, false},
  };
  for (const JumpCase& c : cases) {
    EXPECT_EQ(negative_jumped(c.weeks, options), c.jumped) << c.name;
  }
}

TEST(Calendar, DaysAndWeeksStartAtMidnightUtcAndOnMonday) {
  // 2026-12-04 (a Friday) 16:59:25 UTC.
  const UnixMs at = 1796403565000;
  EXPECT_EQ(day_start(at), 1796342400000);   // 2026-12-04 00:00
  EXPECT_EQ(week_start(at), 1795996800000);  // Monday 2026-11-30 00:00
  EXPECT_EQ(week_start(1795996800000), 1795996800000);
  EXPECT_EQ(week_start(1795996800000 - 1), 1795996800000 - 7 * kMsPerDay);  // Sunday night
  EXPECT_EQ(week_start(0), -3 * kMsPerDay);  // 1970-01-01 was a Thursday
}

TEST(Replay, StoredTextsCountAsTheTextsThemselves) {
  const std::vector<std::pair<const char*, const char*>> texts = {
      {"a", "电池不耐用，一天要充三次电。"},
      {"b", "The battery dies after two hours. Terrible."},
      {"c", "屏幕很清晰，拍照也不错，就是电池不行"},
      {"d", "Awful battery, it drains overnight. Great screen though!"},
      {"e", "电池太差了，用半天就没电，很失望"},
      {"f", "Great screen, bright and sharp."},
  };
  PhraseOptions options;
  options.periods = 3;
  PhraseMiner read(SentimentScorer::shared(), search::Segmenter::shared(), options);
  PhraseMiner replayed(SentimentScorer::shared(), search::Segmenter::shared(), options);
  int period = 0;
  for (const auto& [id, text] : texts) {
    const Sentiment direct = read.add(id, text, period % 3);
    const MinedText mined = replayed.analyse(text);
    EXPECT_EQ(mined.sentiment.polarity, direct.polarity) << id;
    EXPECT_DOUBLE_EQ(mined.sentiment.score, direct.score) << id;
    replayed.replay(id, mined, period % 3);
    ++period;
  }
  const auto same = [](const std::vector<Issue>& a, const std::vector<Issue>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].phrase, b[i].phrase);
      EXPECT_EQ(a[i].count, b[i].count);
      EXPECT_DOUBLE_EQ(a[i].weight, b[i].weight);
      EXPECT_EQ(a[i].periods, b[i].periods);
      ASSERT_EQ(a[i].examples.size(), b[i].examples.size());
      for (std::size_t e = 0; e < a[i].examples.size(); ++e) {
        EXPECT_EQ(a[i].examples[e].id, b[i].examples[e].id);
        EXPECT_EQ(a[i].examples[e].quote, b[i].examples[e].quote);
      }
    }
  };
  const std::vector<Issue> complaints = read.complaints(10);
  ASSERT_FALSE(complaints.empty());
  same(complaints, replayed.complaints(10));
  same(read.praise(10), replayed.praise(10));
  // Three periods: the battery's texts per period add up to its count.
  std::int64_t in_periods = 0;
  for (const std::int64_t n : complaints[0].periods) in_periods += n;
  EXPECT_EQ(complaints[0].periods.size(), 3u);
  EXPECT_EQ(in_periods, complaints[0].count);
  EXPECT_EQ(complaints[0].recent, complaints[0].periods[0]);
  EXPECT_EQ(complaints[0].previous, complaints[0].periods[1]);
}

}  // namespace
}  // namespace ecrm::feedback
