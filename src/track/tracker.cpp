// The tracker loop: convert -> find candidates -> gate -> nearest neighbour ->
// IMM predict/update -> classify -> confirm / initiate -> periodic deletion sweep.
#include "track/tracker.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>

#include "track/classifier.h"
#include "track/ecef.h"
#include "track/imm.h"
#include "track/measurement.h"
#include "track/track_grid.h"
#include "track/tracker_config.h"

namespace tocsin::track {
namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr MotionModel kAirModels[] = {MotionModel::kCv, MotionModel::kCtLeft, MotionModel::kCtRight,
                                      MotionModel::kManeuver};
constexpr MotionModel kBallisticModels[] = {MotionModel::kBallistic, MotionModel::kBoost};

struct RecentSensor {
  int sensor;
  double time;
};

struct Track {
  bool live = false;
  bool confirmed = false;
  bool ballistic = false;  // uses the ballistic model set
  bool alt_known = false;
  TrackId id;
  Imm imm;
  double time = 0.0;         // time of the state (latest measurement time)
  double first_time = 0.0;
  double init_period = 1.0;  // period of the sensor that started it
  double last_period = 1.0;  // period of the last sensor that updated it
  int hits = 0;
  int confirm_hits = 0;      // > 0: confirmed at this many hits (trusted single reports)
  std::uint64_t cell = 0;
  bool fast = false;
  Classifier cls;
  std::vector<RecentSensor> recent;  // last update time per sensor
};

struct PendingBearing {
  int sensor;
  double time;
  double az_deg;
  double sigma_deg;
  std::optional<ThreatCategory> hint;
};

// Mean time between two reports of one target by a sensor: its period, stretched
// for a low detection probability (an observer network at p_detect 0.25 every 60 s
// reports a drone every 4 minutes). Radars and acoustic sensors: their period.
double EffectivePeriod(const ingest::SensorDescription& sd) {
  const double period = sd.period_s > 0.0 ? sd.period_s : 1.0;
  if (sd.type != ingest::SensorType::kObserver) return period;
  return period / std::clamp(sd.p_detect, 0.2, 1.0);
}

double SigmaOr(const std::optional<double>& s, double fallback) { return s && *s > 0.0 ? *s : fallback; }

// Velocity prior of a track started by an observer: by what the observer says it saw.
double ObserverVelocitySigma(const TrackerConfig& c, const std::optional<ThreatCategory>& hint) {
  if (!hint) return c.observer_velocity_sigma_mps;
  switch (*hint) {
    case ThreatCategory::kCruiseMissile:
    case ThreatCategory::kAircraft:
    case ThreatCategory::kUnknown:
      return c.observer_fast_velocity_sigma_mps;
    case ThreatCategory::kBallisticMissile:
    case ThreatCategory::kRocket:
      return c.init_velocity_sigma_mps;
    default:
      return c.observer_velocity_sigma_mps;
  }
}

}  // namespace

struct Tracker::Impl {
  Impl(const ingest::SensorIndex& s, const TrackerConfig& c, TrackSink& k)
      : sensors(s), config(c), sink(k), grid(c.grid_cell_m) {
    for (const auto& d : sensors.sensors()) {
      frames.push_back(d.position ? MakeSensorFrame(d.position->lat, d.position->lon, d.alt_m) : SensorFrame{});
      has_frame.push_back(d.position.has_value());
    }
  }

  const ingest::SensorIndex& sensors;
  TrackerConfig config;
  TrackSink& sink;
  TrackGrid grid;
  std::vector<SensorFrame> frames;
  std::vector<bool> has_frame;
  std::vector<Track> tracks;
  std::vector<int> free_slots;
  std::vector<int> fast_tracks;
  std::vector<std::uint32_t> stamp;
  std::uint32_t stamp_now = 0;
  std::vector<int> candidates;
  std::deque<PendingBearing> bearings;
  std::size_t next_serial = 1;
  std::size_t live = 0, confirmed = 0;
  double now = -1e300;
  double last_sweep = -1e300;
  TrackerStats stats;

