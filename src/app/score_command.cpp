// tocsin score: scores an alert log against a scenario's truth (eval::RunScore).
#include <iostream>
#include <memory>
#include <string>

#include "app/commands.h"
#include "eval/run_score.h"

namespace tocsin::app {

void AddScoreCommand(CLI::App& app) {
  auto config = std::make_shared<eval::ScoreConfig>();
  CLI::App* cmd = app.add_subcommand(
      "score",
      "Score an alert log against a scenario's truth.json (spec/scenario.md). Exit status: 0 scored, "
      "1 could not score, 3 scored but the log had unreadable lines (listed on stderr).");
  cmd->add_option("--truth", config->truth_path, "the scenario's truth.json")->required();
  cmd->add_option("--alerts", config->alerts_path, "the alert log (JSON Lines, spec/alert-log.md)")->required();
  cmd->add_option("--zones", config->zones,
                  "zone catalog name or path (default: truth.json's \"zones\", else ua-hromadas)");
  cmd->add_flag("--json", config->json, "print a JSON object instead of a table");
  auto crossing = std::make_shared<std::string>("exact");
  cmd->add_option("--crossing", *crossing,
                  "how t_a/t_l are found: exact (the spec's first/last moment) or midpoint (points and "
                  "segment midpoints only, as the spec example's generator did)")
      ->check(CLI::IsMember({"exact", "midpoint"}))
      ->capture_default_str();
  cmd->add_option("--missed-examples", config->max_missed_examples, "how many missed pairs to list")
      ->capture_default_str();
  cmd->add_option("--tracks", config->tracks_path,
                  "track log (docs/track-log.md, from `tocsin replay --tracks`): also report track accuracy "
                  "(GOSPA, position RMSE) against the truth");
  cmd->add_option("--accuracy-step", config->accuracy.step_s, "with --tracks: sample period, s")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--accuracy-max-age", config->accuracy.max_age_s,
                  "with --tracks: a track whose latest update is older than this (s) is not counted")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_flag("--pair-details", config->pair_details,
                "with --json: list every (zone, threat) pair with its t_a, t_l and outcome");
  cmd->callback([config, crossing] {
    config->crossing =
        *crossing == "midpoint" ? eval::CrossingMethod::kMidpointSamples : eval::CrossingMethod::kExact;
    ExitCode() = eval::RunScore(*config, std::cout, std::cerr);
  });
}

}  // namespace tocsin::app
