#include "sim/kinematics.h"

#include <GeographicLib/Geocentric.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/GeodesicLine.hpp>
#include <GeographicLib/LocalCartesian.hpp>
#include <algorithm>
#include <array>
#include <cmath>

namespace tocsin::sim {
namespace {

constexpr double kDeg = M_PI / 180.0;

// ---------- aerodynamic ----------

struct Path {
  std::vector<GeographicLib::GeodesicLine> legs;
  std::vector<double> start;  // cumulative length at each leg start
  double total = 0;

  explicit Path(const std::vector<LatLon>& route) {
    const auto& g = GeographicLib::Geodesic::WGS84();
    for (std::size_t i = 0; i + 1 < route.size(); ++i) {
      legs.push_back(g.InverseLine(route[i].lat, route[i].lon, route[i + 1].lat, route[i + 1].lon));
      start.push_back(total);
      total += legs.back().Distance();
    }
  }
  std::size_t LegAt(double s) const {
    std::size_t i = std::upper_bound(start.begin(), start.end(), s) - start.begin();
    return i == 0 ? 0 : i - 1;
  }
  LatLon At(double s) const {
    std::size_t i = LegAt(s);
    double lat = 0, lon = 0;
    legs[i].Position(std::clamp(s - start[i], 0.0, legs[i].Distance()), lat, lon);
    return {lat, lon};
  }
};

struct Profile {
  const Path& path;
  const AeroParams& p;
  double tan_climb, tan_dive;
  std::vector<std::pair<double, double>> knots;  // (s, cruise altitude), continuous

  Profile(const Path& path_in, const AeroParams& params, double climb, double dive)
      : path(path_in), p(params), tan_climb(climb), tan_dive(dive) {
    double v = p.leg_alt_m[0];
    knots.push_back({0.0, v});
    for (std::size_t j = 1; j < path.legs.size(); ++j) {
      double start = path.start[j];
      double length = path.legs[j].Distance();
      double target = p.leg_alt_m[j];
      double ramp = std::min(std::abs(target - v) / tan_climb, length);
      knots.push_back({start, v});
      v += (target > v ? 1 : -1) * ramp * tan_climb;
      if (std::abs(v - target) < 1e-6) v = target;
      knots.push_back({start + ramp, v});
    }
    knots.push_back({path.total, v});
  }

  double Cruise(double s) const {
    auto it = std::upper_bound(knots.begin(), knots.end(), s,
                               [](double x, const std::pair<double, double>& k) { return x < k.first; });
    if (it == knots.begin()) return knots.front().second;
    if (it == knots.end()) return knots.back().second;
    const auto& a = *(it - 1);
    const auto& b = *it;
    if (b.first <= a.first) return b.second;
    return a.second + (b.second - a.second) * (s - a.first) / (b.first - a.first);
  }
  double DiveLimit(double s) const { return (path.total - s) * tan_dive; }
  double Alt(double s) const {
    s = std::clamp(s, 0.0, path.total);
    return std::max(0.0, std::min({Cruise(s), s * tan_climb, DiveLimit(s)}));
  }
  bool Diving(double s) const { return DiveLimit(s) < Cruise(s) && s > path.total / 2; }
};

// ---------- ballistic ----------

constexpr double kGM = 3.986004418e14;
using Vec = std::array<double, 3>;

Vec Add(const Vec& a, const Vec& b, double k) { return {a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2]}; }
double Norm(const Vec& a) { return std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]); }

struct State {
  Vec r, v;
};

class BallisticModel {
 public:
  BallisticModel(const BallisticParams& p) : p_(p) {
    const auto& e = GeographicLib::Geocentric::WGS84();
    a_ = e.EquatorialRadius();
    b_ = a_ * (1 - e.Flattening());
  }
  // Height above the ellipsoid along the radius (cheap; exact on the surface).
  double Height(const Vec& r) const {
    double n = Norm(r);
    double s = r[2] / n, c = std::sqrt(std::max(0.0, 1 - s * s));
    double radius = a_ * b_ / std::sqrt((b_ * c) * (b_ * c) + (a_ * s) * (a_ * s));
    return n - radius;
  }
  Vec Accel(const State& s, double t, const Vec& thrust_dir, double thrust) const {
    double n = Norm(s.r);
    double g = -kGM / (n * n * n);
    Vec acc{g * s.r[0], g * s.r[1], g * s.r[2]};
    double h = Height(s.r);
    if (h < 100000) {
      double rho = 1.225 * std::exp(-std::max(h, 0.0) / 7200.0);
      double speed = Norm(s.v);
      acc = Add(acc, s.v, -rho * speed / (2 * p_.beta_kg_m2));
    }
    if (t < p_.burn_s) acc = Add(acc, thrust_dir, thrust);
    return acc;
  }
  State Step(const State& s, double t, double dt, const Vec& dir, double thrust) const {
    auto deriv = [&](const State& x, double tt) { return State{x.v, Accel(x, tt, dir, thrust)}; };
    State k1 = deriv(s, t);
    State k2 = deriv({Add(s.r, k1.r, dt / 2), Add(s.v, k1.v, dt / 2)}, t + dt / 2);
    State k3 = deriv({Add(s.r, k2.r, dt / 2), Add(s.v, k2.v, dt / 2)}, t + dt / 2);
    State k4 = deriv({Add(s.r, k3.r, dt), Add(s.v, k3.v, dt)}, t + dt);
    State out;
    for (int i = 0; i < 3; ++i) {
      out.r[i] = s.r[i] + dt / 6 * (k1.r[i] + 2 * k2.r[i] + 2 * k3.r[i] + k4.r[i]);
      out.v[i] = s.v[i] + dt / 6 * (k1.v[i] + 2 * k2.v[i] + 2 * k3.v[i] + k4.v[i]);
    }
    return out;
  }

