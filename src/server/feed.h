// `tocsin feed`: plays a scenario folder's reports.jsonl into a running server over
// TCP (or UDP), paced at `speed` x the scenario's own time, each line signed with its
// sensor's HMAC key (docs/ingest-auth.md) when a key file is given.
//
// Time: by default report times are sent unchanged, for a server whose clock runs in
// scenario time at the same rate (`tocsin serve --clock-start T --clock-rate N`, as
// `tocsin demo` does). With `retime`, every time is shifted so that the first report
// is stamped `retime_start` (default: now), for a server on the wall clock; then use
// speed 1, or the server will see the threats move `speed` times too fast.
//
// Thread-safety: each call is independent.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace tocsin::server {

struct FeedConfig {
  std::string scenario_dir;
  std::string host = "127.0.0.1";
  int port = 7001;
  bool udp = false;
  std::string keys;      // per-sensor HMAC key file; empty: lines sent unsigned
  double speed = 1.0;    // > 0
  bool retime = false;
  std::optional<double> retime_start;
  double start_offset_s = 0;  // wall seconds to wait before the first report
  bool progress = true;
  // When set (an in-process server's clock, e.g. `tocsin demo`), a report is sent once
  // this clock reaches its time, so the feed stays in step with the server whatever
  // its start-up took; speed and start_offset_s are then ignored. Must outlive Feed.
  const Clock* follow = nullptr;
};

struct FeedStats {
  std::uint64_t sent = 0, skipped = 0;
  double scenario_s = 0, wall_s = 0;
};

// Sends every report; `stop` (may be null) ends it early. Errors: unreadable folder or
// key file, connection refused (says to start `tocsin serve` first), write failure.
Result<FeedStats> Feed(const FeedConfig& config, std::ostream& err, const std::atomic<bool>* stop = nullptr);

// tocsin feed: runs Feed, prints a summary. Exit code 0 ok, 1 bad input, 2 network error.
int RunFeed(const FeedConfig& config, std::ostream& out, std::ostream& err);

}  // namespace tocsin::server
