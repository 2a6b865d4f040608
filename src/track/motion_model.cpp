#include "track/motion_model.h"

#include <cmath>

namespace tocsin::track {
namespace {
constexpr double kGM = 3.986004418e14;

Mat3 Cross(const Vec3& u) {
  Mat3 k;
  k << 0, -u.z(), u.y(), u.z(), 0, -u.x(), -u.y(), u.x(), 0;
  return k;
}

// White-acceleration noise over |dt| with density diag(qh, qh, qv) in the local ENU.
Mat6 NoiseMatrix(const Mat3& rot, double qh, double qv, double dt) {
  const double t = std::abs(dt);
  const Mat3 a = rot * Vec3(qh, qh, qv).asDiagonal() * rot.transpose();
  Mat6 q;
  q.block<3, 3>(0, 0) = a * (t * t * t / 3.0);
  q.block<3, 3>(0, 3) = a * (t * t / 2.0);
  q.block<3, 3>(3, 0) = a * (t * t / 2.0);
  q.block<3, 3>(3, 3) = a * t;
  return q;
}
}  // namespace

MotionParams ParamsFor(MotionModel m, const TrackerConfig& c) {
  MotionParams p;
  const double w = c.ct_turn_rate_deg_s * M_PI / 180.0;
  switch (m) {
    case MotionModel::kCv:
      p.q_horizontal = c.q_cv_horizontal;
      p.q_vertical = c.q_cv_vertical;
      break;
    case MotionModel::kCtLeft:
    case MotionModel::kCtRight:
      p.q_horizontal = c.q_ct;
      p.q_vertical = c.q_cv_vertical;
      p.turn_rate = m == MotionModel::kCtLeft ? w : -w;
      break;
    case MotionModel::kManeuver:
      p.q_horizontal = c.q_maneuver;
      p.q_vertical = c.q_maneuver;
      break;
    case MotionModel::kBallistic:
      p.q_horizontal = p.q_vertical = c.q_ballistic;
      p.gravity = true;
      p.ballistic_coefficient = c.ballistic_coefficient;
      break;
    case MotionModel::kBoost:
      p.q_horizontal = p.q_vertical = c.q_boost;
      p.gravity = true;
      p.ballistic_coefficient = c.ballistic_coefficient;
      break;
  }
  return p;
}

Vec3 BallisticAcceleration(const Vec3& p, const Vec3& v, double beta) {
  const double r = p.norm();
  Vec3 a = -kGM / (r * r * r) * p;
  if (beta > 0.0) {
    const double h = std::max(ApproxAltitude(p), 0.0);
    const double rho = 1.225 * std::exp(-h / 7200.0);
    a -= (0.5 * rho * v.norm() / beta) * v;
  }
  return a;
}

void PredictState(const MotionParams& mp, double dt, Vec6* x, Mat6* P, const Mat3* enu_to_ecef) {
  if (dt == 0.0) return;
  const Vec3 p0 = x->head<3>();
  const Mat3 local = enu_to_ecef ? *enu_to_ecef : EnuToEcefAt(p0);
  Mat6 f = Mat6::Identity();
  if (mp.gravity) {
    // RK4 on the mean in steps of at most 1 s.
    const int steps = std::max(1, static_cast<int>(std::ceil(std::abs(dt))));
    const double h = dt / steps;
    Vec3 p = p0, v = x->tail<3>();
    for (int i = 0; i < steps; ++i) {
      const Vec3 k1v = BallisticAcceleration(p, v, mp.ballistic_coefficient), k1p = v;
      const Vec3 k2v = BallisticAcceleration(p + 0.5 * h * k1p, v + 0.5 * h * k1v, mp.ballistic_coefficient),
                 k2p = v + 0.5 * h * k1v;
      const Vec3 k3v = BallisticAcceleration(p + 0.5 * h * k2p, v + 0.5 * h * k2v, mp.ballistic_coefficient),
                 k3p = v + 0.5 * h * k2v;
      const Vec3 k4v = BallisticAcceleration(p + h * k3p, v + h * k3v, mp.ballistic_coefficient), k4p = v + h * k3v;
      p += h / 6.0 * (k1p + 2 * k2p + 2 * k3p + k4p);
      v += h / 6.0 * (k1v + 2 * k2v + 2 * k3v + k4v);
    }
    // Jacobian with the gravity gradient G = -GM/r^3 (I - 3 u u^T).
    const double r = p0.norm();
    const Vec3 u = p0 / r;
    const Mat3 g = -kGM / (r * r * r) * (Mat3::Identity() - 3.0 * u * u.transpose());
    f.block<3, 3>(0, 0) += 0.5 * dt * dt * g;
    f.block<3, 3>(0, 3) = dt * Mat3::Identity();
    f.block<3, 3>(3, 0) = dt * g;
    x->head<3>() = p;
    x->tail<3>() = v;
  } else if (mp.turn_rate != 0.0) {
    const Vec3 up = local.col(2);
    const Mat3 k = Cross(up);
    const Mat3 k2 = k * k;
    const double w = mp.turn_rate, wt = w * dt;
    const Mat3 rot = Mat3::Identity() + std::sin(wt) * k + (1.0 - std::cos(wt)) * k2;
    const Mat3 integ = dt * Mat3::Identity() + ((1.0 - std::cos(wt)) / w) * k + (dt - std::sin(wt) / w) * k2;
    f.block<3, 3>(0, 3) = integ;
    f.block<3, 3>(3, 3) = rot;
    *x = f * *x;
  } else {
    f.block<3, 3>(0, 3) = dt * Mat3::Identity();
    *x = f * *x;
  }
  *P = f * *P * f.transpose() + NoiseMatrix(local, mp.q_horizontal, mp.q_vertical, dt);
}

}  // namespace tocsin::track