  bool BuildMeasurement(const ingest::Report& r, int si, Measurement* m);
  void CollectCandidates(const Measurement& m);
  // The live track the measurement updates, or -1.
  int Associate(const Measurement& m, const ingest::SensorDescription& sd);
  void UpdateTrack(int ti, const Measurement& m, const ingest::Report& r, const ingest::SensorDescription& sd);
  void Initiate(const Measurement& m, const ingest::Report& r, const ingest::SensorDescription& sd);
  int NewTrack(const Vec6& x, const Mat6& p, double t, int sensor, double period, int hits);
  void AfterUpdate(int ti);
  void Emit(const Track& t);
  void Sweep();
  void EndTrack(int ti, TrackEndReason reason, bool report);
  bool CheapGate(const Track& t, const Measurement& m) const;
  // Could the track have flown to the position report since its last update (observer
  // reports: any track; 3D plots: confirmed tracks)?
  bool KinematicallyReachable(const Track& t, const Measurement& m) const;
  // An observer report believed at once: a network that almost never reports clutter,
  // and not a ballistic hint.
  bool TrustedSighting(const ingest::SensorDescription& sd, const ingest::Report& r) const;
};

// ---- measurement building ----
bool Tracker::Impl::BuildMeasurement(const ingest::Report& r, int si, Measurement* m) {
  const auto& sd = sensors.sensors()[si];
  m->time = r.time.seconds();
  m->sensor = si;
  switch (r.kind) {
    case ingest::ReportKind::kRadar: {
      if (!has_frame[si] || !(r.range_m > 0.0)) return false;
      m->frame = frames[si];
      const double sr = SigmaOr(sd.sigma.range_m, 100.0);
      const double saz = SigmaOr(sd.sigma.azimuth_deg, 1.0);
      if (r.elevation_deg && sd.sigma.elevation_deg) {
        m->kind = MeasurementKind::kPosition3d;
        m->dim = 3;
        ConvertPlot(m->frame, r.range_m, r.azimuth_deg, *r.elevation_deg, sr, saz, SigmaOr(sd.sigma.elevation_deg, 1.0),
                    &m->z, &m->R);
      } else {
        m->kind = MeasurementKind::kRangeAzimuth;
        m->dim = 2;
        m->z = Vec3(r.range_m, r.azimuth_deg * kDeg, 0.0);
        m->R = Vec3(sr * sr, std::pow(saz * kDeg, 2), 1.0).asDiagonal();
      }
      return true;
    }
    case ingest::ReportKind::kBearing: {
      if (!has_frame[si]) return false;
      m->frame = frames[si];
      m->kind = MeasurementKind::kBearing;
      const double saz = SigmaOr(sd.sigma.azimuth_deg, 5.0);
      m->z = Vec3(r.azimuth_deg * kDeg, 0.0, 0.0);
      m->R = Mat3::Identity();
      m->R(0, 0) = std::pow(saz * kDeg, 2);
      m->dim = 1;
      if (r.elevation_deg && sd.sigma.elevation_deg) {
        m->dim = 2;
        m->z(1) = *r.elevation_deg * kDeg;
        m->R(1, 1) = std::pow(SigmaOr(sd.sigma.elevation_deg, 5.0) * kDeg, 2);
      }
      return true;
    }
    case ingest::ReportKind::kPosition: {
      const double s = r.sigma_m > 0.0 ? r.sigma_m : SigmaOr(sd.sigma.position_m, 1000.0);
      m->frame = MakeSensorFrame(r.position.lat, r.position.lon, 0.0);
      if (r.alt_m) {
        m->kind = MeasurementKind::kPosition3d;
        m->dim = 3;
        m->z = ToEcef(r.position.lat, r.position.lon, *r.alt_m);
        const double sv = std::max(s, 300.0);
        m->R = m->frame.enu_to_ecef * Vec3(s * s, s * s, sv * sv).asDiagonal() * m->frame.enu_to_ecef.transpose();
      } else {
        m->kind = MeasurementKind::kHorizontalPosition;
        m->dim = 2;
        m->z = m->frame.origin;
        m->R = Vec3(s * s, s * s, 1.0).asDiagonal();
      }
      return true;
    }
  }
  return false;
}

