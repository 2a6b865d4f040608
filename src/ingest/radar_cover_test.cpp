#include "ingest/radar_cover.h"

#include <gtest/gtest.h>

namespace tocsin::ingest {
namespace {

SensorDescription Radar() {
  SensorDescription s;
  s.id = SensorId("RAD-1");
  s.type = SensorType::kRadar;
  s.position = LatLon{50.0, 30.0};
  s.alt_m = 180.0;
  s.max_range_m = 300000.0;
  s.min_elevation_deg = -0.3;
  return s;
}

TEST(RadarCoverTest, HighTargetInRangeIsCoveredLowFarOneIsBelowTheHorizon) {
  const SensorDescription r = Radar();
  const LatLon far = GeodesicDestination(*r.position, 90.0, Metres(200000));
  EXPECT_TRUE(RadarCovers(r, far, 5000.0));
  // 4/3-earth radar horizon for 180 m + 416 m is ~139 km: a 416 m drone at 200 km hides.
  EXPECT_FALSE(RadarCovers(r, far, 416.0));
  const LatLon near = GeodesicDestination(*r.position, 90.0, Metres(60000));
  EXPECT_TRUE(RadarCovers(r, near, 416.0));
}

TEST(RadarCoverTest, BeyondMaxRangeOrNotARadarIsNotCovered) {
  SensorDescription r = Radar();
  EXPECT_FALSE(RadarCovers(r, GeodesicDestination(*r.position, 0.0, Metres(310000)), 20000.0));
  r.type = SensorType::kAcoustic;
  EXPECT_FALSE(RadarCovers(r, GeodesicDestination(*r.position, 0.0, Metres(1000)), 500.0));
  r = Radar();
  r.position.reset();
  EXPECT_FALSE(RadarCovers(r, LatLon{50.0, 30.1}, 500.0));
}

TEST(RadarCoverTest, HorizonDipGrowsWithRadarHeight) {
  EXPECT_DOUBLE_EQ(HorizonDipDeg(0.0), 0.0);
  EXPECT_GT(HorizonDipDeg(1000.0), HorizonDipDeg(100.0));
}

}  // namespace
}  // namespace tocsin::ingest
