// Memory over a long replay (issue 4: "memory flat over a 12-hour replay"). Runs the
// replay pipeline (tracker -> predictor -> alert engine -> alert log writer, as
// `tocsin replay`) over a scenario folder and prints, every --every scenario seconds,
// the process RSS, the heap in use (mallinfo2) and the sizes of the per-track state
// of each stage, so that growth can be located.
//
//   replay_memory_bench --scenario DIR [--zones NAME] [--every S] [--alerts PATH] [--leave 1]
//
// The alert log goes to --alerts (default /dev/null). --leave 1 exits without
// destroying anything, so that a heap profiler (heaptrack) lists what the stages
// still hold after the last track ended as "leaked". The 12-hour soak scenario:
//   tocsin simulate src/replay/testdata/steady-drones-12h.json --seed 1 --out DIR
// (a steady stream of drones over 12 hours: memory should stay flat after the first
// hours). Simulate in another process: the simulator's memory would count here.
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "alert/alert_log.h"
#include "alert/policy.h"
#include "ingest/report_json.h"
#include "ingest/sensor_json.h"
#include "replay/pipeline.h"
#include "track/tracker.h"
#include "track/tracker_config.h"
#include "zones/catalog.h"

namespace tocsin::replay {
namespace {

namespace fs = std::filesystem;

double RssMb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}

double HeapMb() {
  const struct mallinfo2 mi = mallinfo2();
  return static_cast<double>(mi.uordblks + mi.hblkhd) / 1e6;
}

int Main(int argc, char** argv) {
  std::string scenario, zones_name = "ua-hromadas", alerts = "/dev/null";
  double every = 3600.0;
  bool leave = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--scenario") scenario = value;
    else if (flag == "--zones") zones_name = value;
    else if (flag == "--every") every = std::atof(value.c_str());
    else if (flag == "--alerts") alerts = value;
    else if (flag == "--leave") leave = value == "1";
    else {
      std::cerr << "unknown flag " << flag << " (flags: --scenario DIR --zones NAME --every S --alerts PATH --leave 1)\n";
      return 1;
    }
  }
  if (scenario.empty()) {
    std::cerr << "give the scenario folder with --scenario DIR (e.g. simulate "
                 "src/replay/testdata/steady-drones-12h.json with `tocsin simulate ... --out DIR`)\n";
    return 1;
  }
  auto path = zones::ResolveCatalogPath(zones_name);
  auto catalog = path.ok() ? zones::Catalog::LoadFile(*path) : Result<zones::Catalog>(path.status());
  auto sensors = ingest::ReadSensorListFile((fs::path(scenario) / "sensors.json").string());
  auto writer = alert::JsonlAlertLogWriter::Open(alerts, /*append=*/false);
  if (!catalog.ok() || !sensors.ok() || !writer.ok()) {
    std::cerr << "cannot load the catalog " << zones_name << ", " << scenario << "/sensors.json or open " << alerts
              << "\n";
    return 1;
  }
  const ingest::SensorIndex index(sensors->sensors);
  const std::string reports_path = (fs::path(scenario) / "reports.jsonl").string();
  std::ifstream in(reports_path, std::ios::binary);
  Pipeline pipeline(*catalog, alert::Policy::Defaults(), **writer);
  pipeline.SetRadars(sensors->sensors);
  const track::TrackerConfig tracker_config;
  track::Tracker tracker(index, tracker_config, pipeline);
  auto on_tick = [&tracker](UnixTime t) { tracker.Advance(t); };

  const auto wall0 = std::chrono::steady_clock::now();
  double first = -1, next_sample = 0;
  std::printf("%8s %8s %9s %8s %8s %6s %7s %7s %8s %7s %7s\n", "scen_h", "wall_s", "reports", "rss_mb", "heap_mb",
              "live", "ended", "pred", "coasting", "eng_sl", "eng_liv");
  auto sample = [&](long long reports) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    const predict::Predictor& p = pipeline.predictor();
    const alert::AlertEngine& e = pipeline.engine();
    std::printf("%8.2f %8.1f %9lld %8.1f %8.1f %6zu %7zu %7zu %8zu %7zu %7zu\n",
                (pipeline.now().seconds() - first) / 3600.0, wall, reports, RssMb(), HeapMb(),
                tracker.live_tracks(), pipeline.stats().ends, p.per_track_entries(), p.coasting_tracks(),
                e.track_slots(), e.live_tracks());
    std::fflush(stdout);
  };
  ingest::ReportReader reader(in, &index, reports_path);
  long long reports = 0;
  while (auto next = reader.Next()) {
    if (!next->ok()) continue;
    const ingest::Report& r = next->value();
    if (first < 0) {
      first = r.time.seconds();
      next_sample = first + 10.0;
    }
    pipeline.AdvanceTo(r.time, on_tick);
    tracker.Process(r);
    ++reports;
    if (r.time.seconds() >= next_sample) {
      sample(reports);
      next_sample = first + std::floor((r.time.seconds() - first) / every + 1.0) * every;
    }
  }
  pipeline.AdvanceTo(UnixTime(pipeline.now().seconds() + 900.0), on_tick);  // the replay's tail
  sample(reports);
  if (leave) std::_Exit(0);
  return 0;
}

}  // namespace
}  // namespace tocsin::replay

int main(int argc, char** argv) { return tocsin::replay::Main(argc, argv); }
