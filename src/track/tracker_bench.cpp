// Per-report processing time with ~1,000 live tracks: 1,000 synthetic targets (drone
// and cruise speeds, random headings) over a 600 x 600 km area seen by four 3D radars
// (4 s scans, 5 clutter plots per scan each). After a 60 s warm-up every Process call
// of the next 120 s is timed: mean, p99, and reports/s. Then whole simulated presets.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "sim/attack.h"
#include "sim/data_files.h"
#include "sim/simulate.h"
#include "sim/weapon_profiles.h"
#include "track/bench_util.h"
#include "track/test_util.h"
#include "track/tracker.h"
#include "track/tracker_config.h"

namespace tocsin::track {
namespace {

struct NullSink : TrackSink {
  std::size_t updates = 0, ends = 0;
  void OnTrackUpdate(const TrackUpdate&) override { ++updates; }
  void OnTrackEnd(const TrackEnd&) override { ++ends; }
};

struct Target {
  Vec3 p, v;
};

std::vector<ingest::Report> MakeStream(const std::vector<ingest::SensorDescription>& radars, int targets,
                                       double duration_s, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double lat0 = 48.5, lon0 = 31.5;
  std::vector<Target> ts;
  for (int i = 0; i < targets; ++i) {
    const double e = (u(rng) - 0.5) * 600000.0, n = (u(rng) - 0.5) * 600000.0;
    const double alt = 100.0 + 2900.0 * u(rng);
    const double speed = u(rng) < 0.8 ? 40.0 + 30.0 * u(rng) : 200.0 + 80.0 * u(rng);
    const double hdg = 2.0 * M_PI * u(rng);
    Target t;
    t.p = testing::Local(lat0, lon0, e, n, alt);
    t.v = EnuToEcefAt(t.p) * Vec3(speed * std::sin(hdg), speed * std::cos(hdg), 0.0);
    ts.push_back(t);
  }
  std::vector<ingest::Report> out;
  const double period = radars[0].period_s;
  for (double scan = 0.0; scan < duration_s; scan += period) {
    // Quadrant radars: radar index from the target's position relative to the centre.
    const SensorFrame centre = MakeSensorFrame(lat0, lon0, 0.0);
    for (const auto& t0 : ts) {
      const Vec3 c = centre.ToEnu(t0.p);
      const int ri = (c.x() >= 0 ? 0 : 1) + (c.y() >= 0 ? 0 : 2);
      const auto& r = radars[ri];
      const SensorFrame f = MakeSensorFrame(r.position->lat, r.position->lon, r.alt_m);
      const Vec3 enu = f.ToEnu(t0.p);
      double az = std::atan2(enu.x(), enu.y());
      if (az < 0) az += 2 * M_PI;
      const double t = scan + period * az / (2 * M_PI);
      if (u(rng) > 0.95) continue;  // p_detect 0.95
      out.push_back(testing::Plot(r, t0.p + t0.v * t, 1.7e9 + t, &rng));
    }
    for (const auto& r : radars) {
      for (int k = 0; k < 5; ++k) {
        ingest::Report c;
        c.sensor = r.id;
        c.time = UnixTime(1.7e9 + scan + period * u(rng));
        c.range_m = 5000.0 + 295000.0 * std::sqrt(u(rng));
        c.azimuth_deg = 360.0 * u(rng);
        c.elevation_deg = 0.5 + 1.5 * u(rng);
        out.push_back(c);
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ingest::Report& a, const ingest::Report& b) { return a.time < b.time; });
  return out;
}

void BM_Tracker1000Tracks(benchmark::State& state) {
  const int targets = static_cast<int>(state.range(0));
  std::vector<ingest::SensorDescription> radars = {
      testing::Radar3d("R-NE", 49.85, 33.5), testing::Radar3d("R-NW", 49.85, 29.5),
      testing::Radar3d("R-SE", 47.15, 33.5), testing::Radar3d("R-SW", 47.15, 29.5)};
  ingest::SensorIndex sensors(radars);
  const double warmup = 60.0, measured = 120.0;
  const auto stream = MakeStream(radars, targets, warmup + measured, 42);
  const auto split = std::find_if(stream.begin(), stream.end(), [&](const ingest::Report& r) {
                       return r.time.seconds() >= 1.7e9 + warmup;
                     }) - stream.begin();
  testing::PerCallTimes times;
  std::size_t live = 0, confirmed = 0;
  for (auto _ : state) {
    NullSink sink;
    TrackerConfig cfg;
    Tracker tracker(sensors, cfg, sink);
    for (long i = 0; i < split; ++i) tracker.Process(stream[i]);
    times = testing::TimeEach(split, stream.size(), [&](std::size_t i) { tracker.Process(stream[i]); });
    live = tracker.live_tracks();
    confirmed = tracker.confirmed_tracks();
  }
  testing::SetLatencyCounters(state, std::move(times));
  state.counters["live_tracks"] = static_cast<double>(live);
  state.counters["confirmed"] = static_cast<double>(confirmed);
}
BENCHMARK(BM_Tracker1000Tracks)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

// A whole simulated preset (seed 1), reports in arrival order, converted to
// ingest::Report beforehand: tracker time only (no parsing).
void BM_TrackerPreset(benchmark::State& state, const char* preset) {
  auto path = sim::ResolveAttackPath(preset);
  auto text = path.ok() ? sim::ReadTextFile(*path) : Result<std::string>(path.status());
  auto attack = text.ok() ? sim::ParseAttack(*text, *path) : Result<sim::AttackDescription>(text.status());
  auto profiles = sim::ReadWeaponProfiles("");
  if (!attack.ok() || !profiles.ok()) {
    state.SkipWithError("cannot read the preset or the weapon profiles");
    return;
  }
  auto sc = sim::SimulateAttack(*attack, *profiles, 1, 2, nullptr);
  if (!sc.ok()) {
    state.SkipWithError("cannot simulate");
    return;
  }
  std::vector<ingest::Report> reports;
  reports.reserve(sc->reports.size());
  for (const auto& r : sc->reports) reports.push_back(r.ToReport(sc->sensors));
  ingest::SensorIndex sensors(sc->sensors.sensors);
  std::size_t peak_live = 0, confirmed = 0;
  double seconds = 0;
  for (auto _ : state) {
    NullSink sink;
    TrackerConfig cfg;
    Tracker tracker(sensors, cfg, sink);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < reports.size(); ++i) {
      tracker.Process(reports[i]);
      if ((i & 1023) == 0) peak_live = std::max(peak_live, tracker.live_tracks());
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    confirmed = tracker.stats().tracks_confirmed;
  }
  state.counters["reports"] = static_cast<double>(reports.size());
  state.counters["reports_per_s"] = reports.size() / seconds;
  state.counters["peak_live_tracks"] = static_cast<double>(peak_live);
  state.counters["confirmed_total"] = static_cast<double>(confirmed);
}
BENCHMARK_CAPTURE(BM_TrackerPreset, kyiv_combined_night, "kyiv-combined-night")
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TrackerPreset, national_night_800, "national-night-800")
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tocsin::track

BENCHMARK_MAIN();
