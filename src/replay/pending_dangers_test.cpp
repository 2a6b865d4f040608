#include "replay/pending_dangers.h"

#include <gtest/gtest.h>

namespace tocsin::replay {
namespace {

alert::Danger DangerOf(const char* track, double confidence) {
  alert::Danger d;
  d.track = TrackId(track);
  d.confidence = confidence;
  return d;
}

TEST(PendingDangers, NewerDangerReplacesTheWaitingOneAndKeepsItsPlace) {
  PendingDangers p;
  EXPECT_FALSE(p.Put(DangerOf("a", 0.1), UnixTime(10)));
  EXPECT_FALSE(p.Put(DangerOf("b", 0.2), UnixTime(11)));
  EXPECT_TRUE(p.Put(DangerOf("a", 0.3), UnixTime(12)));
  ASSERT_EQ(p.size(), 2u);
  PendingDangers::Waiting first = p.TakeOldest();
  EXPECT_EQ(first.danger.track, TrackId("a"));
  EXPECT_DOUBLE_EQ(first.danger.confidence, 0.3);  // the newest estimate
  EXPECT_EQ(first.since, UnixTime(10));            // waiting since the first
  EXPECT_EQ(p.TakeOldest().danger.track, TrackId("b"));
  EXPECT_TRUE(p.empty());
}

TEST(PendingDangers, TakenTrackPutAgainGoesToTheBack) {
  PendingDangers p;
  p.Put(DangerOf("a", 0.1), UnixTime(1));
  p.Put(DangerOf("b", 0.1), UnixTime(2));
  p.Put(DangerOf("c", 0.1), UnixTime(3));
  ASSERT_TRUE(p.Take(TrackId("a")).has_value());
  EXPECT_FALSE(p.Take(TrackId("a")).has_value());
  p.Put(DangerOf("a", 0.5), UnixTime(4));
  EXPECT_EQ(p.TakeOldest().danger.track, TrackId("b"));
  EXPECT_EQ(p.TakeOldest().danger.track, TrackId("c"));
  PendingDangers::Waiting a = p.TakeOldest();
  EXPECT_EQ(a.danger.track, TrackId("a"));
  EXPECT_EQ(a.since, UnixTime(4));
  EXPECT_TRUE(p.empty());
}

TEST(PendingDangers, EveryTrackIsTakenOnceAPassHoweverOftenOthersUpdate) {
  PendingDangers p;
  for (int i = 0; i < 100; ++i) p.Put(DangerOf(("t" + std::to_string(i)).c_str(), 0), UnixTime(i));
  // Each taken track comes straight back; the 100 still come out in their order.
  for (int i = 0; i < 100; ++i) {
    PendingDangers::Waiting w = p.TakeOldest();
    EXPECT_EQ(w.danger.track, TrackId("t" + std::to_string(i)));
    p.Put(std::move(w.danger), UnixTime(100 + i));
  }
  EXPECT_EQ(p.size(), 100u);
  EXPECT_EQ(p.TakeOldest().danger.track, TrackId("t0"));
}

// A caller marks issued() after feeding an input; the input's dangers are all
// decided once FirstWaiting() reaches the mark, and not before.
TEST(PendingDangers, FirstWaitingReachesAMarkOnlyWhenEverythingBeforeItLeft) {
  PendingDangers p;
  EXPECT_EQ(p.FirstWaiting(), p.issued());  // nothing waits
  p.Put(DangerOf("a", 0.1), UnixTime(1));
  p.Put(DangerOf("b", 0.1), UnixTime(1));
  const std::uint64_t mark_ab = p.issued();
  p.Put(DangerOf("a", 0.2), UnixTime(2));  // replaces a's: no new ticket
  EXPECT_EQ(p.issued(), mark_ab);
  p.Put(DangerOf("c", 0.1), UnixTime(2));
  const std::uint64_t mark_c = p.issued();
  EXPECT_LT(p.FirstWaiting(), mark_ab);
  // Taking b out of turn (its track ended) leaves a waiting: not yet.
  ASSERT_TRUE(p.Take(TrackId("b")).has_value());
  EXPECT_LT(p.FirstWaiting(), mark_ab);
  EXPECT_EQ(p.TakeOldest().danger.track, TrackId("a"));
  EXPECT_GE(p.FirstWaiting(), mark_ab);
  EXPECT_LT(p.FirstWaiting(), mark_c);
  EXPECT_EQ(p.TakeOldest().danger.track, TrackId("c"));
  EXPECT_GE(p.FirstWaiting(), mark_c);
  EXPECT_EQ(p.FirstWaiting(), p.issued());
}

}  // namespace
}  // namespace tocsin::replay
