// Per-report processing time of the whole replay pipeline with ~1,000 live tracks
// (issue 4: "per-report processing p99 <= 1 ms with 1,000 live tracks"): tracker ->
// predictor -> alert engine (replay::Pipeline) over the ua-hromadas catalog.
//
// 1,000 synthetic targets (80% drones at 40-70 m/s, 20% cruise missiles at 200-280
// m/s, straight flight on random headings, 100-3,000 m) over a 600 x 600 km square
// of central Ukraine (centre 48.5 N 31.5 E) seen by four 3D radars (4 s scans,
// p_detect 0.95, 5 clutter plots per scan each), as in track/tracker_bench.cpp.
// Reports are fed in time order as the replay does: Pipeline::AdvanceTo (engine and
// tracker-deletion ticks once per scenario second) then Tracker::Process. After a
// warm-up (tracks confirmed, alerts open) every report of the next measured period
// is timed, its tick included when it crosses a second boundary: mean, p50, p99,
// p99.9, max per report and reports/s.
//
//   build/src/replay/pipeline_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "alert/alert_log.h"
#include "alert/policy.h"
#include "replay/pipeline.h"
#include "track/bench_util.h"
#include "track/test_util.h"
#include "track/tracker.h"
#include "track/tracker_config.h"
#include "zones/catalog.h"

