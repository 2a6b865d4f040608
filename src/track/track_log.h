// The track log: every track update and track end the tracker emits, one JSON object
// per line, so planners can see what the tracker believed and `tocsin score --tracks`
// can measure track accuracy against a scenario's truth. Format: docs/track-log.md.
//
// TrackLogWriter is a TrackSink that writes each message and then forwards it to the
// next sink (a tee in front of the predict stage).
//
// Thread-safety: a writer is used by one thread; the parser is a pure function.
#pragma once

#include <ostream>
#include <string_view>
#include <variant>

#include "core/status.h"
#include "track/track_state.h"
#include "track/tracker.h"

namespace tocsin::track {

class TrackLogWriter final : public TrackSink {
 public:
  // REQUIRES: `out` and `next` outlive the writer. Lines are written unflushed.
  TrackLogWriter(std::ostream& out, TrackSink& next) : out_(out), next_(next) {}

  void OnTrackUpdate(const TrackUpdate& update) override;
  void OnTrackEnd(const TrackEnd& end) override;

 private:
  std::ostream& out_;
  TrackSink& next_;
};

// One line of a track log.
using TrackLogRecord = std::variant<TrackUpdate, TrackEnd>;

// Parses one line. Errors name the field that is missing or wrong.
Result<TrackLogRecord> ParseTrackLogLine(std::string_view line);

}  // namespace tocsin::track