  // Flies with the given launch direction and thrust; calls record(t, state) at every
  // multiple of `record_every` (if > 0) and returns the impact position (ECEF) and time.
  template <typename Record>
  bool Fly(const Vec& r0, const Vec& dir, double thrust, double dt, double record_every, Record record,
           Vec* impact, double* impact_t) const {
    State s{r0, {0, 0, 0}};
    double t = 0;
    int per_record = record_every > 0 ? std::max(1, static_cast<int>(std::lround(record_every / dt))) : 0;
    long step = 0;
    if (per_record) record(0.0, s);
    double h_prev = Height(s.r);
    while (t < 4000) {
      State next = Step(s, t, dt, dir, thrust);
      double h = Height(next.r);
      t += dt;
      ++step;
      if (h < 0 && t > 0.5) {
        double u = h_prev / (h_prev - h);  // fraction of the step to the ground
        *impact = Add(s.r, Add(next.r, s.r, -1), u);
        *impact_t = t - dt + u * dt;
        return true;
      }
      if (per_record && step % per_record == 0) record(t, next);
      s = next;
      h_prev = h;
    }
    return false;
  }

 private:
  const BallisticParams& p_;
  double a_, b_;
};

}  // namespace

std::vector<TruthPoint> FlyAerodynamic(const std::vector<LatLon>& route, const AeroParams& p) {
  Path path(route);
  Profile prof(path, p, std::tan(p.climb_angle_deg * kDeg), std::tan(p.dive_angle_deg * kDeg));
  double stop = p.destroyed_at_fraction ? *p.destroyed_at_fraction * path.total : path.total;
  std::vector<TruthPoint> out;
  double t = p.launch_time, s = 0;
  out.push_back({t, route.front().lat, route.front().lon, 0.0});
  const double sub = std::min(1.0, p.step_s);
  double next_record = t + p.step_s;
  std::size_t next_leg = 1;
  while (s < stop) {
    double v = prof.Diving(s) ? std::max(p.speed_mps, p.terminal_speed_mps) : p.speed_mps;
    double ahead = std::min(path.total, s + std::max(1.0, v * sub));
    double slope = ahead > s ? (prof.Alt(ahead) - prof.Alt(s)) / (ahead - s)
                             : (prof.Alt(s) - prof.Alt(s - 1.0)) / 1.0;
    double vh = v / std::sqrt(1 + slope * slope);
    double dt = sub;
    if (s + vh * dt >= stop) {
      while (next_leg < path.start.size() && path.start[next_leg] < stop) {
        double at = path.start[next_leg++];
        if (at <= s) continue;
        LatLon turn = path.At(at);
        out.push_back({t + (at - s) / vh, turn.lat, turn.lon, prof.Alt(at)});
      }
      dt = (stop - s) / vh;
      s = stop;
      t += dt;
      break;
    }
    // A point at every turn, so that straight lines between points follow the route.
    while (next_leg < path.start.size() && path.start[next_leg] <= s + vh * dt) {
      double at = path.start[next_leg];
      if (at > s) {
        LatLon turn = path.At(at);
        out.push_back({t + (at - s) / vh, turn.lat, turn.lon, prof.Alt(at)});
      }
      ++next_leg;
    }
    s += vh * dt;
    t += dt;
    if (t >= next_record - 1e-9) {
      LatLon ll = path.At(s);
      out.push_back({t, ll.lat, ll.lon, prof.Alt(s)});
      next_record += p.step_s;
    }
  }
  LatLon ll = path.At(stop);
  double alt = p.destroyed_at_fraction ? prof.Alt(stop) : 0.0;
  if (t - out.back().t < 0.05 && out.size() > 1) out.pop_back();
  out.push_back({t, ll.lat, ll.lon, alt});
  return out;
}

