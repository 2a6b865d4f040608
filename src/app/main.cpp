// tocsin: real-time early warning of missiles and drones. A thin main: every
// subcommand parses its options into a config struct and calls one entry point.
#include "app/commands.h"

namespace tocsin::app {
int& ExitCode() {
  static int code = 0;
  return code;
}
}  // namespace tocsin::app

int main(int argc, char** argv) {
  CLI::App app{"Tocsin: tracks missiles and drones and warns only the zones in their path."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tocsin 0.1.0");
  tocsin::app::AddZonesCommand(app);
  tocsin::app::AddScoreCommand(app);
  tocsin::app::AddHistoryCommand(app);
  tocsin::app::AddSimulateCommand(app);
  tocsin::app::AddReplayCommand(app);
  tocsin::app::AddRunPresetCommand(app);
  tocsin::app::AddServeCommand(app);
  tocsin::app::AddFeedCommand(app);
  tocsin::app::AddDemoCommand(app);
  CLI11_PARSE(app, argc, argv);
  return tocsin::app::ExitCode();
}
