// Alert engine latency with 1,000 live dangers on the real Ukrainian hromada catalog.
// Each danger is a drone or cruise missile with a corridor 20-50 km ahead of it (three
// pieces with arrival windows, half-width 2-5 km). One "update" = one track's new
// danger handed to UpsertDanger (what a tracker does per measurement). Reports mean
// (Google Benchmark's time) and p50/p99/max per update as counters (microseconds).
// The "Crowded" cases put N dangers within ~60 km of Kyiv instead, so each zone has
// hundreds to thousands of contributors (the duplicate-track backlog of serve_bench
// ingest): an update's cost should not grow with N.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include <benchmark/benchmark.h>

#include "alert/engine.h"

namespace tocsin::alert {
namespace {

constexpr double T0 = 1757203200.0;
constexpr int kDangers = 1000;

struct Mover {
  TrackId id;
  ThreatCategory category;
  LatLon pos;
  double heading;  // degrees
  double speed;    // m/s
  double length;   // corridor length, m
  double half_width;
};

const zones::Catalog* LoadCatalog() {
  static const zones::Catalog* catalog = [] () -> const zones::Catalog* {
    const std::string path = std::string(TOCSIN_SHARED_DIR) + "/data/zones/ua-hromadas.geojson";
    if (!std::filesystem::exists(path)) return nullptr;
    auto c = zones::Catalog::LoadFile(path);
    if (!c.ok()) {
      std::fprintf(stderr, "%s\n", c.status().message().c_str());
      return nullptr;
    }
    return new zones::Catalog(std::move(c).value());
  }();
  return catalog;
}

// `n` movers; spread over the whole catalog, or (crowded) starting within 60 km of Kyiv.
std::vector<Mover> MakeMovers(const zones::Catalog& c, int n = kDangers, bool crowded = false) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<std::size_t> zone(0, c.zones().size() - 1);
  std::uniform_real_distribution<double> heading(0, 360), length(20000, 50000), hw(2000, 5000), u(0, 1);
  std::uniform_real_distribution<double> offset(0, 60000);
  const LatLon kyiv{50.45, 30.52};
  std::vector<Mover> out;
  for (int i = 0; i < n; ++i) {
    const bool drone = u(rng) < 0.8;
    const LatLon start = crowded ? GeodesicDestination(kyiv, heading(rng), Metres(offset(rng))) : c.zone(zone(rng)).centroid;
    out.push_back({TrackId("trk-" + std::to_string(i)),
                   drone ? ThreatCategory::kDrone : ThreatCategory::kCruiseMissile,
                   start, heading(rng), drone ? 50.0 : 240.0, length(rng), hw(rng)});
  }
  return out;
}

Danger DangerOf(const Mover& m, double now) {
  Danger d;
  d.track = m.id;
  d.category = m.category;
  d.confidence = 0.9;
  d.uncertainty = Metres(500);
  d.sensors = {SensorId("radar-1")};
  const double cuts[] = {0, m.length * 0.25, m.length * 0.6, m.length};
  for (int k = 0; k < 3; ++k) {
    Corridor c{{GeodesicDestination(m.pos, m.heading, Metres(cuts[k])),
                GeodesicDestination(m.pos, m.heading, Metres(cuts[k + 1]))},
               Metres(m.half_width)};
    d.areas.push_back({c, UnixTime(now + cuts[k] / (m.speed * 1.2)), UnixTime(now + cuts[k + 1] / (m.speed * 0.8))});
  }
  return d;
}

void ReportPercentiles(benchmark::State& state, std::vector<double>& us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<std::size_t>(q * us.size()))]; };
  double sum = 0;
  for (double v : us) sum += v;
  state.counters["mean_us"] = sum / us.size();
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = us.back();
}

struct Loaded {
  MemoryAlertSink sink;
  std::unique_ptr<AlertEngine> engine;
  std::vector<Mover> movers;
  double now = T0;
};

std::unique_ptr<Loaded> Populate(const zones::Catalog& c, int n = kDangers, bool crowded = false) {
  auto l = std::make_unique<Loaded>();
  l->engine = std::make_unique<AlertEngine>(c, Policy::Defaults(), l->sink);
  l->movers = MakeMovers(c, n, crowded);
  for (const auto& m : l->movers) l->engine->UpsertDanger(DangerOf(m, l->now), UnixTime(l->now));
  return l;
}

// Moves mover i (mod count) on by 1 s of flight, advances time 1 ms and upserts its
// danger; returns the upsert's wall time in microseconds.
double MoveOneAndUpsert(Loaded& l, std::size_t i) {
  Mover& m = l.movers[i % l.movers.size()];
  m.pos = GeodesicDestination(m.pos, m.heading, Metres(m.speed * 1.0));
  l.now += 0.001;
  const Danger d = DangerOf(m, l.now);
  const auto t0 = std::chrono::steady_clock::now();
  l.engine->UpsertDanger(d, UnixTime(l.now));
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
}