// ---- association ----
void Tracker::Impl::CollectCandidates(const Measurement& m) {
  candidates.clear();
  switch (m.kind) {
    case MeasurementKind::kPosition3d:
      grid.Near(m.z, &candidates);
      break;
    case MeasurementKind::kAltitude:
    case MeasurementKind::kHorizontalPosition:
    case MeasurementKind::kBearing:
      grid.Near(m.frame.origin, &candidates);
      break;
    case MeasurementKind::kRangeAzimuth: {
      // Sample the arc of possible elevations (altitudes 0..30 km).
      const double r = m.z(0);
      const double az = m.z(1) / kDeg;
      for (double alt : {0.0, 2000.0, 5000.0, 10000.0, 18000.0, 30000.0}) {
        const double el = ElevationForAltitude(m.frame, r, alt);
        Vec3 p;
        Mat3 c;
        ConvertPlot(m.frame, r, az, el, 1.0, 0.1, 0.1, &p, &c);
        grid.Near(p, &candidates);
      }
      break;
    }
  }
  candidates.insert(candidates.end(), fast_tracks.begin(), fast_tracks.end());
  // Dedupe (order kept: deterministic).
  if (stamp.size() < tracks.size()) stamp.resize(tracks.size(), 0);
  ++stamp_now;
  std::size_t w = 0;
  for (int c : candidates) {
    if (stamp[c] == stamp_now) continue;
    stamp[c] = stamp_now;
    candidates[w++] = c;
  }
  candidates.resize(w);
}

// Euclidean pre-check: can the measurement possibly fall in the track's gate?
bool Tracker::Impl::CheapGate(const Track& t, const Measurement& m) const {
  const double dt = m.time - t.time;
  const Vec6& x = t.imm.x();
  const Mat6& p = t.imm.P();
  const Vec3 pos = x.head<3>() + dt * x.tail<3>();
  const double tp = p.block<3, 3>(0, 0).trace(), tv = p.block<3, 3>(3, 3).trace();
  double var = tp + dt * dt * tv + 2.0 * std::abs(dt) * std::sqrt(tp * tv);
  const double adt = std::abs(dt);
  var += (t.ballistic ? config.q_boost : config.q_maneuver) * adt * adt * adt;
  if (t.ballistic) var += std::pow(0.5 * 9.81 * dt * dt, 2);
  const double g = config.gate_chi2_3d;
  switch (m.kind) {
    case MeasurementKind::kPosition3d: {
      const double d2 = (pos - m.z).squaredNorm();
      return d2 <= g * (var + m.R.trace()) * 1.5;
    }
    case MeasurementKind::kHorizontalPosition: {
      const Vec3 d = m.frame.enu_to_ecef.transpose() * (pos - m.z);
      return d.x() * d.x() + d.y() * d.y() <= g * (var + m.R(0, 0) + m.R(1, 1)) * 1.5;
    }
    case MeasurementKind::kRangeAzimuth: {
      const double dr = (pos - m.frame.origin).norm() - m.z(0);
      return dr * dr <= g * (var + m.R(0, 0)) * 1.5;
    }
    case MeasurementKind::kBearing: {
      const auto& sd = sensors.sensors()[m.sensor];
      const double reach = sd.max_range_m > 0.0 ? sd.max_range_m : 1e7;
      const double d = (pos - m.frame.origin).norm() - reach;
      return d <= 0.0 || d * d <= g * var * 1.5;
    }
    case MeasurementKind::kAltitude:
      return true;
  }
  return true;
}

bool Tracker::Impl::KinematicallyReachable(const Track& t, const Measurement& m) const {
  if (t.ballistic) return true;
  const bool observer = m.kind == MeasurementKind::kHorizontalPosition;
  if (!observer && (m.kind != MeasurementKind::kPosition3d || !t.confirmed)) return true;
  const Vec6& x = t.imm.x();
  const Mat3 east_north_up = m.frame.enu_to_ecef.transpose();
  const Vec3 d = east_north_up * (x.head<3>() - m.z);
  const Vec3 v = east_north_up * x.tail<3>();
  const Mat3 p = east_north_up * t.imm.P().block<3, 3>(0, 0) * east_north_up.transpose();
  const double r = observer ? m.R(0, 0) + m.R(1, 1) : m.R.trace();
  const double sigma = std::sqrt(std::max(0.0, p(0, 0) + p(1, 1) + r));
  const double distance = std::hypot(d.x(), d.y()), dt = std::abs(m.time - t.time);
  auto within = [&](double cap) { return distance <= std::max(cap, 1.5 * std::hypot(v.x(), v.y())) * dt + 3.0 * sigma; };
  // Within the slower cap's reach: reachable whatever the class (asked only beyond it).
  if (within(std::min(config.drone_gate_speed_mps, config.air_gate_speed_mps))) return true;
  if (t.confirmed) {
    double confidence = 0.0;
    if (t.cls.category(config, &confidence) == ThreatCategory::kDrone && confidence >= config.drone_gate_min_confidence)
      return false;
  }
  // Observers see only low, slow threats (nothing ballistic can be followed by them).
  return !observer || within(config.air_gate_speed_mps);
}

