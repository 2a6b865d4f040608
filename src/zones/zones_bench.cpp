// Benchmarks on the shipped ua-hromadas catalog (Release build):
//   BM_LoadHromadas          read + validate + build the index (target < 0.5 s)
//   BM_ZoneAt                point -> zone lookups on one core (target >= 1,000,000/s)
//   BM_Corridor200km5km      200 km polyline buffered 5 km -> zones (target >= 10,000/s)
//   BM_DistanceToNear/Far, BM_ZonesWithin10km, BM_Ellipse30x10km for reference.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "core/geo.h"
#include "zones/catalog.h"

namespace tocsin::zones {
namespace {

const std::string kPath = std::string(TOCSIN_DATA_DIR) + "/zones/ua-hromadas.geojson";

const Catalog& Hromadas() {
  static Catalog c = [] {
    auto r = Catalog::LoadFile(kPath);
    if (!r.ok()) {
      fprintf(stderr, "%s\n", r.status().message().c_str());
      std::abort();
    }
    return std::move(r).value();
  }();
  return c;
}

// Random points over Ukraine's bounding box (most inside some zone).
std::vector<LatLon> RandomPoints(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> lat(44.4, 52.3), lon(22.2, 40.2);
  std::vector<LatLon> out(n);
  for (auto& p : out) p = {lat(rng), lon(rng)};
  return out;
}

void BM_LoadHromadas(benchmark::State& state) {
  for (auto _ : state) {
    auto r = Catalog::LoadFile(kPath);
    benchmark::DoNotOptimize(r.ok());
  }
}
BENCHMARK(BM_LoadHromadas)->Unit(benchmark::kMillisecond);

void BM_ZoneAt(benchmark::State& state) {
  const Catalog& c = Hromadas();
  const auto pts = RandomPoints(1 << 16, 1);
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    hits += c.ZoneAt(pts[i++ & 0xFFFF]).has_value();
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ZoneAt);

// Polylines of 200 km in 4 legs of 50 km with random headings, starting at
// random points well inside Ukraine.
std::vector<std::vector<LatLon>> RandomPolylines(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> lat(46.5, 50.5), lon(24.5, 37.0), az(0, 360), turn(-40, 40);
  std::vector<std::vector<LatLon>> out(n);
  for (auto& line : out) {
    LatLon p{lat(rng), lon(rng)};
    double heading = az(rng);
    line.push_back(p);
    for (int leg = 0; leg < 4; ++leg) {
      p = GeodesicDestination(p, heading, Metres(50e3));
      line.push_back(p);
      heading += turn(rng);
    }
  }
  return out;
}

void BM_Corridor200km5km(benchmark::State& state) {
  const Catalog& c = Hromadas();
  const auto lines = RandomPolylines(256, 2);
  size_t i = 0, zones = 0;
  for (auto _ : state) zones += c.ZonesTouchingCorridor(lines[i++ & 255], Metres(5000)).size();
  state.counters["zones_per_query"] = benchmark::Counter(static_cast<double>(zones) / state.iterations());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Corridor200km5km)->Unit(benchmark::kMicrosecond);

// Points 0-20 km from a zone's representative point (the usual case).
void BM_DistanceToNear(benchmark::State& state) {
  const Catalog& c = Hromadas();
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> az(0, 360), dist(0, 20e3);
  std::vector<std::pair<ZoneIndex, LatLon>> q(4096);
  for (size_t k = 0; k < q.size(); ++k) {
    const ZoneIndex z = static_cast<ZoneIndex>(rng() % c.zones().size());
    q[k] = {z, GeodesicDestination(c.zone(z).centroid, az(rng), Metres(dist(rng)))};
  }
  size_t i = 0;
  double sum = 0;
  for (auto _ : state) {
    const auto& [z, p] = q[i++ & 0xFFF];
    sum += c.DistanceTo(z, p).value();
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DistanceToNear)->Unit(benchmark::kMicrosecond);

// Random zone, random point anywhere over Ukraine (mostly > 300 km: the slow,
// exact endpoint-bound path).
void BM_DistanceToFar(benchmark::State& state) {
  const Catalog& c = Hromadas();
  const auto pts = RandomPoints(1 << 12, 3);
  size_t i = 0;
  double sum = 0;
  for (auto _ : state) {
    sum += c.DistanceTo(static_cast<ZoneIndex>(i % c.zones().size()), pts[i & 0xFFF]).value();
    ++i;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DistanceToFar)->Unit(benchmark::kMicrosecond);

void BM_ZonesWithin10km(benchmark::State& state) {
  const Catalog& c = Hromadas();
  const auto pts = RandomPoints(1 << 12, 4);
  size_t i = 0, n = 0;
  for (auto _ : state) n += c.ZonesWithin(pts[i++ & 0xFFF], Metres(10e3)).size();
  benchmark::DoNotOptimize(n);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ZonesWithin10km)->Unit(benchmark::kMicrosecond);

void BM_Ellipse30x10km(benchmark::State& state) {
  const Catalog& c = Hromadas();
  const auto pts = RandomPoints(1 << 12, 5);
  size_t i = 0, n = 0;
  for (auto _ : state) {
    n += c.ZonesTouchingEllipse(pts[i & 0xFFF], Metres(30e3), Metres(10e3), (i * 37) % 360).size();
    ++i;
  }
  benchmark::DoNotOptimize(n);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ellipse30x10km)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tocsin::zones

BENCHMARK_MAIN();
