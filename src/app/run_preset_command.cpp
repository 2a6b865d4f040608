// tocsin run-preset: simulate + replay + score (replay::RunPreset).
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "replay/replay.h"

namespace tocsin::app {

void AddRunPresetCommand(CLI::App& app) {
  auto config = std::make_shared<replay::RunPresetConfig>();
  CLI::App* cmd = app.add_subcommand(
      "run-preset",
      "Simulate a preset (or attack file), replay it through the whole pipeline and score the alert log. "
      "Exit status as `tocsin score`, or the failing step's.");
  cmd->add_option("NAME", config->preset, "preset name (data/presets/NAME.json) or attack file")->required();
  cmd->add_option("--seed", config->seed, "simulation seed")->capture_default_str();
  cmd->add_option("--out", config->out_dir, "folder for the scenario and alerts.jsonl (default: a temp folder)");
  cmd->add_option("--policy", config->policy, "alert policy file (default: the embedded defaults)");
  cmd->add_option("--threads", config->threads, "simulation threads")->capture_default_str();
  cmd->add_flag("--json", config->json, "print the score as JSON");
  cmd->callback([config] { ExitCode() = replay::RunPreset(*config, std::cout, std::cerr); });
}

}  // namespace tocsin::app
