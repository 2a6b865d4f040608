// The front of the SAPIENT ingest: one frame body (from a StreamListener with
// Framing::kLengthPrefixed, normally over TLS) + who sent it -> decode (convert.h) ->
// authentication checks -> an accepted Report, an ignored message, or a counted
// rejection.
//
// Authentication: SAPIENT has no message MAC, so a node authenticates with its TLS
// client certificate, whose CN must be the sensor id its node_id maps to (else
// sensor_mismatch). Frames on a connection without a certificate are refused as
// `unauthenticated` unless allow_unauthenticated is set (local tests only).
// Freshness: a detection whose timestamp is farther than `window` from the clock is
// refused as stale. Thread-safety: Process may be called from many threads at once.
#pragma once

#include <memory>
#include <string_view>

#include "core/clock.h"
#include "core/units.h"
#include "ingest/net/counters.h"
#include "ingest/net/peer_info.h"
#include "ingest/sapient/convert.h"
#include "ingest/sapient/node_config.h"
#include "ingest/sensor.h"

namespace tocsin::ingest::sapient {

struct SapientIngestConfig {
  std::shared_ptr<const SapientNodes> nodes;   // required
  std::shared_ptr<const SensorIndex> sensors;  // optional
  bool allow_unauthenticated = false;
  Seconds window{30.0};
};

class SapientIngest {
 public:
  // REQUIRES: config.nodes and counters not null; `clock` outlives this object.
  SapientIngest(SapientIngestConfig config, const Clock& clock, std::shared_ptr<net::IngestCounters> counters);

  SapientOutcome Process(std::string_view frame_body, const net::PeerInfo& peer);

 private:
  SapientOutcome Reject(SapientOutcome out, net::RejectReason reason, std::string_view sensor, std::string why);

  SapientIngestConfig config_;
  const Clock& clock_;
  std::shared_ptr<net::IngestCounters> counters_;
};

}  // namespace tocsin::ingest::sapient
