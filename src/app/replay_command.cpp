// tocsin replay: the whole pipeline over a scenario folder (replay::RunReplay).
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "replay/replay.h"

namespace tocsin::app {

void AddReplayCommand(CLI::App& app) {
  auto config = std::make_shared<replay::ReplayConfig>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Run tracker -> predictor -> alert engine over a scenario folder's sensors.json and reports.jsonl "
      "(never truth.json) in scenario time, as fast as possible, and write the alert log. Exit status: 0 ok, "
      "1 bad input, 2 cannot write.");
  cmd->add_option("SCENARIO_DIR", config->scenario_dir, "scenario folder (spec/scenario.md)")->required();
  cmd->add_option("--zones", config->zones, "zone catalog name or path (default: ua-hromadas)");
  cmd->add_option("--policy", config->policy, "alert policy file (default: the embedded defaults, docs/policy.md)");
  cmd->add_option("--alerts", config->alerts_path, "alert log to write (JSON Lines, spec/alert-log.md)")->required();
  cmd->add_option("--tracks", config->tracks_path,
                  "also write every track update and end here (JSON Lines, docs/track-log.md); "
                  "`tocsin score --tracks` measures their accuracy");
  cmd->add_option("--tail", config->tail_s, "scenario seconds replayed after the last report")->capture_default_str();
  cmd->add_flag("--quiet{false}", config->progress, "no progress lines on stderr");
  cmd->callback([config] { ExitCode() = replay::RunReplay(*config, std::cout, std::cerr); });
}

}  // namespace tocsin::app