int Tracker::Impl::Associate(const Measurement& m, const ingest::SensorDescription& sd) {
  CollectCandidates(m);
  const double gate = m.dim == 1 ? config.gate_chi2_1d : m.dim == 2 ? config.gate_chi2_2d : config.gate_chi2_3d;
  const bool scanning = sd.type == ingest::SensorType::kRadar || sd.type == ingest::SensorType::kAcoustic;
  const bool observer_report = sd.type == ingest::SensorType::kObserver;
  const double vague_pos_var = config.vague_position_sigma_m * config.vague_position_sigma_m;
  int best[2] = {-1, -1};  // [tentative, confirmed]
  double best_cost[2] = {1e300, 1e300};
  for (int ti : candidates) {
    const Track& t = tracks[ti];
    if (!t.live) continue;
    if (scanning) {
      bool same_scan = false;
      for (const auto& rs : t.recent) {
        if (rs.sensor == m.sensor && std::abs(m.time - rs.time) < config.same_scan_fraction * sd.period_s) {
          same_scan = true;
        }
      }
      if (same_scan) continue;
    }
    if (!CheapGate(t, m) || !KinematicallyReachable(t, m)) continue;
    Vec6 x;
    Mat6 p;
    t.imm.PredictCombined(m.time - t.time, config, &x, &p);
    // A confirmed track whose position is known only to tens of km (one observer report, a
    // vague velocity) would take any clutter plot or stray bearing in its huge gate:
    // it takes observer reports only; radars and acoustic sensors start their own.
    if (t.confirmed && !observer_report && p.block<3, 3>(0, 0).trace() > vague_pos_var) continue;
    double log_det = 0.0;
    const double d2 = Innovation(m, x, p, &log_det);
    if (d2 > (t.confirmed ? gate : gate * config.tentative_gate_factor)) continue;
    const double cost = d2 + log_det;
    const int k = t.confirmed ? 1 : 0;
    if (cost < best_cost[k]) {
      best_cost[k] = cost;
      best[k] = ti;
    }
  }
  return best[1] >= 0 ? best[1] : best[0];
}

// ---- update ----
void Tracker::Impl::UpdateTrack(int ti, const Measurement& m, const ingest::Report& r,
                                const ingest::SensorDescription& sd) {
  Track& t = tracks[ti];
  const double dt = m.time - t.time;
  if (dt >= 0.0) {
    t.imm.Predict(dt, config);
    t.imm.Update(m);
    t.time = m.time;
  } else {  // out of order: retrodict, update, predict back to the latest time
    t.imm.Predict(dt, config);
    t.imm.Update(m);
    t.imm.Predict(-dt, config);
  }
  if (!t.alt_known && m.kind != MeasurementKind::kPosition3d) {
    const Geodetic g = ToGeodetic(t.imm.x().head<3>());
    const Vec3 up = EnuToEcef(g.lat, g.lon).col(2);
    const double alt_var = up.dot(t.imm.P().block<3, 3>(0, 0) * up);
    Measurement a;
    a.kind = MeasurementKind::kAltitude;
    a.dim = 1;
    a.time = t.time;
    a.frame = MakeSensorFrame(g.lat, g.lon, 0.0);
    a.z(0) = config.default_alt_m;
    a.R(0, 0) = config.alt_prior_sigma_m * config.alt_prior_sigma_m;
    // Only while the altitude is vaguer than the prior: repeated pseudo-measurements
    // would otherwise pin it with a false certainty.
    if (alt_var > a.R(0, 0)) t.imm.Update(a);
  }
  ++t.hits;
  t.last_period = sd.period_s > 0.0 ? EffectivePeriod(sd) : t.last_period;
  bool found = false;
  for (auto& rs : t.recent) {
    if (rs.sensor == m.sensor) {
      rs.time = std::max(rs.time, m.time);
      found = true;
    }
  }
  if (!found) t.recent.push_back({m.sensor, m.time});
  if (m.kind == MeasurementKind::kPosition3d) t.alt_known = true;
  if (r.class_hint) {
    const double confusion = sd.type == ingest::SensorType::kObserver ? 0.2 : config.hint_confusion;
    t.cls.AddHint(*r.class_hint, confusion);
  }
  // A trusted sighting joining a tentative track of at least two earlier measurements
  // (bearings of the same missile, a plot and an earlier sighting) confirms it: it stayed
  // silent until M-of-N confirmation, which sightings minutes apart never give
  // (kyiv-combined-night seeds 1 and 3: sightings of cruise missiles went into tentative
  // tracks; zones were missed). Confirming one-plot tracks too measured worse (seeds 1-3:
  // dropped 2/0/3 vs 1/0/1; clutter plots paired with sightings).
  if (!t.confirmed && t.hits >= 3 && TrustedSighting(sd, r)) t.confirm_hits = 1;
  AfterUpdate(ti);
}

