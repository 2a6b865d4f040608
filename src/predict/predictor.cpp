#include "predict/predictor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/geo.h"

namespace tocsin::predict {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;
constexpr double kEarthRadius = 6371000.0;
constexpr double kG = 9.80665;

bool IsBallistic(ThreatCategory c) {
  return c == ThreatCategory::kBallisticMissile || c == ThreatCategory::kRocket;
}

bool Finite(const track::TrackUpdate& u) {
  return std::isfinite(u.position.lat) && std::isfinite(u.position.lon) && std::isfinite(u.vel_east) &&
         std::isfinite(u.vel_north) && std::isfinite(u.vel_up) && std::isfinite(u.alt_m) &&
         std::isfinite(u.pos_sigma.value()) && std::isfinite(u.vel_sigma.value());
}

// Heading unknown: the velocity does not fix a direction within +/- 90 deg at
// sigma_k sigma (same test as AddCorridorPieces).
bool HeadingUnknown(const PredictorConfig& c, const track::TrackUpdate& u) {
  const double speed = std::hypot(u.vel_east, u.vel_north);
  const double vs = std::max(0.0, u.vel_sigma.value());
  const double heading_sigma = speed > 1.0 ? std::min(kPi / 2, std::atan2(vs, speed)) : kPi / 2;
  return c.sigma_k * heading_sigma >= kPi / 2;
}

// A vague track (position sigma above vague_position_sigma_m: observer-only, one
// bearing) whose speed exceeds its category's ceiling by more than 2 sigma has a
// velocity made of reports of different threats (observer reports of two drones
// seconds apart gave 700-1,000 m/s "drones"). Its heading means nothing: it becomes
// unknown (velocity 0 +/- half the cruise ceiling), and the rings then grow at the
// drone ceiling.
track::TrackUpdate Plausible(const PredictorConfig& c, const track::TrackUpdate& u) {
  if (IsBallistic(u.category) || !(u.pos_sigma.value() > c.vague_position_sigma_m)) return u;
  // Against the fastest air-breathing threat, not the category's own ceiling: a vague
  // "drone" at 250 m/s may be a cruise missile (kyiv-combined-night missed more
  // when drones were capped at the drone ceiling).
  // Drones only: unknown and cruise tracks may be a Kinzhal or Iskander seen by an
  // observer (kyiv-combined-night missed one more pair with them included).
  double ceiling = 0.0;
  if (u.category == ThreatCategory::kDrone) ceiling = c.cruise_max_speed_mps;
  if (ceiling <= 0.0) return u;
  const double speed = std::hypot(u.vel_east, u.vel_north);
  if (!(speed - 2.0 * std::max(0.0, u.vel_sigma.value()) > ceiling)) return u;
  track::TrackUpdate p = u;
  p.vel_east = p.vel_north = 0.0;
  p.vel_sigma = MetresPerSecond(ceiling / 2.0);  // heading unknown; v_max capped at the drone ceiling
  return p;
}

alert::DangerArea Area(alert::AreaShape shape, double now, double earliest, double latest, bool pre = false) {
  alert::DangerArea a;
  a.shape = std::move(shape);
  a.earliest_arrival = UnixTime(std::max(now, earliest));
  a.latest_departure = UnixTime(std::max(latest, std::max(now, earliest)));
  a.prealert_only = pre;
  return a;
}

// Drone / cruise / unknown: near disc + corridor pieces along the heading.
void AddCorridorPieces(const PredictorConfig& c, const track::TrackUpdate& u, alert::Danger* d) {
  const double now = u.time.seconds();
  const double sigma = std::max(0.0, u.pos_sigma.value());
  const double vel_sigma = std::max(0.0, u.vel_sigma.value());
  const double margin = c.zone_margin_m + c.sigma_k * sigma;
  const double speed_raw = std::hypot(u.vel_east, u.vel_north);
  double ceiling = 1e9;
  if (u.category == ThreatCategory::kDrone) ceiling = c.drone_max_speed_mps;
  if (u.category == ThreatCategory::kCruiseMissile) ceiling = c.cruise_max_speed_mps;
  // A track measured clearly faster than its category's ceiling is misclassified
  // (e.g. a cruise missile still labelled drone): trust the measured speed.
  ceiling = std::max(ceiling, speed_raw - 2.0 * vel_sigma);
  const double v = std::min(std::max(speed_raw, c.min_speed_mps), ceiling);
  const double vmax = std::min(std::max(v * c.max_speed_factor, speed_raw + 2.0 * vel_sigma),
                               std::max(v * c.max_speed_factor, ceiling));
  const double vmin = std::max(c.min_speed_mps * 0.5, std::min(v * c.min_speed_factor, speed_raw - 2.0 * vel_sigma));
  const double heading = std::atan2(u.vel_east, u.vel_north) / kDeg;  // clockwise from north
  const bool cruise = u.category == ThreatCategory::kCruiseMissile;
  const double omega = (cruise ? c.cruise_turn_rate_deg_s : c.turn_rate_deg_s) * kDeg;
  const double theta_max = c.max_heading_change_deg * kDeg;
  // When the velocity is poorly known (heading uncertain), every piece is wider.
  const double heading_sigma = speed_raw > 1.0 ? std::min(kPi / 2, std::atan2(vel_sigma, speed_raw)) : kPi / 2;

  // Near disc: anywhere within near_disc_s of flight, from now.
  d->areas.push_back(Area(alert::Disc{u.position, Metres(margin + vmax * c.near_disc_s)}, now, now,
                          now + c.near_disc_s + margin / vmin));

  const double horizon = c.max_horizon_s;
  if (c.sigma_k * heading_sigma >= kPi / 2) {
    // Heading unknown (one observer report, a bearing-only start): the reachable set
    // is a disc growing at vmax. Rings of flight time: a zone first inside disc k lies
    // farther than margin + vmax t0 from the threat, so it cannot be reached before t0
    // and the engine alerts it only when that comes within its alert window.
    double t0 = 0.0;
    while (t0 < horizon) {
      const bool alert_piece = t0 < c.alert_reach_s;
      const double t1 = alert_piece ? std::min(horizon, t0 + c.piece_s) : horizon;
      double radius = margin + vmax * t1;
      if (!alert_piece) radius = std::min(radius, margin + vmax * t0 + c.max_prealert_half_width_m);
      // Held for alert_reach_s beyond the ring's reach time (not radius / vmin: an
      // hour for a drone): the next report refreshes it, a lost track coasts.
      d->areas.push_back(Area(alert::Disc{u.position, Metres(radius)}, now, now + t0, now + t1 + c.alert_reach_s,
                              !alert_piece));
      t0 = t1;
    }
    return;
  }
  double t0 = 0.0;
  LatLon p0 = u.position;
  while (t0 < horizon) {
    const bool alert_piece = t0 < c.alert_reach_s;
    const double t1 = alert_piece ? std::min(horizon, t0 + c.piece_s) : horizon;
    const LatLon p1 = GeodesicDestination(u.position, heading, Metres(v * t1));
    const double turn = std::min(omega * t1 / 2.0, theta_max) + c.sigma_k * heading_sigma;
    const double lateral = vmax * t1 * std::sin(std::min(turn, kPi / 2));
    const double half_width = alert_piece ? margin + lateral
                                          : std::max(margin, std::min(margin + lateral, c.max_prealert_half_width_m));
    // Under the envelope a zone first touched by this piece (not by the previous,
    // narrower one) cannot be reached before about t0 (along-track at vmax).
    const double earliest = now + std::max(0.0, (v * t0 - margin) / vmax);
    const double latest = now + (v * t1 + half_width) / vmin;
    // Beyond the alert reach the pieces are long and wide (their end caps reach far
    // ahead): pre-alerts only. Alert pieces are recomputed every update anyway.
    d->areas.push_back(Area(alert::Corridor{{p0, p1}, Metres(half_width)}, now, earliest, latest, !alert_piece));
    p0 = p1;
    t0 = t1;
  }
}

// Ballistic / rocket: impact ellipse from sigma-point propagation.
void AddImpactEllipse(const PredictorConfig& c, const track::TrackUpdate& u, alert::Danger* d) {
  const double now = u.time.seconds();
  const double sigma = std::max(0.0, u.pos_sigma.value());
  const double vs = std::max(0.0, u.vel_sigma.value());
  const double alt_sigma = u.alt_known ? std::max(0.0, u.alt_sigma_m) : std::max(u.alt_sigma_m, 5000.0);
  const double z = std::max(0.0, u.alt_m);
  const bool climbing = u.vel_up > 0.0;
  struct Sample { double dz, ve, vn, vu; };
  std::vector<Sample> samples = {{0, u.vel_east, u.vel_north, u.vel_up}};
  const double k = c.sigma_k;
  for (int s : {-1, 1}) {
    samples.push_back({0, u.vel_east + s * k * vs, u.vel_north, u.vel_up});
    samples.push_back({0, u.vel_east, u.vel_north + s * k * vs, u.vel_up});
    samples.push_back({0, u.vel_east, u.vel_north, u.vel_up + s * k * vs});
    samples.push_back({s * k * alt_sigma, u.vel_east, u.vel_north, u.vel_up});
  }
  if (climbing) {  // boost may still be adding speed: stretch the trajectory
    for (double f : {1.25, 1.5}) samples.push_back({0, u.vel_east * f, u.vel_north * f, u.vel_up * f});
  }
  std::vector<Impact> impacts;
  for (const Sample& s : samples) {
    auto imp = PropagateToGround(0, 0, std::max(0.0, z + s.dz), s.ve, s.vn, s.vu, c.ballistic_coefficient);
    if (imp) impacts.push_back(*imp);
  }
  if (impacts.empty()) {  // cannot predict: conservative corridor along the heading
    AddCorridorPieces(c, u, d);
    return;
  }
  // Spread of the impacts around the nominal (or their mean when the nominal failed).
  double cx = 0, cy = 0;
  for (const Impact& i : impacts) { cx += i.x; cy += i.y; }
  cx /= impacts.size();
  cy /= impacts.size();
  double sxx = 0, syy = 0, sxy = 0, tmin = 1e300, tmax = -1e300;
  for (const Impact& i : impacts) {
    sxx += (i.x - cx) * (i.x - cx);
    syy += (i.y - cy) * (i.y - cy);
    sxy += (i.x - cx) * (i.y - cy);
    tmin = std::min(tmin, i.t);
    tmax = std::max(tmax, i.t);
  }
  // Major axis direction (angle from x/east axis).
  const double ang = 0.5 * std::atan2(2 * sxy, sxx - syy);
  const double ax = std::cos(ang), ay = std::sin(ang);
  double major = 0, minor = 0;
  for (const Impact& i : impacts) {
    const double dx = i.x - cx, dy = i.y - cy;
    major = std::max(major, std::abs(dx * ax + dy * ay));
    minor = std::max(minor, std::abs(-dx * ay + dy * ax));
  }
  const double ground_range = std::hypot(cx, cy);
  const double extra = c.zone_margin_m + c.sigma_k * sigma + c.impact_margin_m + c.impact_margin_fraction * ground_range;
  major += extra;
  minor += extra;
  double major_angle = ang;
  if (minor > major) {
    std::swap(major, minor);
    major_angle += kPi / 2;
  }
  // Centre: from the track position along the azimuth of the mean impact.
  const LatLon centre = ground_range < 1.0
                            ? u.position
                            : GeodesicDestination(u.position, std::atan2(cx, cy) / kDeg, Metres(ground_range));
  // From the x-axis (east, counter-clockwise) to an azimuth (clockwise from north).
  const double major_az = std::fmod(90.0 - major_angle / kDeg + 720.0, 180.0);
  d->areas.push_back(Area(alert::Ellipse{centre, Metres(major), Metres(minor), major_az}, now,
                          now + tmin - c.impact_time_before_s, now + tmax + c.impact_time_after_s));
  // The ground below the threat now (it is over these zones until it lands).
  d->areas.push_back(Area(alert::Disc{u.position, Metres(c.zone_margin_m + c.sigma_k * sigma)}, now, now,
                          now + tmax + c.impact_time_after_s, /*pre=*/true));
}

}  // namespace

