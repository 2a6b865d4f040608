// The multi-sensor, multi-target tracker: takes sensor reports, emits track
// updates and track ends. A short loop composes small swappable steps (see
// steps.h once written): predictor, updater, associator, initiator, deleter,
// classifier.
//
// Thread-safety: a Tracker is used by one thread at a time.
#pragma once

#include <cstddef>
#include <memory>

#include "ingest/report.h"
#include "ingest/sensor.h"
#include "track/track_state.h"

namespace tocsin::track {

// Receives what the tracker decides. Called synchronously from Process/Advance.
class TrackSink {
 public:
  virtual ~TrackSink() = default;
  virtual void OnTrackUpdate(const TrackUpdate& update) = 0;
  virtual void OnTrackEnd(const TrackEnd& end) = 0;
};

struct TrackerConfig;  // defined in track/tracker_config.h

class Tracker {
 public:
  // REQUIRES: `sensors` and `sink` outlive the tracker.
  Tracker(const ingest::SensorIndex& sensors, const TrackerConfig& config, TrackSink& sink);
  ~Tracker();
  // Processes one report. Reports are roughly time-ordered; reports up to a few
  // seconds out of order are tolerated. Reports from unknown sensors are ignored
  // and counted.
  void Process(const ingest::Report& report);
  // Advances time without a report: ends tracks not updated for too long.
  void Advance(UnixTime now);
  std::size_t live_tracks() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::track
