#include "predict/predictor.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/geo.h"
#include "ingest/radar_cover.h"

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

// An unclassified track measured faster than any air-breathing threat (the cruise
// ceiling + 2 sigma) with a known altitude is on a ballistic path (a rocket before the
// classifier has its 3 velocity samples): it gets an impact prediction, not a corridor
// 240 s long at its speed (gaza-rockets: ~190 km corridors over the whole district).
// Also one climbing or diving steeper than any air-breather (|vz| > 50 m/s and > 0.3 x
// its ground speed, i.e. ~17 degrees: a rocket's boost).
bool FasterThanAirBreathers(const PredictorConfig& c, const track::TrackUpdate& u) {
  if (u.category != ThreatCategory::kUnknown || !u.alt_known) return false;
  const double speed = std::hypot(u.vel_east, u.vel_north);
  const double vs = std::max(0.0, u.vel_sigma.value());
  const double vz = std::abs(u.vel_up) - 2.0 * vs;
  return speed - 2.0 * vs > c.cruise_max_speed_mps || (vz > 50.0 && vz > 0.3 * (speed + 2.0 * vs));
}

// A track of unknown heading that no radar has measured (altitude unknown, position
// sigma above vague_position_sigma_m) was started by an observer report or one acoustic
// sensor's bearings: its velocity is the tracker's prior (300 m/s sigma for an observer's
// "unknown" hint), not a measurement. Such sensors report low air-breathers (a threat no
// radar plots flies below the radar floor): it cannot outrun the cruise ceiling.
bool UnmeasuredAirBreather(const PredictorConfig& c, const track::TrackUpdate& u) {
  return !u.alt_known && u.pos_sigma.value() > c.vague_position_sigma_m && HeadingUnknown(c, u);
}