void BM_UpsertDanger(benchmark::State& state) {
  const zones::Catalog* c = LoadCatalog();
  if (!c) {
    state.SkipWithError("ua-hromadas catalog not found under TOCSIN_SHARED_DIR");
    return;
  }
  auto l = Populate(*c);
  std::vector<double> us;
  std::size_t i = 0;
  for (auto _ : state) {
    us.push_back(MoveOneAndUpsert(*l, i++));
    if (l->sink.events().size() > 100000) l->sink.Clear();
  }
  ReportPercentiles(state, us);
  state.counters["live_dangers"] = static_cast<double>(l->movers.size());
  state.counters["open_alerts"] = static_cast<double>(l->engine->Active().size());
}
BENCHMARK(BM_UpsertDanger)->Unit(benchmark::kMicrosecond)->Iterations(5000);

// N dangers over the same few hundred zones around Kyiv (N = the argument); one
// update as above, then one Tick a second of benchmark time (every 1,000 updates).
void BM_UpsertDangerCrowded(benchmark::State& state) {
  const zones::Catalog* c = LoadCatalog();
  if (!c) {
    state.SkipWithError("ua-hromadas catalog not found under TOCSIN_SHARED_DIR");
    return;
  }
  auto l = Populate(*c, static_cast<int>(state.range(0)), true);
  std::vector<double> us, tick_us;
  std::size_t i = 0;
  for (auto _ : state) {
    us.push_back(MoveOneAndUpsert(*l, i++));
    if (i % 1000 == 0) {
      const auto t2 = std::chrono::steady_clock::now();
      l->engine->Tick(UnixTime(l->now));
      tick_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t2).count());
    }
    if (l->sink.events().size() > 100000) l->sink.Clear();
  }
  ReportPercentiles(state, us);
  double tick_sum = 0;
  for (double v : tick_us) tick_sum += v;
  if (!tick_us.empty()) state.counters["tick_mean_us"] = tick_sum / tick_us.size();
  state.counters["live_dangers"] = static_cast<double>(l->movers.size());
  state.counters["open_alerts"] = static_cast<double>(l->engine->Active().size());
}
BENCHMARK(BM_UpsertDangerCrowded)->Arg(1000)->Arg(5000)->Unit(benchmark::kMicrosecond)->Iterations(5000);

// The catalog query alone, for the same corridors: the engine's own share is the rest.
void BM_CorridorQueriesOnly(benchmark::State& state) {
  const zones::Catalog* c = LoadCatalog();
  if (!c) {
    state.SkipWithError("ua-hromadas catalog not found under TOCSIN_SHARED_DIR");
    return;
  }
  auto movers = MakeMovers(*c);
  std::size_t i = 0;
  for (auto _ : state) {
    const Danger d = DangerOf(movers[i++ % movers.size()], T0);
    for (const auto& a : d.areas) {
      const auto& cor = std::get<Corridor>(a.shape);
      benchmark::DoNotOptimize(c->ZonesTouchingCorridor(cor.polyline, cor.half_width));
    }
  }
}
BENCHMARK(BM_CorridorQueriesOnly)->Unit(benchmark::kMicrosecond)->Iterations(5000);

// Tick with 1,000 live dangers (every zone they touch is re-decided).
void BM_Tick(benchmark::State& state) {
  const zones::Catalog* c = LoadCatalog();
  if (!c) {
    state.SkipWithError("ua-hromadas catalog not found under TOCSIN_SHARED_DIR");
    return;
  }
  auto l = Populate(*c);
  std::vector<double> us;
  for (auto _ : state) {
    l->now += 1.0;
    const auto t0 = std::chrono::steady_clock::now();
    l->engine->Tick(UnixTime(l->now));
    const auto t1 = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  ReportPercentiles(state, us);
}
BENCHMARK(BM_Tick)->Unit(benchmark::kMicrosecond)->Iterations(300);

// A sensor going stale: every danger depending on it is widened to its oblasts.
void BM_SensorStaleWidensAll(benchmark::State& state) {
  const zones::Catalog* c = LoadCatalog();
  if (!c) {
    state.SkipWithError("ua-hromadas catalog not found under TOCSIN_SHARED_DIR");
    return;
  }
  auto l = Populate(*c);
  bool stale = false;
  for (auto _ : state) {
    stale = !stale;
    l->now += 1.0;
    l->engine->SetSensorStale(SensorId("radar-1"), stale, UnixTime(l->now));
  }
}
BENCHMARK(BM_SensorStaleWidensAll)->Unit(benchmark::kMillisecond)->Iterations(4);

}  // namespace
}  // namespace tocsin::alert

BENCHMARK_MAIN();
