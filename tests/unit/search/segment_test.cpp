#include "search/segment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>

namespace ecrm::search {
namespace {

std::vector<std::string> texts_of(const std::vector<Word>& words) {
  std::vector<std::string> out;
  for (const Word& w : words) out.push_back(w.text);
  return out;
}

bool has(const std::vector<std::string>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

TEST(Segmenter, KeepsShopWordsWholeInsideSentences) {
  const Segmenter& seg = Segmenter::shared();
  // ICU alone gives 退|货, 客|服, 包|邮 and 性|价|比高 here.
  const auto words = texts_of(seg.words("我想申请退货，客服说可以包邮。"));
  EXPECT_TRUE(has(words, "退货"));
  EXPECT_TRUE(has(words, "客服"));
  EXPECT_TRUE(has(words, "包邮"));
  EXPECT_FALSE(has(words, "退"));
  EXPECT_FALSE(has(words, "服"));
  EXPECT_EQ(words, (std::vector<std::string>{"我想", "申请", "退货", "客服", "说", "可以", "包邮"}));

  const auto other = texts_of(seg.words("这个手机续航很好，性价比高，好评！"));
  EXPECT_TRUE(has(other, "续航"));
  EXPECT_TRUE(has(other, "性价比"));
  EXPECT_TRUE(has(other, "好评"));
  // ICU's own words stay when no domain word is involved.
  EXPECT_TRUE(has(other, "这个"));
}

TEST(Segmenter, EnglishWordsAreFoldedAndStemmed) {
  const Segmenter& seg = Segmenter::shared();
  const auto a = texts_of(seg.words("Batteries"));
  const auto b = texts_of(seg.words("battery"));
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0], b[0]);
  EXPECT_EQ(texts_of(seg.words("Charging CHARGED charges")),
            (std::vector<std::string>{"charg", "charg", "charg"}));
  // Diacritics, full-width letters and apostrophes fold away; numbers are kept.
  EXPECT_EQ(texts_of(seg.words("Café")), texts_of(seg.words("cafe")));
  EXPECT_EQ(texts_of(seg.words("ＡＢＣ")), (std::vector<std::string>{"abc"}));
  EXPECT_EQ(texts_of(seg.words("don't 3.5 42")), (std::vector<std::string>{"dont", "3.5", "42"}));
}

TEST(Segmenter, MixedChineseAndEnglish) {
  const Segmenter& seg = Segmenter::shared();
  const std::string text = "iPhone的电池batteries续航差，申请退货 refund!";
  const auto words = seg.words(text);
  const auto list = texts_of(words);
  EXPECT_TRUE(has(list, "iphon"));
  EXPECT_TRUE(has(list, "电池"));
  EXPECT_TRUE(has(list, "batteri"));
  EXPECT_TRUE(has(list, "续航"));
  EXPECT_TRUE(has(list, "退货"));
  EXPECT_TRUE(has(list, "refund"));
  for (const Word& w : words) {
    EXPECT_EQ(w.cjk, w.text == "的" || (static_cast<unsigned char>(w.text[0]) & 0x80) != 0) << w.text;
  }
}

TEST(Segmenter, OffsetsMapBackToTheInput) {
  const Segmenter& seg = Segmenter::shared();
  const std::string text = "  Fast 发货, 客服很NICE。Batteries退货 ok";
  const auto words = seg.words(text);
  ASSERT_FALSE(words.empty());
  std::size_t previous_end = 0;
  for (const Word& w : words) {
    ASSERT_LT(w.begin, w.end);
    ASSERT_LE(w.end, text.size());
    EXPECT_GE(w.begin, previous_end);
    previous_end = w.end;
    const std::string original = text.substr(w.begin, w.end - w.begin);
    if (w.cjk) {
      EXPECT_EQ(original, w.text);
    } else {
      // The original word, segmented alone, gives the same term.
      EXPECT_EQ(texts_of(seg.words(original)), std::vector<std::string>{w.text});
    }
  }
  EXPECT_EQ(text.substr(words[0].begin, words[0].end - words[0].begin), "Fast");
  EXPECT_EQ(text.substr(words.back().begin, words.back().end - words.back().begin), "ok");
}

TEST(Segmenter, TermsJoinWordsAndAddCjkBigrams) {
  const Segmenter& seg = Segmenter::shared();
  const std::string m(kBigramMarker);
  EXPECT_EQ(seg.terms("Fast 退货!"), "fast 退货 " + m + "退货");
  EXPECT_EQ(seg.terms("申请退货"), "申请 退货 " + m + "申请 " + m + "请退 " + m + "退货");
  EXPECT_EQ(seg.words_text("申请退货, fast"), "申请 退货 fast");
  EXPECT_EQ(seg.terms("hello"), "hello");
  EXPECT_EQ(seg.terms(""), "");
}

TEST(Segmenter, SurvivesEmptyGarbageAndInvalidUtf8) {
  const Segmenter& seg = Segmenter::shared();
  EXPECT_TRUE(seg.words("").empty());
  EXPECT_TRUE(seg.words("   ,.!?，。、 \t\n").empty());
  EXPECT_TRUE(seg.words(std::string_view("\0\0\0", 3)).empty());
  const std::string invalid = "\xff\xfe abc \xe9 \xe9\x80 退\xe8货 \xc0\xaf";
  const auto words = seg.words(invalid);
  for (const Word& w : words) {
    EXPECT_LE(w.end, invalid.size());
    EXPECT_LT(w.begin, w.end);
  }
  EXPECT_TRUE(has(texts_of(words), "abc"));
  (void)seg.terms(invalid);
  // Random bytes: no crash, offsets in range.
  std::mt19937 gen(7);
  for (int round = 0; round < 200; ++round) {
    std::string bytes(static_cast<std::size_t>(gen() % 64), '\0');
    for (char& ch : bytes) ch = static_cast<char>(gen() % 256);
    for (const Word& w : seg.words(bytes)) {
      ASSERT_LE(w.end, bytes.size());
      ASSERT_LT(w.begin, w.end);
    }
    (void)seg.terms(bytes);
  }
  // A long text.
  std::string long_text;
  for (int i = 0; i < 5000; ++i) long_text += "退货很慢 slow refunds ";
  EXPECT_EQ(seg.words(long_text).size(), 5000u * 4u);  // 退货 很慢 slow refund
}

TEST(Segmenter, IsSafeToShareBetweenThreads) {
  const Segmenter& seg = Segmenter::shared();
  const auto expected = seg.terms("客服态度很好 batteries 退货");
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        if (seg.terms("客服态度很好 batteries 退货") != expected) ++mismatches[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(Segmenter, LearnedWordsJoinTheDomainList) {
  const Segmenter plain;
  // ICU splits this made-up product name.
  const auto before = texts_of(plain.words("我买的蓝鲸壶很好"));
  EXPECT_FALSE(has(before, "蓝鲸壶"));
  const Segmenter learned({"蓝鲸壶", "x", "ab", "太长太长太长太长太长"});
  EXPECT_TRUE(learned.is_domain_word("蓝鲸壶"));
  EXPECT_FALSE(learned.is_domain_word("ab"));  // not CJK
  EXPECT_FALSE(learned.is_domain_word("太长太长太长太长太长"));  // longer than kMaxWordChars
  EXPECT_TRUE(has(texts_of(learned.words("我买的蓝鲸壶很好")), "蓝鲸壶"));
  EXPECT_GT(plain.domain_word_count(), 300u);
}

TEST(LearnWords, FindsFrequentCohesiveNgramsThatIcuSplits) {
  // A shop's texts mentioning a product ICU does not know (蓝鲸壶) in varied contexts, and
  // common filler that is frequent but not a word.
  const std::vector<std::string> contexts_before = {"我买的", "这个", "新款", "朋友送的", "昨天到的",
                                                    "家里的", "办公室用", "第二个"};
  const std::vector<std::string> contexts_after = {"很好用", "漏水了", "颜色好看", "声音大",
                                                   "加热快", "有异味", "不错", "坏了"};
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < contexts_before.size(); ++i) {
    for (std::size_t j = 0; j < contexts_after.size(); ++j) {
      texts.push_back(contexts_before[i] + "蓝鲸壶" + contexts_after[j] + "。");
    }
  }
  // Filler: sentences of everyday words ICU knows, in random order.
  const std::vector<std::string> bank = {"今天", "天气", "我们", "朋友", "公司", "时间", "东西",
                                         "觉得", "非常", "喜欢", "一起", "已经", "还是", "因为",
                                         "所以", "但是", "晚上", "早上", "孩子", "学校", "工作"};
  std::mt19937 gen(11);
  for (int i = 0; i < 400; ++i) {
    std::string sentence;
    for (int k = 0; k < 6; ++k) sentence += bank[gen() % bank.size()];
    texts.push_back(sentence + "。");
  }
  const Segmenter plain;
  ASSERT_FALSE(has(texts_of(plain.words(texts[0])), "蓝鲸壶"));
  const auto learned = learn_words(texts, plain);
  std::vector<std::string> found;
  for (const auto& w : learned) found.push_back(w.word);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), "蓝鲸壶") << ::testing::PrintToString(found);
  // The filler's chance pairs of words are not cohesive.
  EXPECT_LE(found.size(), 3u) << ::testing::PrintToString(found);
  // Its parts occur exactly as often and are dropped; so are n-grams with fixed neighbours.
  EXPECT_FALSE(has(found, "蓝鲸"));
  EXPECT_FALSE(has(found, "鲸壶"));
  EXPECT_FALSE(has(found, "的蓝鲸"));
  // Words the segmenter already gives whole are not learned again.
  EXPECT_FALSE(has(found, "颜色"));
  // Rare n-grams are not words.
  LearnOptions strict;
  strict.min_count = 100;
  EXPECT_TRUE(learn_words(texts, plain, strict).empty());
  // Installed, the word is kept whole.
  Segmenter with(found);
  EXPECT_TRUE(has(texts_of(with.words("新款蓝鲸壶不错")), "蓝鲸壶"));
}

}  // namespace
}  // namespace ecrm::search
