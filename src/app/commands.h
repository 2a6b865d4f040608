// Subcommands of the `tocsin` executable. Each Add* function registers one
// subcommand: it parses options into that command's config struct and, when run,
// calls the owning stage's single entry point and records its exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin::app {

// Exit code of the subcommand that ran (0 when it succeeded).
int& ExitCode();

void AddZonesCommand(CLI::App& app);  // tocsin zones info | lookup
void AddScoreCommand(CLI::App& app);  // tocsin score
void AddHistoryCommand(CLI::App& app);  // tocsin history
void AddSimulateCommand(CLI::App& app);  // tocsin simulate
void AddReplayCommand(CLI::App& app);  // tocsin replay
void AddRunPresetCommand(CLI::App& app);  // tocsin run-preset
void AddServeCommand(CLI::App& app);  // tocsin serve
void AddFeedCommand(CLI::App& app);  // tocsin feed
void AddDemoCommand(CLI::App& app);  // tocsin demo

}  // namespace tocsin::app
