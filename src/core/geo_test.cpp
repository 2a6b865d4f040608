#include "core/geo.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/category.h"

namespace tocsin {
namespace {

TEST(Geo, GeodesicDistanceKyivToOdesaMatchesKnownValue) {
  // Kyiv (50.4501, 30.5234) to Odesa (46.4825, 30.7233): about 441.6 km.
  Metres d = GeodesicDistance({50.4501, 30.5234}, {46.4825, 30.7233});
  EXPECT_NEAR(d.value(), 441'600.0, 1'000.0);
}

TEST(Geo, DestinationInvertsDistanceAndAzimuth) {
  LatLon a{48.0, 35.0};
  LatLon b = GeodesicDestination(a, 73.0, Metres(123'456.0));
  EXPECT_NEAR(GeodesicDistance(a, b).value(), 123'456.0, 1e-6);
  EXPECT_NEAR(GeodesicAzimuth(a, b), 73.0, 1e-9);
}

TEST(Geo, LocalTangentPlaneIsAccurateWithinTwentyKilometres) {
  LatLon o{49.0, 32.0};
  LocalTangentPlane ltp(o);
  for (double az = 0; az < 360; az += 30) {
    LatLon p = GeodesicDestination(o, az, Metres(20'000));
    double x, y;
    ltp.Forward(p, &x, &y);
    EXPECT_NEAR(std::hypot(x, y), 20'000.0, 15.0) << "azimuth " << az;
  }
}

TEST(Geo, ValidLatLonRejectsOutOfRangeAndNaN) {
  EXPECT_TRUE(IsValidLatLon(90, 180));
  EXPECT_FALSE(IsValidLatLon(90.1, 0));
  EXPECT_FALSE(IsValidLatLon(0, -180.5));
  EXPECT_FALSE(IsValidLatLon(std::nan(""), 0));
}

TEST(Category, RoundTripsEveryName) {
  for (auto c : {ThreatCategory::kDrone, ThreatCategory::kCruiseMissile,
                 ThreatCategory::kBallisticMissile, ThreatCategory::kRocket,
                 ThreatCategory::kAircraft, ThreatCategory::kUnknown}) {
    EXPECT_EQ(ParseThreatCategory(ToString(c)), c);
  }
  EXPECT_FALSE(ParseThreatCategory("Drone").has_value());
}

}  // namespace
}  // namespace tocsin
