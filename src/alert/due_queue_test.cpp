#include "alert/due_queue.h"

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace tocsin::alert {
namespace {

struct Item {
  double key;
  int id;
};

TEST(DueQueueTest, PopsInAscendingKeyOrder) {
  DueQueue<Item> q;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-100, 100);
  std::vector<double> keys;
  for (int i = 0; i < 500; ++i) {
    keys.push_back(u(rng));
    q.Push({keys.back(), i});
  }
  std::sort(keys.begin(), keys.end());
  for (double k : keys) {
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q.Top().key, k);
    q.Pop();
  }
  EXPECT_TRUE(q.empty());
}

TEST(DueQueueTest, InfiniteKeysOrderToo) {
  DueQueue<Item> q;
  q.Push({5, 1});
  q.Push({-std::numeric_limits<double>::infinity(), 2});
  q.Push({std::numeric_limits<double>::infinity(), 3});
  q.Push({0, 4});
  std::vector<int> order;
  while (!q.empty()) {
    order.push_back(q.Top().id);
    q.Pop();
  }
  EXPECT_EQ(order, (std::vector<int>{2, 4, 1, 3}));
}

TEST(DueQueueTest, CompactsOnlyWhenBloatedAndKeepsLiveItemsInOrder) {
  DueQueue<Item> q;
  std::set<int> live;
  for (int i = 0; i < 100; ++i) {
    q.Push({static_cast<double>(100 - i), i});
    if (i % 10 == 0) live.insert(i);
  }
  auto is_live = [&](const Item& it) { return live.count(it.id) > 0; };
  // 100 items, 10 live: 100 > 2 * 10 + 16, so it compacts.
  EXPECT_TRUE(q.CompactIfBloated(live.size(), is_live));
  EXPECT_EQ(q.size(), live.size());
  // Not bloated any more: nothing happens.
  EXPECT_FALSE(q.CompactIfBloated(live.size(), is_live));
  std::vector<int> order;
  while (!q.empty()) {
    order.push_back(q.Top().id);
    q.Pop();
  }
  EXPECT_EQ(order, (std::vector<int>{90, 80, 70, 60, 50, 40, 30, 20, 10, 0}));
}

TEST(DueQueueTest, NotBloatedQueueKeepsStaleItems) {
  DueQueue<Item> q;
  for (int i = 0; i < 20; ++i) q.Push({static_cast<double>(i), i});
  EXPECT_FALSE(q.CompactIfBloated(2, [](const Item&) { return false; }));  // 20 <= 2*2+16
  EXPECT_EQ(q.size(), 20u);
}

}  // namespace
}  // namespace tocsin::alert
