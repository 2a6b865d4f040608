#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "track/imm.h"
#include "track/motion_model.h"
#include "track/test_util.h"

namespace tocsin::track {
namespace {

Measurement PositionMeasurement(const Vec3& z, double sigma, double t) {
  Measurement m;
  m.kind = MeasurementKind::kPosition3d;
  m.dim = 3;
  m.z = z;
  m.R = Mat3::Identity() * sigma * sigma;
  m.time = t;
  return m;
}

Mat6 Prior(double sp, double sv) {
  Mat6 p = Mat6::Zero();
  p.block<3, 3>(0, 0) = Mat3::Identity() * sp * sp;
  p.block<3, 3>(3, 3) = Mat3::Identity() * sv * sv;
  return p;
}

// A constant-velocity target: after convergence the position RMSE is well below the
// measurement sigma.
TEST(KalmanFilter, ConstantVelocityConverges) {
  TrackerConfig c;
  const MotionModel cv = MotionModel::kCv;
  const Vec3 p0 = ToEcef(48.0, 35.0, 2000.0);
  const Vec3 v = EnuToEcef(48.0, 35.0) * Vec3(40.0, -30.0, 0.0);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> n(0.0, 100.0);
  Vec6 x0 = Vec6::Zero();
  x0.head<3>() = p0;
  Imm f;
  f.Reset(&cv, 1, x0, Prior(100.0, 300.0), c);
  double sum2 = 0.0;
  int count = 0;
  for (int k = 1; k <= 200; ++k) {
    const double t = k * 2.0;
    const Vec3 truth = p0 + v * t;
    f.Predict(2.0, c);
    f.Update(PositionMeasurement(truth + Vec3(n(rng), n(rng), n(rng)), 100.0, t));
    if (k > 50) {
      sum2 += (f.x().head<3>() - truth).squaredNorm();
      ++count;
    }
  }
  const double rmse = std::sqrt(sum2 / count);
  EXPECT_LT(rmse, 100.0 * std::sqrt(3.0) * 0.6);  // 3D measurement error is 173 m
  EXPECT_LT((f.x().tail<3>() - v).norm(), 10.0);
}

// The coordinated-turn model moves a turning state exactly along its circle.
TEST(MotionModel, CoordinatedTurnFollowsCircle) {
  TrackerConfig c;
  c.ct_turn_rate_deg_s = 3.0;
  const MotionParams mp = ParamsFor(MotionModel::kCtLeft, c);
  const SensorFrame f = MakeSensorFrame(47.0, 32.0, 0.0);
  const double speed = 50.0, w = 3.0 * M_PI / 180.0, radius = speed / w;
  Vec6 x;
  x.head<3>() = f.FromEnu(Vec3(0, 0, 1000));
  x.tail<3>() = f.enu_to_ecef * Vec3(speed, 0, 0);  // heading east, turning left (north)
  Mat6 p = Prior(10, 1);
  for (int i = 0; i < 30; ++i) PredictState(mp, 1.0, &x, &p);  // 90 degrees
  const Vec3 enu = f.ToEnu(x.head<3>());
  EXPECT_NEAR(enu.x(), radius, 5.0);
  EXPECT_NEAR(enu.y(), radius, 5.0);
  const Vec3 v = f.enu_to_ecef.transpose() * x.tail<3>();
  EXPECT_NEAR(v.x(), 0.0, 1.0);
  EXPECT_NEAR(v.y(), speed, 1.0);
}

// The IMM (CV + CT) follows a turning drone better than CV alone.
TEST(Imm, TracksTurningTargetBetterThanCv) {
  TrackerConfig c;
  const SensorFrame f = MakeSensorFrame(47.0, 32.0, 0.0);
  const double speed = 50.0, w = 2.5 * M_PI / 180.0;
  auto truth = [&](double t) {
    // Straight east for 100 s, then a left turn.
    if (t <= 100.0) return Vec3(speed * t, 0.0, 1000.0);
    const double a = w * (t - 100.0), r = speed / w;
    return Vec3(speed * 100.0 + r * std::sin(a), r * (1.0 - std::cos(a)), 1000.0);
  };
  const MotionModel air[] = {MotionModel::kCv, MotionModel::kCtLeft, MotionModel::kCtRight};
  const MotionModel cv = MotionModel::kCv;
  double rmse[2];
  for (int variant = 0; variant < 2; ++variant) {
    std::mt19937_64 rng(3);
    std::normal_distribution<double> n(0.0, 30.0);
    Vec6 x0 = Vec6::Zero();
    x0.head<3>() = f.FromEnu(truth(0));
    x0.tail<3>() = f.enu_to_ecef * Vec3(speed, 0, 0);
    Imm imm;
    if (variant == 0) imm.Reset(air, 3, x0, Prior(30, 10), c);
    else imm.Reset(&cv, 1, x0, Prior(30, 10), c);
    double sum2 = 0;
    int cnt = 0;
    for (int k = 1; k <= 100; ++k) {
      const double t = 2.0 * k;
      const Vec3 tp = f.FromEnu(truth(t));
      imm.Predict(2.0, c);
      imm.Update(PositionMeasurement(tp + Vec3(n(rng), n(rng), n(rng)), 30.0, t));
      if (t > 110) {
        sum2 += (imm.x().head<3>() - tp).squaredNorm();
        ++cnt;
      }
    }
    rmse[variant] = std::sqrt(sum2 / cnt);
  }
  EXPECT_LT(rmse[0], 45.0);
  EXPECT_LT(rmse[0], rmse[1]);
}

// Free fall without drag: a vertical launch at 500 m/s reaches v t - g t^2 / 2.
TEST(MotionModel, BallisticFollowsFreeFallArc) {
  TrackerConfig c;
  MotionParams mp = ParamsFor(MotionModel::kBallistic, c);
  mp.ballistic_coefficient = 0.0;  // no drag
  const Mat3 rot = EnuToEcef(50.0, 36.0);
  Vec6 x;
  x.head<3>() = ToEcef(50.0, 36.0, 0.0);
  x.tail<3>() = rot * Vec3(0, 0, 500.0);
  Mat6 p = Prior(10, 1);
  PredictState(mp, 50.0, &x, &p);
  const double g = 9.81;
  EXPECT_NEAR(ToGeodetic(x.head<3>()).alt, 500.0 * 50.0 - 0.5 * g * 2500.0, 60.0);
  EXPECT_NEAR((rot.transpose() * x.tail<3>()).z(), 500.0 - g * 50.0, 2.0);
  // A 45-degree throw lands about v^2 / g away (flat-earth range; Earth curvature and
  // gravity falloff add a little).
  Vec6 y;
  y.head<3>() = ToEcef(50.0, 36.0, 0.0);
  y.tail<3>() = rot * Vec3(0, 400.0 / std::sqrt(2.0), 400.0 / std::sqrt(2.0));
  double t = 0;
  while (t < 200) {
    PredictState(mp, 0.5, &y, &p);
    t += 0.5;
    if (ToGeodetic(y.head<3>()).alt < 0) break;
  }
  const Geodetic land = ToGeodetic(y.head<3>());
  const double range = GeodesicDistance({50.0, 36.0}, {land.lat, land.lon}).value();
  EXPECT_NEAR(range, 400.0 * 400.0 / g, 400.0);
  // Drag shortens the flight: after 30 s the dragged state is behind the vacuum one.
  Vec6 vac, drag;
  vac.head<3>() = drag.head<3>() = ToEcef(50.0, 36.0, 0.0);
  vac.tail<3>() = drag.tail<3>() = rot * Vec3(0, 400.0 / std::sqrt(2.0), 400.0 / std::sqrt(2.0));
  MotionParams with_drag = mp;
  with_drag.ballistic_coefficient = 2000.0;
  PredictState(mp, 30.0, &vac, &p);
  PredictState(with_drag, 30.0, &drag, &p);
  const Vec3 start = ToEcef(50.0, 36.0, 0.0);
  EXPECT_LT((drag.head<3>() - start).norm(), (vac.head<3>() - start).norm() - 100.0);
}

}  // namespace
}  // namespace tocsin::track
