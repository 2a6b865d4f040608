// tocsin history: hours and people-hours under alert in the real alert histories.
#include <iostream>

#include "app/commands.h"
#include "history/history.h"

namespace tocsin::app {

void AddHistoryCommand(CLI::App& app) {
  auto config = std::make_shared<history::HistoryConfig>();
  auto* cmd = app.add_subcommand(
      "history", "Summarise the real alert histories: hours and people-hours under alert per "
                 "region, per year or month, and the longest alerts");
  cmd->add_option("--source", config->source, "ua (Ukrainian oblast alerts) or il (Israeli HFC alerts)")
      ->capture_default_str();
  cmd->add_option("--file", config->file, "history CSV (default: the shipped file for --source)");
  cmd->add_option("--zones", config->zones, "zone catalog for region names and populations");
  cmd->add_option("--by", config->period, "period: year or month")->capture_default_str();
  cmd->add_option("--region", config->region, "only this region id (e.g. UA-51, Sharon)");
  cmd->add_option("--longest", config->longest, "how many of the longest alerts to list")
      ->capture_default_str();
  cmd->add_flag("--json", config->json, "print JSON instead of a table");
  cmd->callback([config] { ExitCode() = history::RunHistory(*config, std::cout, std::cerr); });
}

}  // namespace tocsin::app