std::optional<Impact> PropagateToGround(double x, double y, double z, double vx, double vy, double vz,
                                        double ballistic_coefficient, double max_time_s) {
  // Semi-implicit Euler with an adaptive step; flat frame with the Earth's curvature
  // folded into the height above ground (z - d^2 / 2R).
  double t = 0;
  auto height = [&](double px, double py, double pz) { return pz - (px * px + py * py) / (2 * kEarthRadius); };
  double h = height(x, y, z);
  if (h <= 0) return Impact{x, y, 0};
  while (t < max_time_s) {
    const double speed = std::sqrt(vx * vx + vy * vy + vz * vz);
    const double dt = std::clamp(h / std::max(1.0, std::abs(vz) * 4.0), 0.05, 1.0);
    const double rho = 1.225 * std::exp(-std::max(0.0, h) / 7200.0);
    const double drag = ballistic_coefficient > 0 ? rho * speed / (2 * ballistic_coefficient) : 0.0;
    vx -= drag * vx * dt;
    vy -= drag * vy * dt;
    vz -= (kG + drag * vz) * dt;
    const double nx = x + vx * dt, ny = y + vy * dt, nz = z + vz * dt;
    const double nh = height(nx, ny, nz);
    if (nh <= 0) {
      const double f = h / std::max(1e-9, h - nh);
      return Impact{x + (nx - x) * f, y + (ny - y) * f, t + dt * f};
    }
    x = nx; y = ny; z = nz; h = nh;
    t += dt;
  }
  return std::nullopt;
}

