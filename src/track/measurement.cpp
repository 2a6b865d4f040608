#include "track/measurement.h"

#include <cmath>

namespace tocsin::track {
namespace {
constexpr double kDeg = M_PI / 180.0;
constexpr double kEarthR = 6371000.0;

double WrapPi(double a) {
  while (a > M_PI) a -= 2.0 * M_PI;
  while (a < -M_PI) a += 2.0 * M_PI;
  return a;
}
}  // namespace

Linearized Linearize(const Measurement& m, const Vec6& x) {
  Linearized l;
  l.dim = m.dim;
  const Vec3 p = x.head<3>();
  switch (m.kind) {
    case MeasurementKind::kPosition3d: {
      l.y = m.z - p;
      l.H.block<3, 3>(0, 0) = Mat3::Identity();
      l.R = m.R;
      break;
    }
    case MeasurementKind::kHorizontalPosition: {
      // Track position in the reported point's east/north; the measurement is (0, 0).
      const Mat3 rt = m.frame.enu_to_ecef.transpose();
      const Vec3 d = rt * (p - m.frame.origin);
      l.y = Vec3(-d.x(), -d.y(), 0.0);
      l.H.block<2, 3>(0, 0) = rt.topRows<2>();
      l.R = Mat3::Identity();
      l.R(0, 0) = m.R(0, 0);
      l.R(1, 1) = m.R(1, 1);
      break;
    }
    case MeasurementKind::kAltitude: {
      const Vec3 up = m.frame.enu_to_ecef.col(2);
      l.y(0) = m.z(0) - up.dot(p - m.frame.origin);
      l.H.block<1, 3>(0, 0) = up.transpose();
      l.R(0, 0) = m.R(0, 0);
      break;
    }
    case MeasurementKind::kRangeAzimuth:
    case MeasurementKind::kBearing: {
      const Mat3 rt = m.frame.enu_to_ecef.transpose();
      const Vec3 d = rt * (p - m.frame.origin);  // ENU at the sensor
      const double rho2 = std::max(d.x() * d.x() + d.y() * d.y(), 1.0);
      const double rho = std::sqrt(rho2);
      const double az = std::atan2(d.x(), d.y());
      // d az / d enu = (n, -e, 0) / rho^2
      const Eigen::RowVector3d daz = Eigen::RowVector3d(d.y() / rho2, -d.x() / rho2, 0.0) * rt;
      l.R = Mat3::Identity();
      if (m.kind == MeasurementKind::kRangeAzimuth) {
        const double r = std::max(d.norm(), 1.0);
        l.y(0) = m.z(0) - r;
        l.y(1) = WrapPi(m.z(1) - az);
        l.H.block<1, 3>(0, 0) = (d / r).transpose() * rt;
        l.H.block<1, 3>(1, 0) = daz;
        l.R(0, 0) = m.R(0, 0);
        l.R(1, 1) = m.R(1, 1);
      } else {
        l.y(0) = WrapPi(m.z(0) - az);
        l.H.block<1, 3>(0, 0) = daz;
        l.R(0, 0) = m.R(0, 0);
        if (m.dim == 2) {
          const double r2 = std::max(d.squaredNorm(), 1.0);
          const double el = std::atan2(d.z(), rho);
          l.y(1) = m.z(1) - el;
          const Eigen::RowVector3d del(-d.x() * d.z() / (rho * r2), -d.y() * d.z() / (rho * r2), rho / r2);
          l.H.block<1, 3>(1, 0) = del * rt;
          l.R(1, 1) = m.R(1, 1);
        }
      }
      break;
    }
  }
  return l;
}

void ConvertPlot(const SensorFrame& f, double range_m, double az_deg, double el_deg, double sr, double saz_deg,
                 double sel_deg, Vec3* ecef, Mat3* cov) {
  const double az = az_deg * kDeg, el = el_deg * kDeg;
  const double ce = std::cos(el), se = std::sin(el), ca = std::cos(az), sa = std::sin(az);
  const Vec3 enu(range_m * ce * sa, range_m * ce * ca, range_m * se);
  Mat3 j;  // d enu / d (r, az, el)
  j << ce * sa, range_m * ce * ca, -range_m * se * sa,  //
      ce * ca, -range_m * ce * sa, -range_m * se * ca,  //
      se, 0.0, range_m * ce;
  const Vec3 var(sr * sr, std::pow(saz_deg * kDeg, 2), std::pow(sel_deg * kDeg, 2));
  const Mat3 r_enu = j * var.asDiagonal() * j.transpose();
  *ecef = f.FromEnu(enu);
  *cov = f.enu_to_ecef * r_enu * f.enu_to_ecef.transpose();
}

double ElevationForAltitude(const SensorFrame& f, double range_m, double alt_m) {
  // h = hs + r sin(el) + r^2 cos^2(el) / (2 R): solve for sin(el) to first order.
  const double r = std::max(range_m, 1.0);
  const double s = (alt_m - f.alt - r * r / (2.0 * kEarthR)) / r;
  return std::asin(std::clamp(s, -0.2, 1.0)) / kDeg;
}

std::optional<Crossing> Triangulate(const SensorFrame& a, double az_a_deg, double sigma_a_deg,
                                    const SensorFrame& b, double az_b_deg, double sigma_b_deg, double alt_m,
                                    double alt_sigma_m, double max_range_m) {
  // Work in a's ENU plane; b's bearing is rotated into it (small separations).
  const Vec3 bo = a.ToEnu(b.origin);
  const Vec3 ua_enu(std::sin(az_a_deg * kDeg), std::cos(az_a_deg * kDeg), 0.0);
  const Vec3 ub_b(std::sin(az_b_deg * kDeg), std::cos(az_b_deg * kDeg), 0.0);
  const Vec3 ub_enu = a.enu_to_ecef.transpose() * (b.enu_to_ecef * ub_b);
  const double ax = ua_enu.x(), ay = ua_enu.y(), bx = ub_enu.x(), by = ub_enu.y();
  const double det = ax * (-by) - ay * (-bx);  // solve t*ua - s*ub = bo
  const double sin_angle = std::abs(ax * by - ay * bx);
  if (sin_angle < std::sin(10.0 * kDeg)) return std::nullopt;
  const double t = (bo.x() * (-by) - bo.y() * (-bx)) / det;
  const double s = (ax * bo.y() - ay * bo.x()) / det;
  if (t <= 0.0 || s <= 0.0 || t > max_range_m || s > max_range_m) return std::nullopt;
  const Vec3 pa(t * ax, t * ay, 0.0);
  const Vec3 enu_point = a.FromEnu(pa);
  // Put the point at the assumed altitude along the local vertical.
  const Mat3 rot = a.enu_to_ecef;
  const Vec3 up = rot.col(2);
  Crossing c;
  c.ecef = enu_point + up * (alt_m - (a.alt + 0.0));
  // Each line's cross-track error (range * sigma) grows by 1/sin(angle) along the other.
  const double ea = t * sigma_a_deg * kDeg, eb = s * sigma_b_deg * kDeg;
  const double sh = std::sqrt(ea * ea + eb * eb) / sin_angle;
  Mat3 enu_cov = Mat3::Zero();
  enu_cov(0, 0) = enu_cov(1, 1) = sh * sh;
  enu_cov(2, 2) = alt_sigma_m * alt_sigma_m;
  c.cov = rot * enu_cov * rot.transpose();
  return c;
}

}  // namespace tocsin::track
