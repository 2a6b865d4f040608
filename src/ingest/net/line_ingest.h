// The front of the JSON Lines ingest: one received line + who sent it ->
// authentication (docs/ingest-auth.md) -> the report parser (ingest/report_json.h)
// -> an accepted Report, or a rejection with a reason that is counted.
//
// Line framing (authenticated): the report's JSON object, one TAB, then
// `hmac=<64 lower/upper-case hex digits>` = HMAC-SHA256 under the key of the
// report's `sensor` over exactly the JSON bytes before the TAB. A trailing CR is
// ignored (the listeners strip it).
//
// Checks, in order; the first failure is the reason:
//   malformed       the line holds no top-level string field "sensor"
//   missing_mac     no TAB + hmac suffix, and neither AuthPolicy::kAllowUnauthenticated
//                   nor a TLS peer (whose client certificate authenticates it)
//   unknown_sensor  no key for the sensor (when a MAC is given or required), or the
//                   sensor is not in the sensor list (when one is configured)
//   bad_mac         the suffix is not `hmac=<64 hex>` or the MAC does not match
//                   (compared in constant time)
//   malformed       the parser rejects the JSON (message from the parser)
//   sensor_mismatch TLS peer: the report's sensor is not the certificate's CN
//   stale           |report time - clock now| > window
//   replay          a byte-identical line was accepted within the window
// Thread-safety: Process may be called from many threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/units.h"
#include "ingest/net/counters.h"
#include "ingest/net/key_file.h"
#include "ingest/net/peer_info.h"
#include "ingest/net/reject_reason.h"
#include "ingest/net/replay_cache.h"
#include "ingest/report.h"
#include "ingest/sensor.h"

namespace tocsin::ingest::net {

enum class AuthPolicy {
  kRequired,               // default: every TCP/UDP line carries a valid MAC
  kAllowUnauthenticated,   // local tests only: lines without a MAC are accepted
};

struct LineIngestConfig {
  std::shared_ptr<const SensorKeys> keys;        // may be null only with kAllowUnauthenticated
  std::shared_ptr<const SensorIndex> sensors;    // optional: when set, unknown sensors are refused
  AuthPolicy policy = AuthPolicy::kRequired;
  Seconds window{30.0};                          // allowed |report time - now|, and replay memory
  std::size_t max_replay_entries = 2'000'000;
};

// An accepted report, or why the line was refused.
struct LineOutcome {
  std::optional<Report> report;  // set when accepted
  RejectReason reason = RejectReason::kMalformed;  // meaningful only when !report
  std::string message;           // rejection: what was wrong (names the peer) and what to do
  std::string_view json;         // the JSON part of the line (a view into the input line)
  bool ok() const { return report.has_value(); }
};

class LineIngest {
 public:
  // REQUIRES: `clock` outlives this object; counters not null.
  LineIngest(LineIngestConfig config, const Clock& clock, std::shared_ptr<IngestCounters> counters);

  // Authenticates and parses one line (without its newline). Counts the outcome.
  LineOutcome Process(std::string_view line, const PeerInfo& peer);

  const LineIngestConfig& config() const { return config_; }
  IngestCounters& counters() { return *counters_; }

 private:
  LineOutcome Reject(RejectReason reason, std::string_view sensor, const PeerInfo& peer, std::string why,
                     std::string_view json);

  LineIngestConfig config_;
  const Clock& clock_;
  std::shared_ptr<IngestCounters> counters_;
  ReplayCache replay_;
};

// The top-level string value of `key` in a JSON object, without parsing the whole
// object (strings and nesting are skipped correctly). nullopt when absent, not a
// string, or the text is not an object. The value is the raw bytes between the
// quotes (escapes are not decoded).
std::optional<std::string_view> FindTopLevelString(std::string_view json, std::string_view key);

// Builds an authenticated line: json + "\thmac=" + hex HMAC-SHA256 (no newline).
std::string SignLine(std::string_view json, const HmacKey& key);

}  // namespace tocsin::ingest::net