Predictor::Predictor(PredictorConfig config) : config_(config) {}

alert::Danger Predictor::Compute(const track::TrackUpdate& in) const {
  const track::TrackUpdate u = Plausible(config_, in);
  alert::Danger d;
  d.track = u.id;
  d.category = u.category;
  d.confidence = std::clamp(u.confidence, 0.0, 1.0);
  if (u.status == track::TrackStatus::kConfirmed) d.confidence = std::max(d.confidence, config_.confirmed_confidence_floor);
  d.uncertainty = u.pos_sigma;
  d.sensors = u.sensors;
  if (!Finite(u)) return d;  // no placeable piece: the engine keeps the previous zones
  if (IsBallistic(u.category)) {
    AddImpactEllipse(config_, u, &d);
  } else {
    AddCorridorPieces(config_, u, &d);
  }
  return d;
}

bool Predictor::ExplainedByPreciseTrack(const track::TrackUpdate& u) const {
  const double t = u.time.seconds();
  const double sigma = std::max(0.0, u.pos_sigma.value());
  const double coslat = std::cos(u.position.lat * kDeg);
  for (const auto& [id, p] : precise_) {
    // Same category, or one of them not yet classified (an observer-only track is
    // often "unknown" while the radar track of the same drone says drone).
    const bool same = p.category == u.category || p.category == ThreatCategory::kUnknown ||
                      u.category == ThreatCategory::kUnknown;
    if (!same || id == u.id.str()) continue;
    const double dt = t - p.time;
    if (dt > config_.precise_max_age_s || dt < -config_.precise_max_age_s) continue;
    // Flat-earth offsets (tens of km at most matter here), precise track extrapolated.
    const double de = (u.position.lon - p.lon) * kDeg * kEarthRadius * coslat - p.vel_east * dt;
    const double dn = (u.position.lat - p.lat) * kDeg * kEarthRadius - p.vel_north * dt;
    const double gate = config_.duplicate_gate_k * std::hypot(sigma, p.sigma) + config_.zone_margin_m;
    if (de * de + dn * dn <= gate * gate) return true;
  }
  return false;
}

