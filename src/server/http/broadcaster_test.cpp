#include "server/http/broadcaster.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace tocsin::server::http {
namespace {

TEST(MakeMessage, BuildsSseFrameAndWebSocketTextOnce) {
  auto m = MakeMessage(17, "alert", {"Z1"}, R"({"zone":"Z1"})");
  EXPECT_EQ(m->sse, "id: 17\nevent: alert\ndata: {\"zone\":\"Z1\"}\n\n");
  EXPECT_EQ(m->ws, R"({"type":"alert","id":17,"event":{"zone":"Z1"}})");
}

TEST(MakeMessage, MultiLineJsonBecomesSeveralDataLines) {
  auto m = MakeMessage(1, "alert", {}, "{\n  \"a\": 1\r\n}");
  EXPECT_EQ(m->sse, "id: 1\nevent: alert\ndata: {\ndata:   \"a\": 1\ndata: }\n\n");
}

TEST(SubscriberFilter, ParsesZonesAndMatches) {
  SubscriberFilter f = ParseZonesFilter(" Z1, ,Z2,");
  EXPECT_EQ(f.zones, (std::set<std::string>{"Z1", "Z2"}));
  EXPECT_TRUE(f.Matches(*MakeMessage(1, "alert", {"Z2"}, "{}")));
  EXPECT_TRUE(f.Matches(*MakeMessage(1, "alert", {"Z9", "Z1"}, "{}")));
  EXPECT_FALSE(f.Matches(*MakeMessage(1, "alert", {"Z3"}, "{}")));
  EXPECT_TRUE(f.Matches(*MakeMessage(1, "notice", {}, "{}")));  // zone-less goes to all
  EXPECT_TRUE(ParseZonesFilter("").Matches(*MakeMessage(1, "alert", {"Z3"}, "{}")));
}

TEST(Broadcaster, SharesOneMessageObjectAmongSubscribersAndWakesOncePerBatch) {
  Broadcaster b;
  int wakes_a = 0, wakes_b = 0;
  auto a = b.Subscribe({}, [&] { ++wakes_a; });
  auto c = b.Subscribe(ParseZonesFilter("Z1"), [&] { ++wakes_b; });
  b.Publish("alert", {"Z1"}, "{}");
  b.Publish("alert", {"Z2"}, "{}");
  EXPECT_EQ(wakes_a, 1);  // second publish found a wake already pending
  EXPECT_EQ(wakes_b, 1);
  std::vector<std::shared_ptr<const Message>> got_a, got_c;
  a->Drain(got_a);
  c->Drain(got_c);
  ASSERT_EQ(got_a.size(), 2u);
  ASSERT_EQ(got_c.size(), 1u);
  EXPECT_EQ(got_a[0].get(), got_c[0].get()) << "each subscriber must share the one serialisation";
  b.Publish("alert", {"Z1"}, "{}");
  EXPECT_EQ(wakes_a, 2);  // drained empty -> woken again
  auto st = b.stats();
  EXPECT_EQ(st.subscribers, 2u);
  EXPECT_EQ(st.published, 3u);
  EXPECT_EQ(st.enqueued, 5u);
}

TEST(Broadcaster, OverflowCutsOffOnlyTheSlowSubscriberAndCountsDrops) {
  Broadcaster b;
  int slow_wakes = 0;
  auto slow = b.Subscribe({}, [&] { ++slow_wakes; }, 3);
  auto fast = b.Subscribe({}, [] {}, 3);
  std::vector<std::shared_ptr<const Message>> got;
  for (int i = 0; i < 5; ++i) {
    b.Publish("alert", {}, "{}");
    fast->Drain(got);
  }
  EXPECT_TRUE(slow->overflowed());
  EXPECT_FALSE(fast->overflowed());
  EXPECT_EQ(got.size(), 5u);
  EXPECT_EQ(slow_wakes, 2);  // first message, then the overflow
  std::vector<std::shared_ptr<const Message>> slow_got;
  EXPECT_EQ(slow->Drain(slow_got), 0u) << "an overflowed queue is discarded";
  EXPECT_EQ(slow->dropped(), 4u);  // 3 queued + the 4th that did not fit
  auto st = b.stats();
  EXPECT_EQ(st.overflow_disconnects, 1u);
  EXPECT_EQ(st.dropped, 4u);
  EXPECT_EQ(st.subscribers, 1u);
  b.Publish("alert", {}, "{}");  // the cut-off subscriber takes nothing more
  EXPECT_EQ(b.stats().dropped, 4u);
}

TEST(Broadcaster, LastEventIdReplaysRetainedMatchingMessages) {
  Broadcaster b(Broadcaster::Options{.default_capacity = 16, .replay_capacity = 3});
  for (int i = 0; i < 5; ++i) b.Publish("alert", {i % 2 ? "Z1" : "Z2"}, "{}");  // ids 1..5; 3..5 retained
  auto s = b.Subscribe(ParseZonesFilter("Z2"), [] {}, 0, 2);
  std::vector<std::shared_ptr<const Message>> got;
  s->Drain(got);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]->id, 3u);
  EXPECT_EQ(got[1]->id, 5u);
  EXPECT_EQ(s->replayed(), 2u);
}

TEST(Broadcaster, CancelStopsWakesAndUnsubscribes) {
  Broadcaster b;
  int wakes = 0;
  auto s = b.Subscribe({}, [&] { ++wakes; });
  s->Cancel();
  b.Publish("alert", {}, "{}");
  EXPECT_EQ(wakes, 0);
  EXPECT_EQ(b.stats().subscribers, 0u);
}

TEST(Broadcaster, ConcurrentPublishSubscribeAndDrainIsSafe) {
  Broadcaster b;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> received{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        auto s = b.Subscribe({}, [] {}, 100000);
        std::vector<std::shared_ptr<const Message>> got;
        for (int k = 0; k < 50; ++k) s->Drain(got);
        received += got.size();
      }
    });
  }
  for (int i = 0; i < 20000; ++i) b.Publish("alert", {}, "{}");
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(b.stats().published, 20000u);
  EXPECT_EQ(b.stats().subscribers, 0u);
}

}  // namespace
}  // namespace tocsin::server::http
