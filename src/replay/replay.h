// `tocsin replay` and `tocsin run-preset`: the whole pipeline over a recorded
// scenario folder in scenario time, as fast as the CPU allows.
//
// Replay reads SCENARIO_DIR/sensors.json and SCENARIO_DIR/reports.jsonl only (never
// truth.json), runs tracker -> predictor -> alert engine, ticking the engine and the
// tracker's deletion once per scenario second, and writes the alert log (JSON Lines,
// spec/alert-log.md). After the last report it keeps ticking for `tail` so that
// coasting tracks and holds end.
//
// Thread-safety: each call is independent.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "alert/alert_log.h"
#include "alert/policy.h"
#include "core/status.h"
#include "predict/predictor.h"
#include "zones/catalog.h"

namespace tocsin::replay {

struct ReplayConfig {
  std::string scenario_dir;
  std::string zones;        // catalog name or path; empty: zones::kDefaultCatalog
  std::string policy;       // policy file; empty: alert::Policy::Defaults()
  std::string alerts_path;  // alert log to write (truncated)
  std::string tracks_path;  // track log to write (docs/track-log.md); empty: none
  double tail_s = 900.0;    // scenario seconds ticked after the last report
  bool progress = true;     // progress lines on `err`
  predict::PredictorConfig predictor;
};

struct ReplayStats {
  std::int64_t reports = 0, rejected_lines = 0;
  std::size_t tracks_confirmed = 0, track_updates = 0, dangers = 0;
  std::size_t track_ends = 0, lost_coasting = 0, handovers = 0;
  std::size_t alerts = 0, prealerts = 0;
  std::uint64_t widened_dangers = 0;  // upserts the engine's fail-safe widened
  double scenario_s = 0;  // first report to end of tail
  double wall_s = 0;
  double reports_per_s() const { return wall_s > 0 ? reports / wall_s : 0; }
  double speedup() const { return wall_s > 0 ? scenario_s / wall_s : 0; }
};

// Runs the pipeline over the folder with an already loaded catalog; events go to
// `sink`, and every track update and end to `track_log` (may be null; track log
// lines, docs/track-log.md). config.tracks_path is not opened here. Errors: unreadable
// sensors.json / reports.jsonl (bad report lines are skipped, counted and the first
// few described on `err`).
Result<ReplayStats> Replay(const ReplayConfig& config, const zones::Catalog& catalog, const alert::Policy& policy,
                           alert::AlertSink& sink, std::ostream& err, std::ostream* track_log = nullptr);

// Exit codes.
inline constexpr int kReplayOk = 0;
inline constexpr int kReplayBadInput = 1;
inline constexpr int kReplayIoError = 2;

// tocsin replay: loads the catalog and policy, replays into config.alerts_path,
// prints a summary on `out`, progress and problems on `err`.
int RunReplay(const ReplayConfig& config, std::ostream& out, std::ostream& err);

struct RunPresetConfig {
  std::string preset;     // preset name or attack file
  std::uint64_t seed = 1;
  std::string out_dir;    // scenario folder + alerts.jsonl; empty: a temp folder
  std::string policy;     // policy file; empty: defaults
  int threads = 2;
  bool json = false;      // score as JSON
  predict::PredictorConfig predictor;
};

// tocsin run-preset: simulate (sim::RunSimulate) + replay + score (eval::RunScore),
// with a readable report on `out`.
int RunPreset(const RunPresetConfig& config, std::ostream& out, std::ostream& err);

}  // namespace tocsin::replay
