// Scoring a big synthetic scenario on ua-hromadas: 1,000 threats with a point every
// 5 s for 6 h (900 drones at 50 m/s and 100 cruise missiles at 250 m/s, wandering
// between random waypoints over Ukraine), 50 ballistic missiles, and an alert log of
// 100,000 lines (50,000 alerts of 5 to 60 minutes on random zones).
//
// Run: build/src/eval/score_bench [--benchmark_filter=...]. Needs ua-hromadas.geojson
// in the shipped data or the shared folder.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "eval/alert_log.h"
#include "eval/pairs.h"
#include "eval/score.h"
#include "eval/truth.h"
#include "zones/catalog.h"

namespace tocsin::eval {
namespace {

namespace fs = std::filesystem;

constexpr double kStart = 1757203200.0;
constexpr double kDuration = 6 * 3600.0;
constexpr double kStep = 5.0;

const zones::Catalog* Hromadas() {
  static const zones::Catalog* catalog = [] () -> const zones::Catalog* {
    for (const fs::path& p : {fs::path(TOCSIN_DATA_DIR) / "zones" / "ua-hromadas.geojson",
                             fs::path(TOCSIN_SHARED_DIR) / "data" / "zones" / "ua-hromadas.geojson"}) {
      if (!fs::exists(p)) continue;
      auto c = zones::Catalog::LoadFile(p.string());
      if (c.ok()) return new zones::Catalog(std::move(c).value());
    }
    return nullptr;
  }();
  return catalog;
}

LatLon RandomPointInUkraine(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> lat(46.0, 51.5), lon(24.0, 38.0);
  return {lat(rng), lon(rng)};
}

// A flight at `speed` between random waypoints, sampled every kStep from `t0` to the end
// of the scenario.
TruthThreat Wanderer(std::mt19937_64& rng, std::string id, ThreatCategory kind, double speed) {
  TruthThreat t;
  t.id = std::move(id);
  t.kind = kind;
  t.model = "synthetic";
  t.first_seen = kStart + 60;
  LatLon here = RandomPointInUkraine(rng);
  LatLon goal = RandomPointInUkraine(rng);
  for (double time = kStart; time <= kStart + kDuration; time += kStep) {
    t.points.push_back({time, here, 1000});
    double remaining = GeodesicDistance(here, goal).value();
    double step = speed * kStep;
    while (remaining < step) {  // reach the waypoint and turn to a new one
      here = goal;
      step -= remaining;
      goal = RandomPointInUkraine(rng);
      remaining = GeodesicDistance(here, goal).value();
    }
    here = GeodesicDestination(here, GeodesicAzimuth(here, goal), Metres(step));
  }
  return t;
}

const Truth& BigTruth() {
  static const Truth truth = [] {
    std::mt19937_64 rng(42);
    Truth t;
    t.name = "bench";
    t.zones = "ua-hromadas";
    for (int i = 0; i < 1000; ++i) {
      const bool missile = i % 10 == 0;
      t.threats.push_back(Wanderer(rng, "T" + std::to_string(i),
                                   missile ? ThreatCategory::kCruiseMissile : ThreatCategory::kDrone,
                                   missile ? 250.0 : 50.0));
    }
    for (int i = 0; i < 50; ++i) {
      TruthThreat b;
      b.id = "B" + std::to_string(i);
      b.kind = ThreatCategory::kBallisticMissile;
      b.first_seen = kStart + 1000 * i;
      const LatLon end = RandomPointInUkraine(rng);
      for (int k = 0; k <= 300; ++k) b.points.push_back({kStart + 1000 * i + k, {end.lat - 0.01 * (300 - k), end.lon}, 0});
      t.threats.push_back(std::move(b));
    }
    return t;
  }();
  return truth;
}

const std::string& BigLogText() {
  static const std::string text = [] {
    std::mt19937_64 rng(7);
    const auto& all = Hromadas()->zones();
    std::uniform_int_distribution<std::size_t> zone(0, all.size() - 1);
    std::uniform_real_distribution<double> start(kStart, kStart + kDuration), length(300, 3600);
    std::ostringstream out;
    out.precision(15);
    for (int i = 0; i < 50000; ++i) {
      const double s = start(rng);
      const std::string id = "A-" + std::to_string(i);
      const std::string& z = all[zone(rng)].id.str();
      out << R"({"event":"start","alert":")" << id << R"(","zone":")" << z << R"(","time":)" << s
          << R"(,"threats":["trk-1"],"category":"drone","expected_s":120.0})" << "\n";
      out << R"({"event":"end","alert":")" << id << R"(","zone":")" << z << R"(","time":)" << s + length(rng)
          << R"(,"reason":"threat_passed"})" << "\n";
    }
    return out.str();
  }();
  return text;
}

bool Ready(benchmark::State& state) {
  if (Hromadas()) return true;
  state.SkipWithError("ua-hromadas.geojson not found (shipped data or shared folder)");
  return false;
}

void BM_FindPairs(benchmark::State& state) {
  if (!Ready(state)) return;
  const Truth& truth = BigTruth();
  std::size_t pairs = 0;
  for (auto _ : state) pairs = FindPairs(truth, *Hromadas(), static_cast<CrossingMethod>(state.range(0))).size();
  state.counters["threats"] = static_cast<double>(truth.threats.size());
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK(BM_FindPairs)->Arg(static_cast<int>(CrossingMethod::kExact))
    ->Arg(static_cast<int>(CrossingMethod::kMidpointSamples))->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// The candidate query alone, for comparison with BM_FindPairs.
void BM_CorridorQueries(benchmark::State& state) {
  if (!Ready(state)) return;
  const Truth& truth = BigTruth();
  std::size_t candidates = 0;
  for (auto _ : state) {
    candidates = 0;
    for (const auto& t : truth.threats) {
      std::vector<LatLon> line;
      for (const auto& p : t.points) line.push_back(p.position);
      candidates += Hromadas()->ZonesTouchingCorridor(line, kDangerDistance).size();
    }
  }
  state.counters["candidates"] = static_cast<double>(candidates);
}
BENCHMARK(BM_CorridorQueries)->Unit(benchmark::kSecond)->Iterations(1);

void BM_ParseAlertLog(benchmark::State& state) {
  if (!Ready(state)) return;
  const std::string& text = BigLogText();
  for (auto _ : state) {
    std::istringstream in(text);
    benchmark::DoNotOptimize(ParseAlertLog(in, "bench.jsonl"));
  }
  state.counters["lines"] = 100000;
}
BENCHMARK(BM_ParseAlertLog)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ComputeScore(benchmark::State& state) {
  if (!Ready(state)) return;
  const Truth& truth = BigTruth();
  static const std::vector<Pair> pairs = FindPairs(truth, *Hromadas());
  std::istringstream in(BigLogText());
  const AlertLog log = ParseAlertLog(in, "bench.jsonl");
  for (auto _ : state) benchmark::DoNotOptimize(ComputeScore(truth, log, *Hromadas(), pairs));
}
BENCHMARK(BM_ComputeScore)->Unit(benchmark::kMillisecond)->Iterations(3);

// Parsing the truth as JSON text (4.3 M points, ~270 MB).
void BM_ParseTruth(benchmark::State& state) {
  const Truth& truth = BigTruth();
  std::string text;
  {
    std::ostringstream out;
    out.precision(15);
    out << R"({"name":"bench","epoch":0,"zones":"ua-hromadas","threats":[)";
    for (std::size_t i = 0; i < truth.threats.size(); ++i) {
      const auto& t = truth.threats[i];
      out << (i ? "," : "") << R"({"id":")" << t.id << R"(","kind":")" << ToString(t.kind)
          << R"(","model":"m","end":"impact","first_seen":)" << *t.first_seen << R"(,"points":[)";
      for (std::size_t k = 0; k < t.points.size(); ++k) {
        const auto& p = t.points[k];
        out << (k ? "," : "") << "[" << p.time << "," << p.position.lat << "," << p.position.lon << ","
            << p.alt_m << "]";
      }
      out << "]}";
    }
    out << "]}";
    text = out.str();
  }
  for (auto _ : state) {
    auto parsed = ParseTruth(text, "bench-truth.json");
    if (!parsed.ok()) state.SkipWithError(parsed.status().message().c_str());
  }
  state.counters["MB"] = static_cast<double>(text.size()) / 1e6;
}
BENCHMARK(BM_ParseTruth)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace tocsin::eval

BENCHMARK_MAIN();
