#include "recommend/list_cache.hpp"

#include <gtest/gtest.h>

namespace ecrm::recommend {
namespace {

std::shared_ptr<const StoredList> list(std::int64_t customer, std::int64_t build, UnixMs computed,
                                       std::size_t item_bytes = 100) {
  return std::make_shared<const StoredList>(
      StoredList{customer, build, computed, "rebuild", "[]", std::string(item_bytes, 'x')});
}

TEST(ListCache, FindsWhatWasPutUntilItExpires) {
  ListCache cache(ListCacheOptions{.max_bytes = 1 << 20, .ttl_ms = 1000});
  EXPECT_EQ(cache.find(7, 0), nullptr);
  cache.put(list(7, 1, 10), 5000);
  ASSERT_NE(cache.find(7, 5000), nullptr);
  EXPECT_EQ(cache.find(7, 5999)->build_id, 1);
  EXPECT_EQ(cache.find(7, 6000), nullptr) << "expired ttl after loading";
  EXPECT_EQ(cache.find(8, 5000), nullptr);
}

TEST(ListCache, ALaterListReplacesAnEarlierOneButNotTheOtherWayRound) {
  ListCache cache(ListCacheOptions{.max_bytes = 1 << 20, .ttl_ms = 1000});
  cache.put(list(7, 1, 10), 0);
  cache.put(list(7, 1, 20), 0);  // a refresh
  EXPECT_EQ(cache.find(7, 0)->computed_at, 20);
  cache.put(list(7, 1, 15), 0);  // a read that raced with the refresh
  EXPECT_EQ(cache.find(7, 0)->computed_at, 20);
  cache.put(list(7, 2, 5), 0);  // a later build
  EXPECT_EQ(cache.find(7, 0)->build_id, 2);
  cache.put(list(7, 1, 30), 2000);  // after expiry whatever is read is taken
  EXPECT_EQ(cache.find(7, 2000)->build_id, 1);
}

TEST(ListCache, BestSellersDoNotReplaceALivePersonalListOfTheSameBuild) {
  ListCache cache(ListCacheOptions{.max_bytes = 1 << 20, .ttl_ms = 1000});
  auto best_sellers = [](std::int64_t build, UnixMs built_at) {
    return std::make_shared<const StoredList>(StoredList{
        7, build, built_at, std::string(kBestSellersSource), "[]", "[best-sellers]"});
  };
  // A refresh computed just before the build's built_at, then a read of the best-sellers that
  // raced with it: the personal list stays.
  cache.put(list(7, 2, 100), 0);
  cache.put(best_sellers(2, 150), 10);
  EXPECT_EQ(cache.find(7, 10)->source, "rebuild");
  // Best-sellers of a later build do replace it, and so does anything once it is old.
  cache.put(best_sellers(3, 50), 20);
  EXPECT_EQ(cache.find(7, 20)->source, kBestSellersSource);
  cache.put(list(7, 2, 100), 30);  // an earlier build's list does not replace a live entry
  EXPECT_EQ(cache.find(7, 30)->build_id, 3);
  cache.put(list(7, 3, 60), 40);  // a personal list of the same build replaces best-sellers
  EXPECT_EQ(cache.find(7, 40)->source, "rebuild");
  cache.put(best_sellers(3, 50), 2000);
  EXPECT_EQ(cache.find(7, 2000)->source, kBestSellersSource);
}

TEST(ListCache, StaysWithinItsBudgetEvictingTheOldestFirst) {
  // 16 shards of 4 KiB: about 3 lists of 1 KiB per shard.
  ListCache cache(ListCacheOptions{.max_bytes = 16 * 4096, .ttl_ms = 1'000'000});
  for (std::int64_t id = 0; id < 16 * 20; ++id) cache.put(list(id, 1, 1, 1024), 0);
  EXPECT_LE(cache.bytes(), std::size_t{16 * 4096});
  EXPECT_GT(cache.size(), 16u);
  EXPECT_LT(cache.size(), 16u * 20u);
  // The newest of each shard is kept, the oldest is gone.
  EXPECT_NE(cache.find(16 * 20 - 1, 0), nullptr);
  EXPECT_EQ(cache.find(0, 0), nullptr);
  // Replacing the same entry over and over keeps it, and the size accounted stays the same.
  const std::size_t before = cache.bytes();
  for (int i = 2; i < 500; ++i) cache.put(list(16 * 20 - 1, 1, i, 1024), 0);
  EXPECT_EQ(cache.bytes(), before);
  EXPECT_EQ(cache.find(16 * 20 - 1, 0)->computed_at, 499);
  // A list larger than a shard's budget is not kept.
  cache.put(list(5000, 1, 1, 8192), 0);
  EXPECT_EQ(cache.find(5000, 0), nullptr);
}

TEST(ListCache, ClearForgetsEverything) {
  ListCache cache;
  for (std::int64_t id = 1; id <= 50; ++id) cache.put(list(id, 1, 1), 0);
  EXPECT_EQ(cache.size(), 50u);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.find(1, 0), nullptr);
}

TEST(ListCache, AnOldEntryIsServedToOneReloaderUntilTwiceTheTtl) {
  ListCache cache(ListCacheOptions{.max_bytes = 1 << 20, .ttl_ms = 1000});
  cache.put(list(7, 1, 10), 5000);
  auto fresh = cache.serve(7, 5999);
  ASSERT_NE(fresh.list, nullptr);
  EXPECT_FALSE(fresh.stale);
  EXPECT_FALSE(fresh.reload);
  auto first = cache.serve(7, 6000);
  ASSERT_NE(first.list, nullptr) << "served while it is read again";
  EXPECT_TRUE(first.stale);
  EXPECT_TRUE(first.reload);
  auto second = cache.serve(7, 6500);
  ASSERT_NE(second.list, nullptr);
  EXPECT_TRUE(second.stale);
  EXPECT_FALSE(second.reload) << "only one reader reloads it";
  EXPECT_EQ(cache.serve(7, 7000).list, nullptr) << "never served at twice the ttl";
  EXPECT_EQ(cache.serve(8, 5000).list, nullptr);

  // The reload puts the list again: fresh, and the next expiry asks for a reload again.
  cache.put(list(7, 1, 10), 6600);
  auto reloaded = cache.serve(7, 7000);
  ASSERT_NE(reloaded.list, nullptr);
  EXPECT_FALSE(reloaded.reload);
  EXPECT_TRUE(cache.serve(7, 7600).reload);

  // A list gone from the database is erased; its bytes with it.
  cache.erase(7);
  EXPECT_EQ(cache.serve(7, 7600).list, nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

}  // namespace
}  // namespace ecrm::recommend
