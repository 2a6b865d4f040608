#include "replay/replay.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "alert/alert_log.h"
#include "eval/run_score.h"
#include "ingest/report_json.h"
#include "ingest/sensor_json.h"
#include "replay/pipeline.h"
#include "sim/attack.h"
#include "sim/data_files.h"
#include "sim/simulate.h"
#include "track/track_log.h"
#include "track/tracker.h"
#include "track/tracker_config.h"

namespace tocsin::replay {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Counts alert and pre-alert starts on their way to the real sink.
class CountingSink final : public alert::AlertSink {
 public:
  explicit CountingSink(alert::AlertSink& next) : next_(next) {}
  void Emit(const alert::AlertEvent& e) override {
    if (e.kind == alert::AlertEventKind::kStart) ++alerts;
    if (e.kind == alert::AlertEventKind::kPreStart) ++prealerts;
    next_.Emit(e);
  }
  std::size_t alerts = 0, prealerts = 0;

 private:
  alert::AlertSink& next_;
};

Result<zones::Catalog> LoadCatalog(const std::string& name) {
  auto path = zones::ResolveCatalogPath(name.empty() ? zones::kDefaultCatalog : name);
  if (!path) return path.status();
  return zones::Catalog::LoadFile(*path);
}

Result<alert::Policy> LoadPolicy(const std::string& path) {
  if (path.empty()) return alert::Policy::Defaults();
  return alert::LoadPolicyFile(path);
}

}  // namespace

Result<ReplayStats> Replay(const ReplayConfig& config, const zones::Catalog& catalog, const alert::Policy& policy,
                           alert::AlertSink& sink, std::ostream& err, std::ostream* track_log) {
  const auto wall0 = Clock::now();
  const fs::path dir(config.scenario_dir);
  auto sensors = ingest::ReadSensorListFile((dir / "sensors.json").string());
  if (!sensors) return sensors.status();
  const ingest::SensorIndex index(sensors->sensors);
  const std::string reports_path = (dir / "reports.jsonl").string();
  std::ifstream in(reports_path, std::ios::binary);
  if (!in) {
    return Status::Error(reports_path + ": cannot open the report stream (a scenario folder holds sensors.json and "
                         "reports.jsonl; see spec/scenario.md)");
  }

  CountingSink counting(sink);
  Pipeline pipeline(catalog, policy, counting, config.predictor);
  pipeline.SetRadars(sensors->sensors);
  const track::TrackerConfig tracker_config;
  std::optional<track::TrackLogWriter> tee;
  if (track_log) tee.emplace(*track_log, pipeline);
  track::Tracker tracker(index, tracker_config, tee ? static_cast<track::TrackSink&>(*tee) : pipeline);
  auto on_tick = [&tracker](UnixTime t) { tracker.Advance(t); };

  ingest::ReportReader reader(in, &index, reports_path);
  ReplayStats stats;
  std::optional<double> first;
  auto last_progress = Clock::now();
  int described = 0;
  long long processed = 0;
  while (auto next = reader.Next()) {
    if (!next->ok()) {
      if (described++ < 10) err << next->status().message() << "\n";
      continue;
    }
    const ingest::Report& r = next->value();
    if (!first) first = r.time.seconds();
    pipeline.AdvanceTo(r.time, on_tick);
    tracker.Process(r);
    if (config.progress && (++processed & 0xfff) == 0 && Since(last_progress) > 2.0) {
      last_progress = Clock::now();
      char line[200];
      const double wall = Since(wall0);
      std::snprintf(line, sizeof line, "replay: %lld reports, scenario +%.0f s, %zu live tracks, %.0fx real time\n",
                    static_cast<long long>(processed), pipeline.now().seconds() - *first,
                    tracker.live_tracks(), wall > 0 ? (pipeline.now().seconds() - *first) / wall : 0.0);
      err << line << std::flush;
    }
  }
  stats.reports = reader.accepted();
  stats.rejected_lines = reader.rejected();
  if (described > 10) err << reports_path << ": " << described - 10 << " more bad lines not shown\n";
  const double end = pipeline.now().seconds() + config.tail_s;
  pipeline.AdvanceTo(UnixTime(end), on_tick);

  stats.tracks_confirmed = tracker.stats().tracks_confirmed;
  stats.track_updates = pipeline.stats().updates;
  stats.dangers = pipeline.stats().dangers;
  stats.track_ends = pipeline.stats().ends;
  stats.lost_coasting = pipeline.stats().coasts;
  stats.handovers = pipeline.stats().handovers;
  stats.widened_dangers = pipeline.engine().stats().widened_dangers;
  stats.alerts = counting.alerts;
  stats.prealerts = counting.prealerts;
  stats.scenario_s = first ? end - *first : 0.0;
  stats.wall_s = Since(wall0);
  return stats;
}