// A drone track whose last state is a measured terminal dive (altitude known, descending
// faster than dive_min_descent_mps and steeper than dive_min_slope; a drone changing
// level descends at ~6 degrees) that would have reached the ground, at 2 sigma of
// altitude, before the track was dropped at end_time came down there.
bool DivedToGround(const PredictorConfig& c, const track::TrackUpdate& u, double end_time) {
  if (u.category != ThreatCategory::kDrone || !u.alt_known) return false;
  const double down = -u.vel_up;
  const double ground_speed = std::hypot(u.vel_east, u.vel_north);
  if (!(down > c.dive_min_descent_mps) || !(down > c.dive_min_slope * ground_speed)) return false;
  const double to_ground = (std::max(0.0, u.alt_m) + 2.0 * std::max(0.0, u.alt_sigma_m)) / down;
  return u.time.seconds() + to_ground <= end_time;
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
  if (u.category == ThreatCategory::kUnknown && UnmeasuredAirBreather(c, u)) ceiling = c.cruise_max_speed_mps;
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
    // A drone of unknown heading may stay unseen for as long as its only sensor's
    // revisit (observers report a drone every few minutes): its rings reach
    // vague_reach_drone_s of flight and all stay until then.
    const bool drone = u.category == ThreatCategory::kDrone;
    const double reach = drone ? std::max(c.alert_reach_s, c.vague_reach_drone_s) : c.alert_reach_s;
    const double end = std::max(horizon, reach);
    double t0 = 0.0;
    while (t0 < end) {
      const bool alert_piece = t0 < reach;
      const double t1 = alert_piece ? std::min(end, t0 + (t0 < c.alert_reach_s ? c.piece_s : 2.0 * c.piece_s)) : end;
      double radius = margin + vmax * t1;
      if (!alert_piece) radius = std::min(radius, margin + vmax * t0 + c.max_prealert_half_width_m);
      // Held for alert_reach_s beyond the ring's reach time (not radius / vmin: an
      // hour for a drone): the next report refreshes it, a lost track coasts.
      const double until = now + std::max(t1 + c.alert_reach_s, drone ? reach : 0.0);
      d->areas.push_back(Area(alert::Disc{u.position, Metres(radius)}, now, now + t0, until, !alert_piece));
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
  if (IsBallistic(u.category) || FasterThanAirBreathers(config_, u)) {
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
  born_.try_emplace(in.id.str(), in.time.seconds());
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
  double interval = IsBallistic(u.category)                          ? config_.recompute_interval_s
                    : u.category == ThreatCategory::kCruiseMissile ? config_.cruise_recompute_interval_s
                                                                   : config_.drone_recompute_interval_s;
  if (heading_unknown) interval = std::max(interval, config_.vague_recompute_interval_s);
  const bool due = t - last.time >= interval || u.category != last.category || u.status != last.status ||
                   heading_unknown != last.heading_unknown;
  if (!due) {
    ++skipped_;
    return std::nullopt;
  }
  last.time = t;
  last.category = u.category;
  last.status = u.status;
  last.update = in;
  last.heading_unknown = heading_unknown;
  if (!heading_unknown && Finite(u)) last.headed = in;
  ++computed_;
  if (config_.handover && !coasting_.empty() && u.status == track::TrackStatus::kConfirmed && Finite(u) &&
      u.pos_sigma.value() <= config_.precise_max_sigma_m)
    HandOver(u, heading_unknown);
  alert::Danger d = Compute(u);
  if (config_.suppress_duplicates && heading_unknown && ExplainedByPreciseTrack(u)) {
    // The same threat as a precise track: keep only the ground under it.
    ++suppressed_;
    const double now = t;
    const double r = config_.zone_margin_m + config_.sigma_k * std::max(0.0, u.pos_sigma.value());
    d.areas.clear();
    d.areas.push_back(Area(alert::Disc{u.position, Metres(r)}, now, now, now + config_.near_disc_s));
  }
  if (u.status == track::TrackStatus::kTentative) {
    for (auto& a : d.areas) a.prealert_only = true;
  }
  return d;
}

EndDecision Predictor::OnEnd(const track::TrackEnd& e) {
  EndDecision out;
  out.reason = e.reason == track::TrackEndReason::kLost ? alert::EndReason::kTrackLost : alert::EndReason::kThreatPassed;
  auto it = last_.find(e.id.str());
  if (out.reason == alert::EndReason::kTrackLost && it != last_.end() && it->second.time > -1e299) {
    out.coast = CoastDanger(it->second.update, it->second.headed, e.time, &out.dead_reckoning);
    double until = e.time.seconds();
    for (const auto& a : out.coast->areas) until = std::max(until, a.latest_departure.seconds());
    // Kept only while hand-over can release it (HandOver also drops expired entries).
    if (out.dead_reckoning && config_.handover)
      coasting_[e.id.str()] = Coasting{CoastState(it->second.update, it->second.headed), e.time.seconds(), until};
  }
  if (it != last_.end()) last_.erase(it);
  precise_.erase(e.id.str());
  born_.erase(e.id.str());
  return out;
}

void Predictor::SetRadars(const std::vector<ingest::SensorDescription>& sensors) {
  radars_.clear();
  for (const auto& s : sensors)
    if (s.type == ingest::SensorType::kRadar && s.position) radars_.push_back(s);
}

bool Predictor::VanishedInCover(const track::TrackUpdate& last, double end_time) const {
  if (radars_.empty() || !last.alt_known) return false;
  const double alt = std::max(0.0, last.alt_m - 2.0 * std::max(0.0, last.alt_sigma_m));
  const double dt = std::max(0.0, end_time - last.time.seconds());
  const double speed = std::hypot(last.vel_east, last.vel_north);
  const LatLon gone = speed * dt < 1.0 ? last.position
                                       : GeodesicDestination(last.position, std::atan2(last.vel_east, last.vel_north) / kDeg,
                                                             Metres(speed * dt));
  auto covered = [&](LatLon p) {
    for (const auto& r : radars_)
      if (ingest::RadarCovers(r, p, alt)) return true;
    return false;
  };
  return covered(last.position) && covered(gone);
}

std::vector<TrackId> Predictor::TakeHandovers() {
  std::vector<TrackId> out;
  out.swap(handovers_);
  return out;
}

void Predictor::HandOver(const track::TrackUpdate& u, bool heading_unknown) {
  const double t = u.time.seconds();
  const auto born = born_.find(u.id.str());
  const double born_at = born == born_.end() ? t : born->second;
  const double coslat = std::cos(u.position.lat * kDeg);
  const double heading = std::atan2(u.vel_east, u.vel_north);
  const double speed = std::hypot(u.vel_east, u.vel_north);
  const double sigma = std::max(0.0, u.pos_sigma.value());
  std::string best;
  double best_d2 = 0;
  for (auto it = coasting_.begin(); it != coasting_.end();) {
    if (it->second.until < t) {  // its danger has run out: nothing to release
      it = coasting_.erase(it);
      continue;
    }
    const Coasting& c = it->second;
    const track::TrackUpdate& l = c.last;
    const bool same = l.category == u.category || l.category == ThreatCategory::kUnknown ||
                      u.category == ThreatCategory::kUnknown;
    const double dt = t - l.time.seconds();
    const double lspeed = std::hypot(l.vel_east, l.vel_north);
    double dh = std::abs(std::atan2(l.vel_east, l.vel_north) - heading);
    if (dh > kPi) dh = 2 * kPi - dh;
    const bool heading_differs = !heading_unknown && (dh > config_.handover_max_heading_deg * kDeg ||
                                                      speed < 0.5 * lspeed || speed > 2.0 * lspeed);
    if (!same || born_at < c.lost_at || dt < 0 || heading_differs) {
      ++it;
      continue;
    }
    const double de = (u.position.lon - l.position.lon) * kDeg * kEarthRadius * coslat - l.vel_east * dt;
    const double dn = (u.position.lat - l.position.lat) * kDeg * kEarthRadius - l.vel_north * dt;
    const double gate = config_.sigma_k * std::hypot(sigma, std::max(0.0, l.pos_sigma.value())) + config_.zone_margin_m +
                        config_.handover_gate_per_s * lspeed * dt;
    const double d2 = de * de + dn * dn;
    if (d2 <= gate * gate && (best.empty() || d2 < best_d2)) {
      best = it->first;
      best_d2 = d2;
    }
    ++it;
  }
  if (best.empty()) return;
  coasting_.erase(best);
  handovers_.push_back(TrackId(best));
}

track::TrackUpdate Predictor::CoastState(const track::TrackUpdate& last_seen, const track::TrackUpdate& headed) const {
  track::TrackUpdate last = last_seen;
  if (!IsBallistic(last.category) && Finite(last) && HeadingUnknown(config_, Plausible(config_, last)) &&
      headed.time.seconds() > 0 && last.time.seconds() - headed.time.seconds() <= config_.lost_headed_max_age_s) {
    last.vel_east = headed.vel_east;
    last.vel_north = headed.vel_north;
    last.vel_sigma = headed.vel_sigma;
  }
  return last;
}

alert::Danger Predictor::CoastDanger(const track::TrackUpdate& last_seen, const track::TrackUpdate& headed,
                                     UnixTime end_time, bool* dead_reckoned) const {
  if (dead_reckoned) *dead_reckoned = false;
  const track::TrackUpdate last = CoastState(last_seen, headed);
  const track::TrackUpdate u = Plausible(config_, last);
  if (IsBallistic(u.category) || !Finite(u)) return Compute(last_seen);  // impact windows bound it already
  const double speed = std::hypot(u.vel_east, u.vel_north);
  const double ceiling = u.category == ThreatCategory::kDrone ? config_.drone_max_speed_mps : config_.cruise_max_speed_mps;
  const bool flyable = speed - 2.0 * std::max(0.0, u.vel_sigma.value()) <= ceiling;
  const bool precise = u.pos_sigma.value() <= config_.vague_position_sigma_m;
  const bool classified = u.category == ThreatCategory::kDrone || u.category == ThreatCategory::kCruiseMissile;
  if (!classified || HeadingUnknown(config_, u) || u.updates < config_.lost_min_updates || !flyable || !precise ||
      (u.category == ThreatCategory::kDrone && VanishedInCover(u, end_time.seconds())) ||
      DivedToGround(config_, u, end_time.seconds())) {
    alert::Danger d = Compute(last_seen);
    const double until = end_time.seconds() + config_.lost_hold_s;
    for (auto& a : d.areas) {
      a.latest_departure = UnixTime(std::max(a.earliest_arrival.seconds(), std::min(a.latest_departure.seconds(), until)));
      if (last.status == track::TrackStatus::kTentative) a.prealert_only = true;
    }
    return d;
  }
  PredictorConfig c = config_;
  const double reach = u.category == ThreatCategory::kDrone ? c.lost_reach_drone_s : c.lost_reach_cruise_s;
  c.alert_reach_s = std::max(c.alert_reach_s, reach);
  c.max_heading_change_deg = c.lost_max_heading_change_deg;
  c.min_speed_factor = c.lost_min_speed_factor;
  c.max_horizon_s = std::max(c.max_horizon_s, c.alert_reach_s);
  const Predictor coasting(c);
  alert::Danger d = coasting.Compute(last);
  if (dead_reckoned) *dead_reckoned = true;
  if (last.status == track::TrackStatus::kTentative)
    for (auto& a : d.areas) a.prealert_only = true;
  return d;
}

}  // namespace tocsin::predict
