#include "sim/sensor_sim.h"

#include "ingest/radar_cover.h"

#include <GeographicLib/LocalCartesian.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace tocsin::sim {
namespace {

using ingest::ReportKind;
using ingest::SensorDescription;
using ingest::SensorType;

constexpr double kDeg = M_PI / 180.0;
constexpr double kEarthRadius = 6371000.0;
constexpr std::uint64_t kPhaseStream = 0xFFFFFFF1;
constexpr std::uint64_t kClutterStream = 0xFFFFFFF2;
constexpr std::uint64_t kLatencyStream = 0xFFFFFFF3;

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

double Round3(double t) { return std::round(t * 1000.0) / 1000.0; }
double WrapAzimuth(double a) {
  a = std::fmod(a, 360.0);
  if (a < 0) a += 360.0;
  if (a >= 360.0) a -= 360.0;
  return a;
}

bool HeardAcoustically(ThreatCategory k) {
  return k == ThreatCategory::kDrone || k == ThreatCategory::kCruiseMissile || k == ThreatCategory::kAircraft;
}

// Rough horizontal distance for pre-filtering (equirectangular), metres.
double QuickDistance(double lat1, double lon1, double lat2, double lon2) {
  double dy = (lat2 - lat1) * 111195.0;
  double dx = (lon2 - lon1) * 111195.0 * std::cos(0.5 * (lat1 + lat2) * kDeg);
  return std::sqrt(dx * dx + dy * dy);
}

double SensorPhase(std::uint64_t seed, std::uint32_t index, double period) {
  std::mt19937_64 rng(MixSeed(seed, index, kPhaseStream));
  return std::uniform_real_distribution<double>(0.0, period)(rng);
}

// A wrong class for `truth`, drawn the way acoustic classifiers confuse them.
ThreatCategory Confuse(ThreatCategory truth, std::mt19937_64& rng) {
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  switch (truth) {
    case ThreatCategory::kDrone:
      return u < 0.45 ? ThreatCategory::kAircraft : u < 0.75 ? ThreatCategory::kUnknown : ThreatCategory::kCruiseMissile;
    case ThreatCategory::kCruiseMissile:
      return u < 0.5 ? ThreatCategory::kAircraft : u < 0.8 ? ThreatCategory::kDrone : ThreatCategory::kUnknown;
    default:
      return u < 0.5 ? ThreatCategory::kUnknown : ThreatCategory::kDrone;
  }
}

// ---------------- radar ----------------

void SimulateRadar(const SensorDescription& s, std::uint32_t index, const std::vector<Flight>& flights,
                   const SensorSimOptions& o, std::vector<SimReport>* out) {
  const double period = s.period_s;
  const double phase = SensorPhase(o.seed, index, period);
  GeographicLib::LocalCartesian lc(s.position->lat, s.position->lon, s.alt_m);
  const bool three_d = s.Is3dRadar();
  // Nothing below min_elevation_deg, nor below the radar horizon (the 4/3-earth dip).
  const double floor_deg = std::max(s.min_elevation_deg, -ingest::HorizonDipDeg(s.alt_m));
  const double sr = *s.sigma.range_m, sa = *s.sigma.azimuth_deg;
  const double se = s.sigma.elevation_deg.value_or(0.0);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  for (std::size_t i = 0; i < flights.size(); ++i) {
    const Flight& f = flights[i];
    std::mt19937_64 rng(MixSeed(o.seed, index, i + 1));
    double k0 = std::ceil((f.start() - o.epoch - phase) / period);
    for (double k = k0;; k += 1) {
      double t_scan = o.epoch + phase + k * period;
      if (t_scan > f.end()) break;
      TruthPoint q = f.At(std::max(t_scan, f.start()));
      if (QuickDistance(s.position->lat, s.position->lon, q.lat, q.lon) > s.max_range_m + 20000) continue;
      double e = 0, n = 0, u = 0;
      lc.Forward(q.lat, q.lon, q.alt, e, n, u);
      double t_plot = t_scan + WrapAzimuth(std::atan2(e, n) / kDeg) / 360.0 * period;
      if (t_plot < f.start() || t_plot > f.end()) continue;
      q = f.At(t_plot);
      lc.Forward(q.lat, q.lon, q.alt, e, n, u);
      double horiz = std::hypot(e, n);
      double range = std::hypot(horiz, u);
      if (range > s.max_range_m) continue;
      if (ingest::ApparentElevationDeg(e, n, u, s.alt_m) < floor_deg) continue;
      // Draws happen in a fixed order whatever is reported, so one decision never
      // shifts the noise of another.
      double detect = unit(rng);
      double nr = gauss(rng), na = gauss(rng), ne = gauss(rng), nv = gauss(rng);
      if (detect >= s.p_detect) continue;
      SimReport r;
      r.time = Round3(t_plot);
      r.sensor = index;
      r.threat = static_cast<std::int32_t>(i);
      r.kind = ReportKind::kRadar;
      r.v[0] = std::max(0.0, range + sr * nr);
      r.v[1] = WrapAzimuth(std::atan2(e, n) / kDeg + sa * na);
      if (three_d) {
        r.has_elevation = true;
        r.v[2] = std::clamp(std::atan2(u, horiz) / kDeg + se * ne, -90.0, 90.0);
      }
      if (s.sigma.radial_velocity_mps) {
        double t1 = std::max(f.start(), t_plot - 0.5), t2 = std::min(f.end(), t_plot + 0.5);
        if (t2 > t1) {
          TruthPoint a = f.At(t1), b = f.At(t2);
          double ea, na2, ua, eb, nb, ub;
          lc.Forward(a.lat, a.lon, a.alt, ea, na2, ua);
          lc.Forward(b.lat, b.lon, b.alt, eb, nb, ub);
          double rv = (std::sqrt(eb * eb + nb * nb + ub * ub) - std::sqrt(ea * ea + na2 * na2 + ua * ua)) / (t2 - t1);
          r.has_radial_velocity = true;
          r.v[3] = rv + *s.sigma.radial_velocity_mps * nv;
        }
      }
      out->push_back(r);
    }
  }

  if (s.false_per_scan > 0) {
    std::mt19937_64 rng(MixSeed(o.seed, index, kClutterStream));
    std::poisson_distribution<int> count(s.false_per_scan);
    for (double t_scan = o.epoch + phase; t_scan <= o.end_time; t_scan += period) {
      int n = count(rng);
      for (int j = 0; j < n; ++j) {
        SimReport r;
        r.sensor = index;
        r.kind = ReportKind::kRadar;
        r.v[0] = s.max_range_m * std::sqrt(unit(rng));
        r.v[1] = WrapAzimuth(360.0 * unit(rng));
        double el = s.min_elevation_deg + 1.5 * unit(rng);
        if (three_d) {
          r.has_elevation = true;
          r.v[2] = el;
        }
        r.time = Round3(t_scan + r.v[1] / 360.0 * period);
        out->push_back(r);
      }
    }
  }
}

// ---------------- acoustic ----------------

class AcousticGrid {
 public:
  AcousticGrid(const std::vector<SensorDescription>& sensors) {
    double max_lat = 0;
    for (std::uint32_t i = 0; i < sensors.size(); ++i) {
      if (sensors[i].type != SensorType::kAcoustic) continue;
      max_range_ = std::max(max_range_, sensors[i].max_range_m);
      max_lat = std::max(max_lat, std::abs(sensors[i].position->lat));
      members_.push_back({0, i});
    }
    cell_lat_ = std::max(max_range_ + 2000.0, 1000.0) / 111195.0;
    cell_lon_ = cell_lat_ / std::max(0.05, std::cos(std::min(89.0, max_lat + 1.0) * kDeg));
    for (auto& m : members_) m.first = Key(sensors[m.second].position->lat, sensors[m.second].position->lon);
    std::sort(members_.begin(), members_.end());
  }
  bool empty() const { return members_.empty(); }
  double max_range() const { return max_range_; }
  // Calls fn(sensor index) for sensors in the 3x3 cells around the point.
  template <typename Fn>
  void Near(double lat, double lon, Fn fn) const {
    long ci = static_cast<long>(std::floor(lat / cell_lat_)), cj = static_cast<long>(std::floor(lon / cell_lon_));
    for (long a = ci - 1; a <= ci + 1; ++a)
      for (long b = cj - 1; b <= cj + 1; ++b) {
        std::int64_t key = Pack(a, b);
        auto it = std::lower_bound(members_.begin(), members_.end(), std::make_pair(key, std::uint32_t{0}));
        for (; it != members_.end() && it->first == key; ++it) fn(it->second);
      }
  }