namespace {

void PrintStats(const ReplayStats& s, std::ostream& out) {
  char buf[800];
  std::snprintf(buf, sizeof buf,
                "reports          %lld (%lld bad lines skipped)\n"
                "tracks confirmed %zu, track updates %zu, dangers computed %zu\n"
                "track ends       %zu (%zu lost and coasting on dead reckoning, %zu of them re-acquired)\n"
                "alerts           %zu starts, %zu pre-alert starts (%llu dangers widened by the fail-safe)\n"
                "scenario time    %.0f s replayed in %.2f s wall: %.0f reports/s, %.0fx real time\n",
                static_cast<long long>(s.reports), static_cast<long long>(s.rejected_lines), s.tracks_confirmed,
                s.track_updates, s.dangers, s.track_ends, s.lost_coasting, s.handovers, s.alerts, s.prealerts,
                static_cast<unsigned long long>(s.widened_dangers), s.scenario_s, s.wall_s, s.reports_per_s(),
                s.speedup());
  out << buf;
}

}  // namespace

int RunReplay(const ReplayConfig& config, std::ostream& out, std::ostream& err) {
  auto catalog = LoadCatalog(config.zones);
  if (!catalog) {
    err << "replay: " << catalog.status().message() << "\n";
    return kReplayBadInput;
  }
  auto policy = LoadPolicy(config.policy);
  if (!policy) {
    err << "replay: " << policy.status().message() << "\n";
    return kReplayBadInput;
  }
  auto writer = alert::JsonlAlertLogWriter::Open(config.alerts_path, /*append=*/false);
  if (!writer) {
    err << "replay: " << writer.status().message() << "\n";
    return kReplayIoError;
  }
  std::ofstream track_log;
  if (!config.tracks_path.empty()) {
    track_log.open(config.tracks_path, std::ios::binary | std::ios::trunc);
    if (!track_log) {
      err << "replay: cannot write the track log " << config.tracks_path << " (" << std::strerror(errno)
          << "); give a writable path with --tracks\n";
      return kReplayIoError;
    }
  }
  auto stats = Replay(config, *catalog, *policy, **writer, err, config.tracks_path.empty() ? nullptr : &track_log);
  if (!stats) {
    err << "replay: " << stats.status().message() << "\n";
    return kReplayBadInput;
  }
  if (!config.tracks_path.empty() && !track_log.flush()) {
    err << "replay: writing the track log " << config.tracks_path << " failed (disk full?)\n";
    return kReplayIoError;
  }
  if (!(*writer)->status().ok()) {
    err << "replay: " << (*writer)->status().message() << "\n";
    return kReplayIoError;
  }
  out << "replayed " << config.scenario_dir << " with catalog " << catalog->name() << " -> " << config.alerts_path
      << "\n";
  PrintStats(*stats, out);
  return kReplayOk;
}

int RunPreset(const RunPresetConfig& config, std::ostream& out, std::ostream& err) {
  auto attack_path = sim::ResolveAttackPath(config.preset);
  if (!attack_path) {
    err << "run-preset: " << attack_path.status().message() << "\n";
    return kReplayBadInput;
  }
  auto text = sim::ReadTextFile(*attack_path);
  if (!text) {
    err << "run-preset: " << text.status().message() << "\n";
    return kReplayBadInput;
  }
  auto attack = sim::ParseAttack(*text, *attack_path);
  if (!attack) {
    err << "run-preset: " << attack.status().message() << "\n";
    return kReplayBadInput;
  }
  std::string dir = config.out_dir;
  if (dir.empty()) {
    dir = (fs::temp_directory_path() / ("tocsin-" + attack->name + "-seed" + std::to_string(config.seed))).string();
  }
  out << "== simulate " << attack->name << " (seed " << config.seed << ") -> " << dir << "\n";
  sim::SimulateConfig sc;
  sc.attack = *attack_path;
  sc.out_dir = dir;
  sc.seed = config.seed;
  sc.threads = config.threads;
  sc.quiet = true;
  std::ostringstream sim_out;
  if (int rc = sim::RunSimulate(sc, sim_out, err); rc != 0) {
    out << sim_out.str();
    err << "run-preset: the simulation failed (exit " << rc << ")\n";
    return rc;
  }
  out << "== replay (catalog " << attack->zones << ")\n";
  ReplayConfig rc;
  rc.scenario_dir = dir;
  rc.zones = attack->zones;
  rc.policy = config.policy;
  rc.alerts_path = (fs::path(dir) / "alerts.jsonl").string();
  rc.tracks_path = (fs::path(dir) / "tracks.jsonl").string();
  rc.predictor = config.predictor;
  if (int code = RunReplay(rc, out, err); code != kReplayOk) return code;
  out << "== score\n";
  eval::ScoreConfig score;
  score.truth_path = (fs::path(dir) / "truth.json").string();
  score.alerts_path = rc.alerts_path;
  score.tracks_path = rc.tracks_path;
  score.zones = attack->zones;
  score.json = config.json;
  return eval::RunScore(score, out, err);
}

}  // namespace tocsin::replay