bool Tracker::Impl::TrustedSighting(const ingest::SensorDescription& sd, const ingest::Report& r) const {
  // Not for ballistic hints: radars track those, and a sighting with a 2 km/s velocity
  // prior would alert a huge impact area.
  const bool ballistic_hint = r.class_hint && (*r.class_hint == ThreatCategory::kBallisticMissile ||
                                               *r.class_hint == ThreatCategory::kRocket);
  return sd.type == ingest::SensorType::kObserver && !ballistic_hint &&
         sd.false_per_scan <= config.trusted_false_per_period;
}

void Tracker::Impl::AfterUpdate(int ti) {
  Track& t = tracks[ti];
  const Vec6& x = t.imm.x();
  const Mat3 rot = EnuToEcefAt(x.head<3>());
  const Vec3 v_enu = rot.transpose() * x.tail<3>();
  const Mat3 pv = rot.transpose() * t.imm.P().block<3, 3>(3, 3) * rot;
  const double speed = x.tail<3>().norm();
  // Without altitude, only the horizontal velocity is trusted.
  const double cls_speed = t.alt_known ? speed : std::hypot(v_enu.x(), v_enu.y());
  const double vel_sigma = std::sqrt(std::max(0.5 * (pv(0, 0) + pv(1, 1)), 0.0));
  t.cls.AddKinematics(cls_speed, v_enu.z(), ApproxAltitude(x.head<3>()), t.alt_known, vel_sigma);
  if (!t.ballistic && t.alt_known && t.cls.ballistic_like(config)) {
    t.ballistic = true;
    t.imm.Reset(kBallisticModels, 2, t.imm.x(), t.imm.P(), config);
  }
  // Grid and fast list.
  const std::uint64_t key = grid.KeyOf(x.head<3>());
  if (key != t.cell) {
    grid.Remove(ti, t.cell);
    grid.Insert(ti, key);
    t.cell = key;
  }
  // Confirmed tracks with a vague velocity (one observer report) may have moved far
  // by their next report: checked for every report too.
  const bool fast = speed > config.fast_track_speed_mps || t.ballistic ||
                    ((t.confirmed || t.confirm_hits > 0) && vel_sigma > config.vague_velocity_sigma_mps);
  if (fast != t.fast) {
    t.fast = fast;
    if (fast) {
      fast_tracks.push_back(ti);
    } else {
      fast_tracks.erase(std::find(fast_tracks.begin(), fast_tracks.end(), ti));
    }
  }
  const bool fast_kinematics = speed > config.ballistic_speed_mps;
  const int m_needed = t.confirm_hits > 0     ? t.confirm_hits
                       : fast_kinematics ? config.confirm_m_fast
                                         : config.confirm_m;
  const int n_window = config.confirm_n + (m_needed - config.confirm_m);
  // A trusted sighting confirms whatever the track's age (the window is against clutter).
  const bool in_window = t.confirm_hits > 0 || t.time - t.first_time <= n_window * t.init_period + 1e-6;
  if (!t.confirmed && t.hits >= m_needed && in_window) {
    t.confirmed = true;
    ++confirmed;
    ++stats.tracks_confirmed;
  }
  if (t.confirmed || config.emit_tentative) Emit(t);
}

// ---- initiation ----
int Tracker::Impl::NewTrack(const Vec6& x, const Mat6& p, double time, int sensor, double period, int hits) {
  int ti;
  if (!free_slots.empty()) {
    ti = free_slots.back();
    free_slots.pop_back();
  } else {
    ti = static_cast<int>(tracks.size());
    tracks.emplace_back();
  }
  Track& t = tracks[ti];
  t = Track{};
  t.live = true;
  t.id = TrackId("trk-" + std::to_string(next_serial++));
  t.imm.Reset(kAirModels, 4, x, p, config);
  t.time = t.first_time = time;
  t.last_period = period > 0.0 ? period : 1.0;
  t.init_period = t.last_period;
  t.hits = hits;
  t.recent.push_back({sensor, time});
  t.cell = grid.KeyOf(x.head<3>());
  grid.Insert(ti, t.cell);
  ++live;
  ++stats.tracks_started;
  return ti;
}

