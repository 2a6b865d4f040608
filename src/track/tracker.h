// The multi-sensor, multi-target tracker: takes sensor reports, emits track
// updates and track ends. A short loop (tracker.cpp) composes small steps, each
// in its own file and unit-tested alone: measurement models (measurement.h),
// predictor + updater (motion_model.h, imm.h), associator (track_grid.h + gating
// in the loop), initiator (one-point tracks, bearing triangulation), deleter and
// classifier (classifier.h). Settings: tracker_config.h. Design notes: src/track/README.md.
//
// Emission: a TrackUpdate (status kConfirmed) after every measurement associated to
// a confirmed track, the first one when the track is confirmed (M of N). Tentative
// tracks are silent unless TrackerConfig::emit_tentative; one that dies is never
// reported. A TrackEnd follows the last update of every confirmed track.
// Track ids are "trk-1", "trk-2", ... in order of creation (deterministic).
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

// Counters since construction.
struct TrackerStats {
  std::size_t reports = 0;           // Process calls
  std::size_t unknown_sensor = 0;    // ignored: sensor not in the index
  std::size_t unusable = 0;          // ignored: sensor without position / bad values
  std::size_t associated = 0;        // reports that updated a track
  std::size_t tracks_started = 0;    // tentative tracks created
  std::size_t tracks_confirmed = 0;
  std::size_t tracks_ended = 0;      // confirmed tracks ended (TrackEnd emitted)
  std::size_t updates_emitted = 0;
};

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
  // Tentative + confirmed tracks alive now.
  std::size_t live_tracks() const;
  std::size_t confirmed_tracks() const;
  const TrackerStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::track