 private:
  static std::int64_t Pack(long a, long b) { return (static_cast<std::int64_t>(a) << 32) ^ (b & 0xFFFFFFFF); }
  std::int64_t Key(double lat, double lon) const {
    return Pack(static_cast<long>(std::floor(lat / cell_lat_)), static_cast<long>(std::floor(lon / cell_lon_)));
  }
  std::vector<std::pair<std::int64_t, std::uint32_t>> members_;
  double max_range_ = 0, cell_lat_ = 1, cell_lon_ = 1;
};

void SimulateAcousticForFlight(const std::vector<SensorDescription>& sensors, const AcousticGrid& grid,
                               const std::vector<double>& phases, std::uint32_t flight_index,
                               const Flight& f, const SensorSimOptions& o, std::vector<SimReport>* out) {
  if (!HeardAcoustically(f.kind)) return;
  std::map<std::uint32_t, std::pair<double, double>> windows;  // sensor -> [first, last] time near
  const std::size_t n = f.points.size();
  for (std::size_t k = 0; k < n; ++k) {
    const TruthPoint& p = f.points[k];
    double step_m = 0;
    if (k + 1 < n) step_m = QuickDistance(p.lat, p.lon, f.points[k + 1].lat, f.points[k + 1].lon);
    if (k > 0) step_m = std::max(step_m, QuickDistance(p.lat, p.lon, f.points[k - 1].lat, f.points[k - 1].lon));
    grid.Near(p.lat, p.lon, [&](std::uint32_t si) {
      const SensorDescription& s = sensors[si];
      double d = QuickDistance(p.lat, p.lon, s.position->lat, s.position->lon);
      if (d > s.max_range_m + step_m + 500) return;
      double t_lo = k > 0 ? f.points[k - 1].t : p.t, t_hi = k + 1 < n ? f.points[k + 1].t : p.t;
      auto [it, inserted] = windows.try_emplace(si, t_lo, t_hi);
      if (!inserted) {
        it->second.first = std::min(it->second.first, t_lo);
        it->second.second = std::max(it->second.second, t_hi);
      }
    });
  }
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (const auto& [si, window] : windows) {
    const SensorDescription& s = sensors[si];
    LocalTangentPlane plane(*s.position);
    std::mt19937_64 rng(MixSeed(o.seed, si, flight_index + 1));
    double confusion = si < o.class_confusion.size() ? o.class_confusion[si] : 0.15;
    double period = s.period_s;
    double k0 = std::ceil((window.first - o.epoch - phases[si]) / period);
    for (double k = k0;; k += 1) {
      double t = o.epoch + phases[si] + k * period;
      if (t > window.second) break;
      if (t < f.start() || t > f.end()) continue;
      TruthPoint q = f.At(t);
      double e = 0, nn = 0;
      plane.Forward({q.lat, q.lon}, &e, &nn);
      double u = q.alt - s.alt_m;
      double horiz = std::hypot(e, nn);
      if (std::hypot(horiz, u) > s.max_range_m) continue;
      double detect = unit(rng), na = gauss(rng), ne = gauss(rng), wrong = unit(rng);
      if (detect >= s.p_detect) continue;
      SimReport r;
      r.time = Round3(t);
      r.sensor = si;
      r.threat = static_cast<std::int32_t>(flight_index);
      r.kind = ReportKind::kBearing;
      r.v[1] = WrapAzimuth(std::atan2(e, nn) / kDeg + *s.sigma.azimuth_deg * na);
      if (s.sigma.elevation_deg) {
        r.has_elevation = true;
        r.v[2] = std::clamp(std::atan2(u, horiz) / kDeg + *s.sigma.elevation_deg * ne, -90.0, 90.0);
      }
      ThreatCategory hint = wrong < confusion ? Confuse(f.kind, rng) : f.kind;
      r.class_hint = static_cast<std::int8_t>(hint);
      out->push_back(r);
    }
  }
}

void AcousticFalseAlarms(const SensorDescription& s, std::uint32_t index, double phase,
                         const SensorSimOptions& o, std::vector<SimReport>* out) {
  if (s.false_per_scan <= 0) return;
  std::mt19937_64 rng(MixSeed(o.seed, index, kClutterStream));
  long periods = static_cast<long>(std::floor((o.end_time - o.epoch - phase) / s.period_s)) + 1;
  if (periods <= 0) return;
  std::poisson_distribution<long> count(s.false_per_scan * static_cast<double>(periods));
  std::uniform_int_distribution<long> which(0, periods - 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  long n = count(rng);
  for (long j = 0; j < n; ++j) {
    SimReport r;
    r.time = Round3(o.epoch + phase + static_cast<double>(which(rng)) * s.period_s);
    r.sensor = index;
    r.kind = ReportKind::kBearing;
    r.v[1] = WrapAzimuth(360.0 * unit(rng));
    if (s.sigma.elevation_deg) {
      r.has_elevation = true;
      r.v[2] = 60.0 * unit(rng);
    }
    r.class_hint = static_cast<std::int8_t>(unit(rng) < 0.5 ? ThreatCategory::kUnknown : ThreatCategory::kDrone);
    out->push_back(r);
  }
}

// ---------------- observer ----------------

void SimulateObserver(const SensorDescription& s, std::uint32_t index, const std::vector<Flight>& flights,
                      const SensorSimOptions& o, std::vector<SimReport>* out) {
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double sigma = *s.sigma.position_m;
  const bool limited = s.position.has_value() && s.max_range_m > 0;
  double lat_lo = 90, lat_hi = -90, lon_lo = 180, lon_hi = -180;
  for (std::size_t i = 0; i < flights.size(); ++i) {
    const Flight& f = flights[i];
    if (!HeardAcoustically(f.kind)) continue;
    std::mt19937_64 rng(MixSeed(o.seed, index, i + 1));
    for (double t = f.start() + s.period_s * unit(rng); t <= f.end(); t += s.period_s) {
      TruthPoint q = f.At(t);
      double detect = unit(rng), ne = gauss(rng), nn = gauss(rng), right = unit(rng);
      if (q.alt > 5000 || detect >= s.p_detect) continue;
      if (limited && QuickDistance(q.lat, q.lon, s.position->lat, s.position->lon) > s.max_range_m) continue;
      LocalTangentPlane plane({q.lat, q.lon});
      LatLon seen = plane.Reverse(sigma * ne, sigma * nn);
      SimReport r;
      r.time = Round3(t);
      r.sensor = index;
      r.threat = static_cast<std::int32_t>(i);
      r.kind = ReportKind::kPosition;
      r.v[0] = std::clamp(seen.lat, -90.0, 90.0);
      r.v[1] = std::clamp(seen.lon, -180.0, 180.0);
      r.v[2] = sigma;
      r.class_hint = static_cast<std::int8_t>(right < 0.8 ? f.kind : ThreatCategory::kUnknown);
      out->push_back(r);
      lat_lo = std::min(lat_lo, q.lat), lat_hi = std::max(lat_hi, q.lat);
      lon_lo = std::min(lon_lo, q.lon), lon_hi = std::max(lon_hi, q.lon);
    }
  }
  if (s.false_per_scan <= 0 || lat_lo > lat_hi) return;
  std::mt19937_64 rng(MixSeed(o.seed, index, kClutterStream));
  std::poisson_distribution<int> count(s.false_per_scan);
  for (double t = o.epoch + SensorPhase(o.seed, index, s.period_s); t <= o.end_time; t += s.period_s) {
    int n = count(rng);
    for (int j = 0; j < n; ++j) {
      SimReport r;
      r.time = Round3(t);
      r.sensor = index;
      r.kind = ReportKind::kPosition;
      r.v[0] = lat_lo + (lat_hi - lat_lo) * unit(rng);
      r.v[1] = lon_lo + (lon_hi - lon_lo) * unit(rng);
      r.v[2] = sigma;
      r.class_hint = static_cast<std::int8_t>(ThreatCategory::kUnknown);
      out->push_back(r);
    }
  }
}

}  // namespace

std::uint64_t MixSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  return SplitMix(SplitMix(SplitMix(seed) ^ a) ^ (b * 0x9E3779B97F4A7C15ULL));
}