void Tracker::Impl::Initiate(const Measurement& m, const ingest::Report& r, const ingest::SensorDescription& sd) {
  const bool observer = sd.type == ingest::SensorType::kObserver;
  const double v0 = sd.type == ingest::SensorType::kRadar ? config.init_velocity_sigma_mps
                    : observer                            ? ObserverVelocitySigma(config, r.class_hint)
                                                          : 150.0;
  Mat6 p = Mat6::Zero();
  p.block<3, 3>(3, 3) = Mat3::Identity() * v0 * v0;
  Vec6 x = Vec6::Zero();
  bool alt_known = false;
  int hits = 1;
  switch (m.kind) {
    case MeasurementKind::kAltitude:
      return;
    case MeasurementKind::kPosition3d:
      x.head<3>() = m.z;
      p.block<3, 3>(0, 0) = m.R;
      alt_known = true;
      break;
    case MeasurementKind::kRangeAzimuth: {
      const double range = m.z(0);
      const double el = ElevationForAltitude(m.frame, range, config.default_alt_m);
      const double sel = std::min(config.default_alt_sigma_m / range / kDeg, 30.0);
      Vec3 z;
      Mat3 c;
      ConvertPlot(m.frame, range, m.z(1) / kDeg, el, std::sqrt(m.R(0, 0)), std::sqrt(m.R(1, 1)) / kDeg, sel, &z,
                  &c);
      x.head<3>() = z;
      p.block<3, 3>(0, 0) = c;
      break;
    }
    case MeasurementKind::kHorizontalPosition: {
      x.head<3>() = m.z + m.frame.enu_to_ecef.col(2) * config.default_alt_m;
      const double s2 = m.R(0, 0), a2 = config.default_alt_sigma_m * config.default_alt_sigma_m;
      p.block<3, 3>(0, 0) =
          m.frame.enu_to_ecef * Vec3(s2, s2, a2).asDiagonal() * m.frame.enu_to_ecef.transpose();
      break;
    }
    case MeasurementKind::kBearing: {
      // Pair with a recent unassociated bearing from another sensor.
      while (!bearings.empty() && bearings.front().time < now - config.bearing_pair_window_s) bearings.pop_front();
      const double saz = std::sqrt(m.R(0, 0)) / kDeg;
      std::optional<Crossing> best;
      std::deque<PendingBearing>::iterator partner = bearings.end();
      for (auto it = bearings.end(); it != bearings.begin();) {
        --it;
        if (it->sensor == m.sensor || std::abs(it->time - m.time) > config.bearing_pair_window_s) continue;
        const auto& od = sensors.sensors()[it->sensor];
        const double reach = config.triangulation_range_factor * std::max(sd.max_range_m, od.max_range_m);
        if ((frames[it->sensor].origin - m.frame.origin).norm() > 2.0 * reach) continue;
        auto c = Triangulate(m.frame, m.z(0) / kDeg, saz, frames[it->sensor], it->az_deg, it->sigma_deg,
                             config.default_alt_m, config.default_alt_sigma_m, reach);
        if (c) {
          best = c;
          partner = it;
          break;
        }
      }
      if (!best) {
        // No partner from another sensor: two bearings of one sensor that agree start
        // a single-sensor track (azimuth + the hearing-range constraint). A threat heard
        // by one acoustic sensor at a time is still tracked.
        std::deque<PendingBearing>::iterator own = bearings.end();
        for (auto it = bearings.begin(); it != bearings.end(); ++it) {
          if (it->sensor != m.sensor || m.time - it->time > config.single_sensor_pair_periods * sd.period_s ||
              m.time <= it->time) {
            continue;
          }
          double daz = std::remainder(m.z(0) / kDeg - it->az_deg, 360.0);
          if (std::abs(daz) <= 3.0 * std::hypot(saz, it->sigma_deg)) own = it;
        }
        if (own == bearings.end() || !(sd.max_range_m > 0.0)) {
          bearings.push_back({m.sensor, m.time, m.z(0) / kDeg, saz, r.class_hint});
          return;
        }
        const double range = 0.6 * sd.max_range_m;
        const double el = ElevationForAltitude(m.frame, range, config.default_alt_m);
        const double sel = std::min(config.default_alt_sigma_m / range / kDeg, 30.0);
        Vec3 z;
        Mat3 c;
        ConvertPlot(m.frame, range, m.z(0) / kDeg, el, 0.35 * sd.max_range_m, saz, sel, &z, &c);
        x.head<3>() = z;
        p.block<3, 3>(0, 0) = c;
        const auto own_hint = own->hint;
        const double own_time = own->time;
        bearings.erase(own);
        const int ti = NewTrack(x, p, m.time, m.sensor, EffectivePeriod(sd), 2);
        tracks[ti].first_time = own_time;
        if (own_hint) tracks[ti].cls.AddHint(*own_hint, config.hint_confusion);
        if (r.class_hint) tracks[ti].cls.AddHint(*r.class_hint, config.hint_confusion);
        return;
      }
      x.head<3>() = best->ecef;
      p.block<3, 3>(0, 0) = best->cov;
      hits = 2;
      const auto partner_hint = partner->hint;
      const int partner_sensor = partner->sensor;
      const double partner_time = partner->time;
      bearings.erase(partner);
      const int ti = NewTrack(x, p, m.time, m.sensor, EffectivePeriod(sd), hits);
      tracks[ti].recent.push_back({partner_sensor, partner_time});
      if (partner_hint) tracks[ti].cls.AddHint(*partner_hint, config.hint_confusion);
      if (r.class_hint) tracks[ti].cls.AddHint(*r.class_hint, config.hint_confusion);
      return;
    }
  }
  const int ti = NewTrack(x, p, m.time, m.sensor, EffectivePeriod(sd), hits);
  tracks[ti].alt_known = alt_known;
  if (r.class_hint) {
    tracks[ti].cls.AddHint(*r.class_hint, observer ? 0.2 : config.hint_confusion);
  }
  // A sensor that almost never reports clutter (an observer network) is believed at
  // its first report: the threat may not be reported again for minutes.
  if (TrustedSighting(sd, r)) {
    tracks[ti].confirm_hits = 1;
    AfterUpdate(ti);
  }
}