std::optional<alert::Danger> Predictor::OnUpdate(const track::TrackUpdate& in) {
  if (in.status == track::TrackStatus::kTentative && !config_.tentative_prealerts) return std::nullopt;
  const track::TrackUpdate u = Plausible(config_, in);
  const bool heading_unknown = !IsBallistic(u.category) && Finite(u) && HeadingUnknown(config_, u);
  if (config_.suppress_duplicates && !IsBallistic(u.category)) {
    if (u.status == track::TrackStatus::kConfirmed && Finite(u) && !heading_unknown &&
        u.pos_sigma.value() <= config_.precise_max_sigma_m) {
      precise_[u.id.str()] = Precise{u.time.seconds(), u.position.lat, u.position.lon, u.vel_east, u.vel_north,
                                     u.pos_sigma.value(), u.category};
    } else {
      precise_.erase(u.id.str());
    }
  }
  Last& last = last_[u.id.str()];
  const double t = u.time.seconds();
  const bool fast = IsBallistic(u.category) || u.category == ThreatCategory::kCruiseMissile;
  const double interval = fast ? config_.recompute_interval_s : config_.drone_recompute_interval_s;
  const bool due = t - last.time >= interval || u.category != last.category ||
                   u.status != last.status;
  if (!due) {
    ++skipped_;
    return std::nullopt;
  }
  last.time = t;
  last.category = u.category;
  last.status = u.status;
  ++computed_;
  alert::Danger d = Compute(u);
  if (config_.suppress_duplicates && heading_unknown && ExplainedByPreciseTrack(u)) {
    // The same threat as a precise track: keep only the ground under it.
    ++suppressed_;
    const double now = t;
    const double r = config_.zone_margin_m + config_.sigma_k * std::max(0.0, u.pos_sigma.value());
    d.areas.clear();
    d.areas.push_back(Area(alert::Disc{u.position, Metres(r)}, now, now, now + config_.near_disc_s));
  }
  static const bool debug = std::getenv("PREDICT_DEBUG") != nullptr;
  if (debug) {
    std::fprintf(stderr, "PD %s t=%.0f cat=%s sig=%.0f v=%.1f vs=%.1f unk=%d upd=%d areas=%zu sensors=%s\n",
                 u.id.str().c_str(), t, std::string(ToString(u.category)).c_str(), u.pos_sigma.value(),
                 std::hypot(u.vel_east, u.vel_north), u.vel_sigma.value(), heading_unknown ? 1 : 0, u.updates,
                 d.areas.size(), u.sensors.empty() ? "-" : u.sensors.front().str().c_str());
  }
  if (u.status == track::TrackStatus::kTentative) {
    for (auto& a : d.areas) a.prealert_only = true;
  }
  return d;
}

alert::EndReason Predictor::OnEnd(const track::TrackEnd& e) {
  last_.erase(e.id.str());
  precise_.erase(e.id.str());
  return e.reason == track::TrackEndReason::kLost ? alert::EndReason::kTrackLost : alert::EndReason::kThreatPassed;
}

}  // namespace tocsin::predict