std::vector<SimReport> SimulateSensors(const ingest::SensorList& list, std::vector<Flight>* flights,
                                       const SensorSimOptions& o) {
  const auto& sensors = list.sensors;
  std::vector<double> phases(sensors.size());
  for (std::uint32_t i = 0; i < sensors.size(); ++i) phases[i] = SensorPhase(o.seed, i, sensors[i].period_s);
  AcousticGrid grid(sensors);

  // Work items, each writing its own vector; concatenated in item order.
  struct Item {
    enum { kRadar, kObserver, kAcousticFlight, kAcousticFalse } what;
    std::uint32_t index;
  };
  std::vector<Item> items;
  for (std::uint32_t i = 0; i < sensors.size(); ++i) {
    if (sensors[i].type == SensorType::kRadar) items.push_back({Item::kRadar, i});
    if (sensors[i].type == SensorType::kObserver) items.push_back({Item::kObserver, i});
    if (sensors[i].type == SensorType::kAcoustic && sensors[i].false_per_scan > 0)
      items.push_back({Item::kAcousticFalse, i});
  }
  if (!grid.empty())
    for (std::uint32_t f = 0; f < flights->size(); ++f) items.push_back({Item::kAcousticFlight, f});

  // Rough cost of each item, for progress: a radar or observer looks at every flight.
  std::vector<double> cost(items.size(), 1.0);
  double total_cost = 0;
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (items[k].what == Item::kRadar || items[k].what == Item::kObserver)
      cost[k] = 1.0 + 0.5 * static_cast<double>(flights->size());
    if (items[k].what == Item::kAcousticFalse) cost[k] = 0.05;
    total_cost += cost[k];
  }
  double done_cost = 0;

  std::vector<std::vector<SimReport>> outputs(items.size());
  std::atomic<std::size_t> next{0};
  std::mutex progress_mutex;
  const std::vector<Flight>& fl = *flights;
  auto worker = [&] {
    for (;;) {
      std::size_t k = next.fetch_add(1);
      if (k >= items.size()) return;
      const Item& it = items[k];
      switch (it.what) {
        case Item::kRadar: SimulateRadar(sensors[it.index], it.index, fl, o, &outputs[k]); break;
        case Item::kObserver: SimulateObserver(sensors[it.index], it.index, fl, o, &outputs[k]); break;
        case Item::kAcousticFalse: AcousticFalseAlarms(sensors[it.index], it.index, phases[it.index], o, &outputs[k]); break;
        case Item::kAcousticFlight:
          SimulateAcousticForFlight(sensors, grid, phases, it.index, fl[it.index], o, &outputs[k]);
          break;
      }
      if (o.progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        done_cost += cost[k];
        o.progress(std::min(1.0, done_cost / total_cost));
      }
    }
  };
  int threads = std::max(1, o.threads);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  std::size_t total = 0;
  for (const auto& v : outputs) total += v.size();
  std::vector<SimReport> all;
  all.reserve(total);
  for (auto& v : outputs) {
    all.insert(all.end(), v.begin(), v.end());
    std::vector<SimReport>().swap(v);
  }

  // Per sensor in time order, then latency: a fixed part per sensor plus jitter, and
  // never earlier than the sensor's previous report.
  std::stable_sort(all.begin(), all.end(), [](const SimReport& a, const SimReport& b) {
    return a.sensor != b.sensor ? a.sensor < b.sensor : a.time < b.time;
  });
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (std::size_t i = 0; i < all.size();) {
    std::uint32_t si = all[i].sensor;
    double scale = sensors[si].type == SensorType::kRadar ? 0.2 : 1.0;
    double budget = std::max(0.0, o.max_latency_s) * scale;
    std::mt19937_64 rng(MixSeed(o.seed, si, kLatencyStream));
    double fixed = 0.5 * budget * unit(rng);
    double previous = -1e300;
    for (; i < all.size() && all[i].sensor == si; ++i) {
      double arrival = all[i].time + fixed + 0.5 * budget * unit(rng);
      arrival = std::max(arrival, previous);
      all[i].arrival = arrival;
      previous = arrival;
    }
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const SimReport& a, const SimReport& b) { return a.arrival < b.arrival; });

  for (Flight& f : *flights) f.first_seen.reset();
  for (const SimReport& r : all) {
    if (r.threat < 0) continue;
    Flight& f = (*flights)[static_cast<std::size_t>(r.threat)];
    if (!f.first_seen || r.time < *f.first_seen) f.first_seen = r.time;
  }
  return all;
}

}  // namespace tocsin::sim