// ---- output ----
void Tracker::Impl::Emit(const Track& t) {
  const Vec6& x = t.imm.x();
  const Mat6& p = t.imm.P();
  const Geodetic g = ToGeodetic(x.head<3>());
  const Mat3 rot = EnuToEcef(g.lat, g.lon);
  const Vec3 v = rot.transpose() * x.tail<3>();
  const Mat3 pp = rot.transpose() * p.block<3, 3>(0, 0) * rot;
  const Mat3 pv = rot.transpose() * p.block<3, 3>(3, 3) * rot;
  auto largest = [](const Mat3& m) {
    const double a = m(0, 0), b = m(0, 1), c = m(1, 1);
    return std::sqrt(std::max(0.5 * (a + c) + std::sqrt(0.25 * (a - c) * (a - c) + b * b), 0.0));
  };
  TrackUpdate u;
  u.id = t.id;
  u.time = UnixTime(t.time);
  u.status = t.confirmed ? TrackStatus::kConfirmed : TrackStatus::kTentative;
  u.position = {g.lat, g.lon};
  u.alt_m = g.alt;
  u.alt_known = t.alt_known;
  u.vel_east = v.x();
  u.vel_north = v.y();
  u.vel_up = v.z();
  u.pos_sigma = Metres(largest(pp));
  u.vel_sigma = MetresPerSecond(largest(pv));
  u.alt_sigma_m = std::sqrt(std::max(pp(2, 2), 0.0));
  u.category = t.cls.category(config, &u.category_confidence);
  u.confidence = (t.confirmed ? 1.0 : 0.5) * (1.0 - std::exp(-t.hits / 4.0));
  for (const auto& rs : t.recent) {
    if (t.time - rs.time <= config.recent_sensor_s) u.sensors.push_back(sensors.sensors()[rs.sensor].id);
  }
  u.updates = t.hits;
  ++stats.updates_emitted;
  sink.OnTrackUpdate(u);
}

// ---- deletion ----
void Tracker::Impl::EndTrack(int ti, TrackEndReason reason, bool report) {
  Track& t = tracks[ti];
  if (report) {
    ++stats.tracks_ended;
    sink.OnTrackEnd(TrackEnd{t.id, UnixTime(std::max(t.time, now)), reason});
  }
  grid.Remove(ti, t.cell);
  if (t.fast) fast_tracks.erase(std::find(fast_tracks.begin(), fast_tracks.end(), ti));
  if (t.confirmed) --confirmed;
  --live;
  t.live = false;
  t.recent.clear();
  free_slots.push_back(ti);
}

