// Memory of the alert engine over a long run (issue 4: "memory flat over 12 hours").
#include <malloc.h>

#include <string>

#include <gtest/gtest.h>

#include "alert/engine.h"
#include "alert/test_catalog.h"

namespace tocsin::alert {
namespace {

std::size_t HeapInUse() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// Replays of a night kept megabytes after the last track ended: every zone ever
// crossed kept the capacity its threat list, threat slots, contributor list and check
// queue had at its busiest moment. 3,000 tracks over a row of 6 zones, all ended:
// what stays is the engine's per-track slot (~200 bytes each), not per-zone peaks.
TEST(EngineMemoryTest, ZonesLeftQuietKeepTheCapacityOfTheirBusiestMoment) {
  const zones::Catalog catalog = testing::LoadOrDie(testing::RowZones(6, 3));
  MemoryAlertSink sink;
  Policy policy;
  policy.categories.fill(CategoryPolicy{});
  AlertEngine engine(catalog, policy, sink);
  const std::size_t before = HeapInUse();
  const int tracks = 3000;
  double t = 1000.0;
  for (int i = 0; i < tracks; ++i) {
    Danger d;
    d.track = TrackId("trk-" + std::to_string(i));
    d.category = ThreatCategory::kDrone;
    d.confidence = 0.9;
    d.uncertainty = Metres(500);
    d.areas.push_back({Disc{testing::RowCentre(0), Metres(100000)}, UnixTime(t), UnixTime(t + 60)});
    engine.UpsertDanger(d, UnixTime(t));
    t += 0.01;
  }
  const std::size_t busiest = HeapInUse();
  for (int i = 0; i < tracks; ++i) engine.RemoveDanger(TrackId("trk-" + std::to_string(i)), EndReason::kThreatPassed, UnixTime(t));
  for (double s = t; s < t + 1000; s += 1.0) engine.Tick(UnixTime(s));
  ASSERT_TRUE(engine.Active().empty());
  const std::size_t after = HeapInUse();
  ASSERT_GT(busiest, before + 4'000'000) << "the set-up should fill the zones";
  EXPECT_LT(after, before + 1'500'000) << "busiest " << busiest - before << " bytes over the start, after "
                                       << after - before;
}

}  // namespace
}  // namespace tocsin::alert