namespace tocsin::replay {
namespace {

using track::Vec3;

constexpr double kT0 = 1.7e9;
constexpr double kLat0 = 48.5, kLon0 = 31.5;

// Counts the alert events (the log itself is not written).
struct CountingSink final : alert::AlertSink {
  std::size_t events = 0, starts = 0;
  void Emit(const alert::AlertEvent& e) override {
    ++events;
    if (e.kind == alert::AlertEventKind::kStart) ++starts;
  }
};

struct Target {
  Vec3 p, v;  // ECEF position at kT0, velocity (m/s)
};

std::vector<Target> MakeTargets(int count, std::mt19937_64* rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Target> targets;
  for (int i = 0; i < count; ++i) {
    const double e = (u(*rng) - 0.5) * 600000.0, n = (u(*rng) - 0.5) * 600000.0;
    const double alt = 100.0 + 2900.0 * u(*rng);
    const double speed = u(*rng) < 0.8 ? 40.0 + 30.0 * u(*rng) : 200.0 + 80.0 * u(*rng);
    const double heading = 2.0 * M_PI * u(*rng);
    Target t;
    t.p = track::testing::Local(kLat0, kLon0, e, n, alt);
    t.v = track::EnuToEcefAt(t.p) * Vec3(speed * std::sin(heading), speed * std::cos(heading), 0.0);
    targets.push_back(t);
  }
  return targets;
}

// Radar plots of the targets (each seen by the radar of its quadrant when the beam
// passes its azimuth) and clutter, sorted by time.
std::vector<ingest::Report> MakeStream(const std::vector<ingest::SensorDescription>& radars,
                                       const std::vector<Target>& targets, double duration_s, std::mt19937_64* rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const track::SensorFrame centre = track::MakeSensorFrame(kLat0, kLon0, 0.0);
  std::vector<track::SensorFrame> frames;
  for (const auto& r : radars) frames.push_back(track::MakeSensorFrame(r.position->lat, r.position->lon, r.alt_m));
  std::vector<ingest::Report> out;
  const double period = radars[0].period_s;
  for (double scan = 0.0; scan < duration_s; scan += period) {
    for (const Target& t : targets) {
      const Vec3 c = centre.ToEnu(t.p);
      const int ri = (c.x() >= 0 ? 0 : 1) + (c.y() >= 0 ? 0 : 2);
      const Vec3 enu = frames[ri].ToEnu(t.p + t.v * scan);
      double az = std::atan2(enu.x(), enu.y());
      if (az < 0) az += 2 * M_PI;
      const double dt = scan + period * az / (2 * M_PI);
      if (u(*rng) > 0.95) continue;  // p_detect 0.95
      out.push_back(track::testing::Plot(radars[ri], t.p + t.v * dt, kT0 + dt, rng));
    }
    for (const auto& r : radars) {
      for (int k = 0; k < 5; ++k) {
        ingest::Report c;
        c.sensor = r.id;
        c.time = UnixTime(kT0 + scan + period * u(*rng));
        c.range_m = 5000.0 + 295000.0 * std::sqrt(u(*rng));
        c.azimuth_deg = 360.0 * u(*rng);
        c.elevation_deg = 0.5 + 1.5 * u(*rng);
        out.push_back(c);
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ingest::Report& a, const ingest::Report& b) { return a.time < b.time; });
  return out;
}

void BM_PipelinePerReport(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  auto path = zones::ResolveCatalogPath(zones::kDefaultCatalog);
  auto catalog = path.ok() ? zones::Catalog::LoadFile(*path) : Result<zones::Catalog>(path.status());
  if (!catalog.ok()) {
    state.SkipWithError(("cannot load the catalog: " + catalog.status().message()).c_str());
    return;
  }
  const std::vector<ingest::SensorDescription> radars = {
      track::testing::Radar3d("R-NE", 49.85, 33.5), track::testing::Radar3d("R-NW", 49.85, 29.5),
      track::testing::Radar3d("R-SE", 47.15, 33.5), track::testing::Radar3d("R-SW", 47.15, 29.5)};
  const ingest::SensorIndex sensors(radars);
  const double warmup_s = 120.0, measured_s = 180.0;
  std::mt19937_64 rng(42);
  const auto stream = MakeStream(radars, MakeTargets(count, &rng), warmup_s + measured_s, &rng);
  const auto split = std::find_if(stream.begin(), stream.end(),
                                  [&](const ingest::Report& r) { return r.time.seconds() >= kT0 + warmup_s; }) -
                     stream.begin();
  track::testing::PerCallTimes times;
  std::size_t live = 0, confirmed = 0, dangers = 0, updates = 0, ticks = 0, open = 0, starts = 0;
  for (auto _ : state) {
    CountingSink sink;
    Pipeline pipeline(*catalog, alert::Policy::Defaults(), sink);
    pipeline.SetRadars(radars);
    const track::TrackerConfig config;
    track::Tracker tracker(sensors, config, pipeline);
    auto on_tick = [&tracker](UnixTime t) { tracker.Advance(t); };
    for (long i = 0; i < split; ++i) {
      pipeline.AdvanceTo(stream[i].time, on_tick);
      tracker.Process(stream[i]);
    }
    const PipelineStats before = pipeline.stats();
    const std::size_t starts_before = sink.starts;
    times = track::testing::TimeEach(split, stream.size(), [&](std::size_t i) {
      pipeline.AdvanceTo(stream[i].time, on_tick);
      tracker.Process(stream[i]);
    });
    live = tracker.live_tracks();
    confirmed = tracker.confirmed_tracks();
    updates = pipeline.stats().updates - before.updates;
    dangers = pipeline.stats().dangers - before.dangers;
    ticks = pipeline.stats().ticks - before.ticks;
    starts = sink.starts - starts_before;
    open = 0;
    for (const auto& a : pipeline.engine().Active())
      if (!a.prealert) ++open;
  }
  track::testing::SetLatencyCounters(state, std::move(times));
  state.counters["live_tracks"] = static_cast<double>(live);
  state.counters["confirmed"] = static_cast<double>(confirmed);
  state.counters["track_updates"] = static_cast<double>(updates);
  state.counters["dangers"] = static_cast<double>(dangers);
  state.counters["ticks"] = static_cast<double>(ticks);
  state.counters["alert_starts"] = static_cast<double>(starts);
  state.counters["alerts_open"] = static_cast<double>(open);
}
BENCHMARK(BM_PipelinePerReport)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tocsin::replay

BENCHMARK_MAIN();