void Tracker::Impl::Sweep() {
  last_sweep = now;
  for (int ti = 0; ti < static_cast<int>(tracks.size()); ++ti) {
    Track& t = tracks[ti];
    if (!t.live) continue;
    const double silence = now - t.time;
    // Drop sensors not heard from recently.
    std::erase_if(t.recent, [&](const RecentSensor& rs) { return now - rs.time > 2.0 * config.recent_sensor_s; });
    if (!t.confirmed) {
      if (silence > config.tentative_silence_periods * t.last_period ||
          now - t.first_time > (config.confirm_n + config.confirm_m_fast - config.confirm_m) * t.init_period +
                                   config.tentative_silence_periods * t.last_period) {
        EndTrack(ti, TrackEndReason::kLost, false);
      }
      continue;
    }
    if (t.ballistic) {
      const Vec6& x = t.imm.x();
      const double vz = EnuToEcefAt(x.head<3>()).col(2).dot(x.tail<3>());
      const double alt = ApproxAltitude(x.head<3>()) + vz * silence - 0.5 * 9.81 * silence * silence;
      if (alt <= 0.0 && silence > 0.0) {
        EndTrack(ti, TrackEndReason::kImpact, true);
      } else if (silence > config.ballistic_silence_s) {
        EndTrack(ti, vz < 0.0 && alt < 5000.0 ? TrackEndReason::kImpact : TrackEndReason::kLost, true);
      }
      continue;
    }
    // An unclassified 3D track faster than any air-breather cannot loiter unseen: it
    // ends as soon as a ballistic track would (gaza-rockets: 3-4 plots of different
    // rockets, confirmed at 400-2,800 m/s and never updated again, alerted for 90 s).
    const bool unclassified_fast = t.alt_known && t.imm.x().tail<3>().norm() > config.ballistic_speed_mps &&
                                   t.cls.category_is_unknown(config);
    const double allowed = std::max(unclassified_fast ? config.ballistic_silence_s : config.confirmed_silence_s,
                                    config.confirmed_silence_periods * t.last_period);
    if (silence > allowed) {
      EndTrack(ti, TrackEndReason::kLost, true);
    }
  }
}

// ---- public API ----
Tracker::Tracker(const ingest::SensorIndex& sensors, const TrackerConfig& config, TrackSink& sink)
    : impl_(std::make_unique<Impl>(sensors, config, sink)) {}
Tracker::~Tracker() = default;

void Tracker::Process(const ingest::Report& report) {
  Impl& s = *impl_;
  ++s.stats.reports;
  const long si = s.sensors.IndexOf(report.sensor.str());
  if (si < 0) {
    ++s.stats.unknown_sensor;
    return;
  }
  const double t = report.time.seconds();
  if (!std::isfinite(t)) {
    ++s.stats.unusable;
    return;
  }
  s.now = std::max(s.now, t);
  if (s.now - s.last_sweep >= s.config.sweep_interval_s) s.Sweep();
  Measurement m;
  if (!s.BuildMeasurement(report, static_cast<int>(si), &m) || !m.z.allFinite()) {
    ++s.stats.unusable;
    return;
  }
  const auto& sd = s.sensors.sensors()[si];
  // A bearing from a sensor with a hearing range also says "within that range":
  // associate and update with (range 0.6 R +/- 0.35 R, azimuth), which keeps
  // bearing-only tracks from sliding along the line of bearing.
  Measurement um = m;
  if (m.kind == MeasurementKind::kBearing && m.dim == 1 && sd.max_range_m > 0.0 &&
      s.config.bearing_range_constraint) {
    um.kind = MeasurementKind::kRangeAzimuth;
    um.dim = 2;
    um.z = Vec3(0.6 * sd.max_range_m, m.z(0), 0.0);
    um.R = Vec3(std::pow(0.35 * sd.max_range_m, 2), m.R(0, 0), 1.0).asDiagonal();
  }
  const int ti = s.Associate(um, sd);
  if (ti >= 0) {
    ++s.stats.associated;
    s.UpdateTrack(ti, um, report, sd);
  } else {
    s.Initiate(m, report, sd);
  }
}

void Tracker::Advance(UnixTime now) {
  Impl& s = *impl_;
  s.now = std::max(s.now, now.seconds());
  if (s.now - s.last_sweep >= s.config.sweep_interval_s) s.Sweep();
}

std::size_t Tracker::live_tracks() const { return impl_->live; }
std::size_t Tracker::confirmed_tracks() const { return impl_->confirmed; }
const TrackerStats& Tracker::stats() const { return impl_->stats; }

}  // namespace tocsin::track