Result<std::vector<TruthPoint>> FlyBallistic(LatLon launch, LatLon target, const BallisticParams& p) {
  const auto& earth = GeographicLib::Geocentric::WGS84();
  const auto& geod = GeographicLib::Geodesic::WGS84();
  BallisticModel model(p);
  double range = GeodesicDistance(launch, target).value();
  if (range < 500) return Status::Error("ballistic target closer than 500 m to the launch point");
  double gamma = std::atan(4 * p.apogee_m / range);
  gamma = std::clamp(gamma, 15 * kDeg, 70 * kDeg);
  double est_flight = 2 * std::sqrt(2 * std::max(p.apogee_m, 500.0) / 9.8) + p.burn_s;
  double dt = std::clamp(est_flight / 1000.0, 0.02, 0.1);
  dt = p.step_s / std::ceil(p.step_s / dt);  // records land on whole steps

  Vec r0;
  std::vector<double> rot(9);
  earth.Forward(launch.lat, launch.lon, p.launch_alt_m, r0[0], r0[1], r0[2], rot);
  auto direction = [&](double azimuth_deg) {
    double az = azimuth_deg * kDeg;
    double e = std::cos(gamma) * std::sin(az), n = std::cos(gamma) * std::cos(az), u = std::sin(gamma);
    // rot is row-major, columns are the local east, north, up unit vectors in ECEF.
    return Vec{rot[0] * e + rot[1] * n + rot[2] * u, rot[3] * e + rot[4] * n + rot[5] * u,
               rot[6] * e + rot[7] * n + rot[8] * u};
  };
  auto no_record = [](double, const State&) {};
  auto impact_of = [&](double azimuth, double thrust, LatLon* at, double* t_impact) {
    Vec imp;
    if (!model.Fly(r0, direction(azimuth), thrust, dt, 0, no_record, &imp, t_impact)) return false;
    double h = 0;
    earth.Reverse(imp[0], imp[1], imp[2], at->lat, at->lon, h);
    return true;
  };

  double target_az = GeodesicAzimuth(launch, target);
  double azimuth = target_az;
  double thrust = 0;
  const double max_thrust = 7000.0 / p.burn_s;  // burnout below orbital speed
  for (int round = 0; round < 3; ++round) {
    // First round: the whole bracket; later rounds (azimuth corrections) start near
    // the previous answer.
    double lo = round == 0 ? 1.0 : 0.9 * thrust, hi = round == 0 ? max_thrust : std::min(max_thrust, 1.1 * thrust);
    LatLon at;
    double t_imp = 0;
    bool reached = impact_of(azimuth, hi, &at, &t_imp) && GeodesicDistance(launch, at).value() >= range;
    if (!reached && round > 0) {
      hi = max_thrust;
      reached = impact_of(azimuth, hi, &at, &t_imp) && GeodesicDistance(launch, at).value() >= range;
    }
    if (!reached)
      return Status::Error("ballistic target " + std::to_string(range / 1000) +
                           " km away is beyond reach with burn " + std::to_string(p.burn_s) +
                           " s; lengthen burn_s or pick a nearer target");
    // Regula falsi (Illinois variant) on reached range minus wanted range: the range
    // grows smoothly with the boost acceleration, so this converges in ~10 flights.
    auto miss = [&](double thrust_value) {
      LatLon where;
      double t_hit = 0;
      if (!impact_of(azimuth, thrust_value, &where, &t_hit)) return 1e9;
      return GeodesicDistance(launch, where).value() - range;
    };
    double f_lo = miss(lo), f_hi = GeodesicDistance(launch, at).value() - range;
    if (f_lo > 0) lo = 1.0, f_lo = miss(lo);
    int side = 0;
    for (int i = 0; i < 80 && hi - lo > 1e-9 * hi; ++i) {
      double mid = (f_hi - f_lo) > 0 ? hi - f_hi * (hi - lo) / (f_hi - f_lo) : (lo + hi) / 2;
      if (!(mid > lo && mid < hi) || i % 8 == 7) mid = (lo + hi) / 2;  // keep bracketing
      double f_mid = miss(mid);
      if (std::abs(f_mid) < 5.0) {
        lo = hi = mid;
        break;
      }
      if (f_mid > 0) {
        hi = mid, f_hi = f_mid;
        if (side == 1) f_lo /= 2;
        side = 1;
      } else {
        lo = mid, f_lo = f_mid;
        if (side == -1) f_hi /= 2;
        side = -1;
      }
    }
    thrust = hi;
    impact_of(azimuth, thrust, &at, &t_imp);
    double err = GeodesicAzimuth(launch, at) - target_az;
    if (err > 180) err -= 360;
    if (err < -180) err += 360;
    if (std::abs(err) < 1e-6) break;
    azimuth -= err;
  }

  std::vector<TruthPoint> out;
  auto record = [&](double t, const State& s) {
    TruthPoint q;
    q.t = p.launch_time + t;
    earth.Reverse(s.r[0], s.r[1], s.r[2], q.lat, q.lon, q.alt);
    q.alt = std::max(q.alt, 0.0);
    out.push_back(q);
  };
  Vec imp;
  double t_imp = 0;
  if (!model.Fly(r0, direction(azimuth), thrust, dt, p.step_s, record, &imp, &t_imp))
    return Status::Error("ballistic flight did not come down within 4000 s");
  TruthPoint last;
  last.t = p.launch_time + t_imp;
  earth.Reverse(imp[0], imp[1], imp[2], last.lat, last.lon, last.alt);
  last.alt = 0.0;
  if (!out.empty() && last.t - out.back().t < 0.05) out.pop_back();
  out.push_back(last);
  (void)geod;
  return out;
}

}  // namespace tocsin::sim
