// Messages of the live server: what ingest hands the pipeline thread (InboundReport),
// what the pipeline thread publishes after each batch (DecisionBatch) and the
// read-only view HTTP handlers serve (Snapshot).
//
// Units: SI; times Unix seconds unless named *_wall (steady clock). Thread-safety:
// plain values; a Snapshot is immutable once published (shared_ptr<const Snapshot>).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alert/alert_log.h"
#include "core/mode.h"
#include "alert/danger.h"
#include "alert/engine.h"
#include "ingest/report.h"
#include "ingest/sensor.h"
#include "track/track_state.h"

namespace tocsin::server {

using tocsin::Mode;
using tocsin::ToString;

// A report accepted by ingest (authenticated and parsed), with what the store keeps.
struct InboundReport {
  ingest::Report report;
  std::string raw;     // as received: the JSON line, or the binary message hex-encoded
  std::string format;  // "json", "asterix", "sapient"
  UnixTime received;   // server clock at receipt
  std::chrono::steady_clock::time_point arrived = std::chrono::steady_clock::now();
};

// A decision as published: the alert-log event plus what publishers need.
struct PublishedEvent {
  alert::AlertEvent event;
  bool manual = false;         // raised by an operator (its threat is "op-<request>")
  std::string note;            // operator's note on manual alerts
  std::optional<double> expected_at;  // start events: time + expected_s
  std::uint64_t seq = 0;       // position in the server's decision stream, from 1
};

struct TrackView {
  track::TrackUpdate update;
  std::vector<LatLon> trail;            // oldest first
  // The latest danger the predictor made for the track (the one the alert engine
  // decides on; rate-limited, so up to a few seconds old).
  std::optional<alert::Danger> danger;
};

struct AlertView {
  alert::ActiveAlert alert;
  std::optional<double> expected_at;
  bool manual = false;
  std::string note;
};

struct SensorView {
  const ingest::SensorDescription* sensor = nullptr;  // owned by the server's SensorIndex
  bool stale = false;
  double last_report = 0;  // 0: none since start
};

// Pending two-person manual alert requests, for the operator panel.
struct PendingRequestView {
  std::string id;          // "R-000003"
  std::string requested_by;
  double time = 0;
  std::vector<std::string> zones;
  std::vector<std::string> regions;
  std::string category;
  std::string note;
};

struct Snapshot {
  UnixTime time;
  Mode mode = Mode::kLive;
  double uptime_s = 0;
  // Confirmed live tracks, by id. Shared with later snapshots while the track has not
  // changed (a snapshot copies a pointer per unchanged track).
  std::vector<std::shared_ptr<const TrackView>> tracks;
  std::vector<AlertView> alerts;  // zone order, pre-alert first
  std::vector<SensorView> sensors;
  std::vector<PendingRequestView> pending;
  std::uint64_t last_seq = 0;     // last decision published
};

}  // namespace tocsin::server
