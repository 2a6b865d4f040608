// tocsin feed: plays a scenario's reports into a running server (server::RunFeed).
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "server/feed.h"

namespace tocsin::app {

void AddFeedCommand(CLI::App& app) {
  auto c = std::make_shared<server::FeedConfig>();
  CLI::App* cmd = app.add_subcommand(
      "feed",
      "Play a scenario folder's reports.jsonl into a running `tocsin serve` over TCP (or UDP), paced at --speed x "
      "scenario time, each line HMAC-signed with --keys. Exit status: 0 ok, 1 bad input, 2 network error.");
  cmd->add_option("SCENARIO_DIR", c->scenario_dir, "scenario folder (spec/scenario.md)")->required();
  cmd->add_option("--host", c->host, "server address")->capture_default_str();
  cmd->add_option("--port", c->port, "server's JSON lines ingest port")->capture_default_str();
  cmd->add_flag("--udp", c->udp, "send datagrams to the UDP ingest port instead of TCP");
  cmd->add_option("--keys", c->keys, "per-sensor HMAC key file (docs/ingest-auth.md); without it lines go unsigned");
  cmd->add_option("--speed", c->speed, "x scenario time (the server's clock must run at the same rate)")
      ->capture_default_str();
  cmd->add_flag("--retime", c->retime, "shift report times so the first is now (for a server on the wall clock)");
  cmd->add_flag("--quiet{false}", c->progress, "no progress lines");
  cmd->callback([c] { ExitCode() = server::RunFeed(*c, std::cout, std::cerr); });
}

}  // namespace tocsin::app
