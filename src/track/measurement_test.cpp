#include "track/measurement.h"

#include <GeographicLib/LocalCartesian.hpp>
#include <gtest/gtest.h>

#include <cmath>

#include "track/ecef.h"

namespace tocsin::track {
namespace {

constexpr double kDeg = M_PI / 180.0;

TEST(Ecef, RoundTripsGeodetic) {
  const Vec3 p = ToEcef(49.9, 36.1, 12345.0);
  const Geodetic g = ToGeodetic(p);
  EXPECT_NEAR(g.lat, 49.9, 1e-9);
  EXPECT_NEAR(g.lon, 36.1, 1e-9);
  EXPECT_NEAR(g.alt, 12345.0, 1e-6);
  EXPECT_NEAR(ApproxAltitude(p), 12345.0, 30.0);
  EXPECT_NEAR(ApproxAltitude(ToEcef(10.0, -70.0, 250000.0)), 250000.0, 60.0);
  // The local frame at an ECEF point matches the one at its geodetic lat/lon.
  for (auto [lat, lon, alt] : {std::tuple{49.9, 36.1, 0.0}, std::tuple{-33.0, 151.0, 20000.0},
                               std::tuple{31.5, 34.5, 150000.0}}) {
    const Mat3 a = EnuToEcefAt(ToEcef(lat, lon, alt));
    const Mat3 b = EnuToEcef(lat, lon);
    EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-4) << lat;
  }
}

// A plot computed with GeographicLib::LocalCartesian converts back to the same point.
TEST(ConvertPlot, RoundTripsWithLocalCartesian) {
  const double slat = 49.90, slon = 36.10, salt = 150.0;
  GeographicLib::LocalCartesian lc(slat, slon, salt);
  const SensorFrame f = MakeSensorFrame(slat, slon, salt);
  for (auto [lat, lon, alt] : {std::tuple{50.5, 36.8, 15000.0}, std::tuple{49.1, 35.0, 300.0},
                               std::tuple{49.95, 36.12, 2000.0}}) {
    double e, n, u;
    lc.Forward(lat, lon, alt, e, n, u);
    const double r = std::sqrt(e * e + n * n + u * u);
    const double az = std::atan2(e, n) / kDeg;
    const double el = std::atan2(u, std::hypot(e, n)) / kDeg;
    Vec3 p;
    Mat3 cov;
    ConvertPlot(f, r, az, el, 60.0, 0.2, 0.2, &p, &cov);
    const Geodetic g = ToGeodetic(p);
    EXPECT_NEAR(g.lat, lat, 1e-8);
    EXPECT_NEAR(g.lon, lon, 1e-8);
    EXPECT_NEAR(g.alt, alt, 1e-3);
    // Cross-range sigma ~ r * 0.2 deg dominates the covariance's largest axis.
    const double largest = std::sqrt(Eigen::SelfAdjointEigenSolver<Mat3>(cov).eigenvalues().maxCoeff());
    EXPECT_NEAR(largest, r * 0.2 * kDeg, r * 0.2 * kDeg * 0.02 + 60.0);
  }
}

TEST(ElevationForAltitude, PutsPlotAtRequestedAltitude) {
  const SensorFrame f = MakeSensorFrame(49.6, 34.5, 160.0);
  for (double range : {20000.0, 100000.0, 250000.0}) {
    const double el = ElevationForAltitude(f, range, 5000.0);
    Vec3 p;
    Mat3 c;
    ConvertPlot(f, range, 45.0, el, 1, 1, 1, &p, &c);
    EXPECT_NEAR(ToGeodetic(p).alt, 5000.0, 50.0) << range;
  }
}

// Numeric Jacobian of each kind agrees with the analytic one.
TEST(Linearize, JacobiansMatchFiniteDifferences) {
  const SensorFrame f = MakeSensorFrame(46.5, 30.7, 50.0);
  Vec6 x;
  x.head<3>() = f.FromEnu(Vec3(3000.0, 2000.0, 800.0));
  x.tail<3>() = Vec3(10, 20, 0);
  for (auto kind : {MeasurementKind::kRangeAzimuth, MeasurementKind::kBearing, MeasurementKind::kHorizontalPosition,
                    MeasurementKind::kPosition3d}) {
    Measurement m;
    m.kind = kind;
    m.dim = kind == MeasurementKind::kBearing ? 2 : kind == MeasurementKind::kPosition3d ? 3 : 2;
    m.frame = f;
    m.z = kind == MeasurementKind::kHorizontalPosition ? f.origin : Vec3(0.1, 0.1, 0.0);
    const Linearized l0 = Linearize(m, x);
    for (int i = 0; i < 3; ++i) {
      Vec6 xp = x;
      xp(i) += 1.0;
      const Linearized l1 = Linearize(m, xp);
      for (int r = 0; r < m.dim; ++r) {
        const double numeric = -(l1.y(r) - l0.y(r));
        EXPECT_NEAR(l0.H(r, i), numeric, 1e-3 * std::abs(numeric) + 1e-7) << static_cast<int>(kind) << " " << r;
      }
    }
  }
}

// Bearings from two acoustic sensors 6 km apart cross within a few hundred metres.
TEST(Triangulate, TwoBearingsLocateTheSource) {
  const SensorFrame a = MakeSensorFrame(46.50, 30.70, 150.0);
  const SensorFrame b = MakeSensorFrame(46.50, 30.78, 150.0);
  const Vec3 truth = a.FromEnu(Vec3(3000.0, 2500.0, 1000.0));
  const Vec3 ea = a.ToEnu(truth), eb = b.ToEnu(truth);
  const double aza = std::atan2(ea.x(), ea.y()) / kDeg + 2.0;  // 2 degrees of error
  const double azb = std::atan2(eb.x(), eb.y()) / kDeg - 2.0;
  auto c = Triangulate(a, aza, 5.0, b, azb, 5.0, 1000.0, 1500.0, 8000.0);
  ASSERT_TRUE(c.has_value());
  const Vec3 d = a.ToEnu(c->ecef) - ea;
  EXPECT_LT(std::hypot(d.x(), d.y()), 300.0);
  EXPECT_NEAR(ToGeodetic(c->ecef).alt, 1000.0, 50.0);
  // Parallel bearings or a crossing behind a sensor give nothing.
  EXPECT_FALSE(Triangulate(a, 0.0, 5.0, b, 0.0, 5.0, 1000.0, 1500.0, 8000.0).has_value());
  EXPECT_FALSE(Triangulate(a, aza + 180.0, 5.0, b, azb + 180.0, 5.0, 1000.0, 1500.0, 8000.0).has_value());
}

}  // namespace
}  // namespace tocsin::track
