// Fail-safe widening on the real Ukrainian hromada catalog: an uncertain or blind
// danger in one hromada alerts every hromada of its oblast, and no other.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "alert/engine.h"

namespace tocsin::alert {
namespace {

constexpr double T0 = 1757203200.0;

class FailsafeRealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = std::string(TOCSIN_SHARED_DIR) + "/data/zones/ua-hromadas.geojson";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared catalog absent: " << path;
    auto c = zones::Catalog::LoadFile(path);
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = std::make_unique<zones::Catalog>(std::move(c).value());
  }

  // A small danger at a point inside Poltava oblast (UA-53), away from its borders.
  Danger PoltavaDanger() const {
    Danger d;
    d.track = TrackId("trk-1");
    d.category = ThreatCategory::kDrone;
    d.confidence = 0.9;
    d.uncertainty = Metres(500);
    d.sensors = {SensorId("ac-17")};
    d.areas.push_back({Disc{{49.59, 34.55}, Metres(1000)}, UnixTime(T0 + 60), UnixTime(T0 + 600)});
    return d;
  }

  std::set<std::string> StartedZones(const MemoryAlertSink& sink) const {
    std::set<std::string> out;
    for (const auto& e : sink.events())
      if (e.kind == AlertEventKind::kStart) out.insert(e.zone.str());
    return out;
  }

  std::set<std::string> OblastZones(const std::string& parent) const {
    std::set<std::string> out;
    for (const auto& z : catalog_->zones())
      if (z.parent.str() == parent) out.insert(z.id.str());
    return out;
  }

  std::unique_ptr<zones::Catalog> catalog_;
};

TEST_F(FailsafeRealTest, PreciseDangerAlertsOnlyItsHromada) {
  MemoryAlertSink sink;
  AlertEngine e(*catalog_, Policy::Defaults(), sink);
  e.UpsertDanger(PoltavaDanger(), UnixTime(T0));
  const auto zones = StartedZones(sink);
  ASSERT_GE(zones.size(), 1u);
  EXPECT_LE(zones.size(), 3u);
}

TEST_F(FailsafeRealTest, LargeUncertaintyWidensToTheWholeOblast) {
  MemoryAlertSink sink;
  AlertEngine e(*catalog_, Policy::Defaults(), sink);
  Danger d = PoltavaDanger();
  d.uncertainty = Metres(25000);
  e.UpsertDanger(d, UnixTime(T0));
  const auto oblast = OblastZones("UA-53");
  ASSERT_GT(oblast.size(), 30u);
  EXPECT_EQ(StartedZones(sink), oblast);
}

TEST_F(FailsafeRealTest, BlindSensorWidensToTheWholeOblast) {
  MemoryAlertSink sink;
  AlertEngine e(*catalog_, Policy::Defaults(), sink);
  e.UpsertDanger(PoltavaDanger(), UnixTime(T0));
  e.SetSensorStale(SensorId("ac-17"), true, UnixTime(T0 + 1));
  EXPECT_EQ(StartedZones(sink), OblastZones("UA-53"));
}

}  // namespace
}  // namespace tocsin::alert
