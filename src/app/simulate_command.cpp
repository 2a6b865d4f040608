// tocsin simulate: an attack description file (or preset name) -> scenario folder.
#include <iostream>

#include "app/commands.h"
#include "sim/simulate.h"

namespace tocsin::app {

void AddSimulateCommand(CLI::App& app) {
  auto config = std::make_shared<sim::SimulateConfig>();
  auto* cmd = app.add_subcommand(
      "simulate", "Simulate an attack: write sensors.json, reports.jsonl and truth.json "
                  "(docs/simulator.md; presets in data/presets/)");
  cmd->add_option("attack", config->attack, "attack file (JSON) or preset name, e.g. odesa-drones")->required();
  cmd->add_option("--out", config->out_dir, "scenario folder to write")->required();
  cmd->add_option("--seed", config->seed, "random seed; same seed, same files")->capture_default_str();
  cmd->add_option("--threads", config->threads, "worker threads")->capture_default_str();
  cmd->add_flag("--quiet", config->quiet, "no progress on stderr");
  cmd->callback([config] { ExitCode() = sim::RunSimulate(*config, std::cout, std::cerr); });
}

}  // namespace tocsin::app
