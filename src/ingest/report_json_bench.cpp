// Report parsing and writing speed: the replay hot path (target 200k reports/s).
#include <benchmark/benchmark.h>

#include "ingest/report_json.h"
#include "ingest/sensor_json.h"

namespace tocsin::ingest {
namespace {

SensorIndex Index() {
  Result<SensorList> l = ParseSensorList(R"([
    {"id": "RAD-01", "type": "radar", "lat": 46.97, "lon": 32.0, "sigma": {"range_m": 120, "azimuth_deg": 0.35, "elevation_deg": 0.5},
     "max_range_m": 250000, "period_s": 10, "p_detect": 0.9, "false_per_scan": 2},
    {"id": "AC-0412", "type": "acoustic", "lat": 46.5, "lon": 30.7, "sigma": {"azimuth_deg": 6},
     "max_range_m": 4000, "period_s": 3, "p_detect": 0.7, "false_per_scan": 0}])", "bench");
  return SensorIndex(l->sensors);
}

void BM_ParseRadarLine(benchmark::State& state) {
  SensorIndex index = Index();
  const std::string line =
      R"({"sensor":"RAD-01","time":1757203325.0,"kind":"radar","range_m":84210.5,"azimuth_deg":131.27,"elevation_deg":0.41})";
  const std::string where = "bench:1";
  for (auto _ : state) {
    Result<Report> r = ParseReportLine(line, &index, where);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRadarLine);

void BM_WriteRadarLine(benchmark::State& state) {
  Report r;
  r.sensor = SensorId("RAD-01");
  r.time = UnixTime(1757203325.0);
  r.range_m = 84210.5;
  r.azimuth_deg = 131.27;
  r.elevation_deg = 0.41;
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendReportJson(r, &out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteRadarLine);

}  // namespace
}  // namespace tocsin::ingest
BENCHMARK_MAIN();
