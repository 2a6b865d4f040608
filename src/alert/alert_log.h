// Alert decisions (../shared/spec/alert-log.md): the AlertEvent type, the sinks that
// receive them, and the one serialisation to the alert-log JSON line that every
// writer and publisher reuses.
//
// Thread-safety: AlertEvent is a plain value. A sink is called by one thread at a
// time (the engine's owner); implementations here are not internally synchronised.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/category.h"
#include "core/ids.h"
#include "core/status.h"
#include "core/units.h"

namespace tocsin::alert {

enum class AlertEventKind { kStart, kEnd, kPreStart, kPreEnd };
// "start", "end", "prestart", "preend".
std::string_view ToString(AlertEventKind k);
std::optional<AlertEventKind> ParseAlertEventKind(std::string_view s);
inline bool IsPreAlert(AlertEventKind k) { return k == AlertEventKind::kPreStart || k == AlertEventKind::kPreEnd; }
inline bool IsStart(AlertEventKind k) { return k == AlertEventKind::kStart || k == AlertEventKind::kPreStart; }

// Why an alert ends.
enum class EndReason { kThreatPassed, kThreatDestroyed, kTrackLost, kOperator };
// "threat_passed", "threat_destroyed", "track_lost", "operator".
std::string_view ToString(EndReason r);
std::optional<EndReason> ParseEndReason(std::string_view s);

struct AlertEvent {
  AlertEventKind kind = AlertEventKind::kStart;
  AlertId alert;                     // "A-000017" (alerts) or "P-000003" (pre-alerts)
  ZoneId zone;
  UnixTime time;                     // when the decision was made
  // Start events only:
  std::vector<TrackId> threats;      // the system's own track ids, ascending
  ThreatCategory category = ThreatCategory::kUnknown;
  std::optional<double> expected_s;  // seconds until the threat is expected, >= 0
  // End events only:
  EndReason reason = EndReason::kThreatPassed;

  friend bool operator==(const AlertEvent&, const AlertEvent&) = default;
};

// The alert-log line for `e`, without the newline; fields in the order of
// alert-log.md. Start events carry threats/category/expected_s, end events reason.
std::string ToJsonLine(const AlertEvent& e);
// Parses one alert-log line. Returns nullopt (not an error) for a valid JSON object
// whose "event" is of a kind this version does not know; errors say what is wrong.
Result<std::optional<AlertEvent>> ParseAlertLogLine(std::string_view line);

// Receives alert decisions in the order they are made.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void Emit(const AlertEvent& e) = 0;
};

// Keeps every event in memory (tests, replay).
class MemoryAlertSink final : public AlertSink {
 public:
  void Emit(const AlertEvent& e) override { events_.push_back(e); }
  const std::vector<AlertEvent>& events() const { return events_; }
  void Clear() { events_.clear(); }

 private:
  std::vector<AlertEvent> events_;
};

// Writes the alert log as JSON Lines, one line per event, flushed per event so that
// a reader (or a crash) sees every decision made so far.
class JsonlAlertLogWriter final : public AlertSink {
 public:
  // Opens `path` for writing (truncating) or appending.
  static Result<std::unique_ptr<JsonlAlertLogWriter>> Open(const std::string& path, bool append);
  ~JsonlAlertLogWriter() override;
  JsonlAlertLogWriter(const JsonlAlertLogWriter&) = delete;
  JsonlAlertLogWriter& operator=(const JsonlAlertLogWriter&) = delete;

  void Emit(const AlertEvent& e) override;
  // Ok, or the first write error (the writer keeps trying later events).
  const Status& status() const { return status_; }

 private:
  JsonlAlertLogWriter(std::string path, std::FILE* f) : path_(std::move(path)), file_(f) {}
  std::string path_;
  std::FILE* file_;
  Status status_;
};

// What a restarted engine needs from the log it appends to: the next ids to issue
// and the alerts still open when the log ends.
struct AlertLogState {
  std::uint64_t next_alert = 1;     // next "A-" number
  std::uint64_t next_prealert = 1;  // next "P-" number
  std::vector<AlertEvent> open;     // start/prestart events without an end, in log order
};

// The fold that defines AlertLogState: add the events of a log in order, then
// Build(). next ids = one past the highest "A-"/"P-" number seen (by the event's
// kind); open = the alerts whose last event is a start (or prestart), each listed
// once, at the position of its first start, carrying its latest start event. Every
// reader of a decision stream (ReadAlertLogState, the server's in-memory log) uses
// it, so "open" and "next id" mean the same everywhere.
// Thread-safety: a plain value; one thread at a time.
class AlertLogStateBuilder {
 public:
  void Add(const AlertEvent& e);
  // The state after the events added so far (the builder may keep adding).
  AlertLogState Build() const;

 private:
  std::uint64_t next_alert_ = 1, next_prealert_ = 1;
  std::map<std::string, AlertEvent, std::less<>> open_;  // alert id -> its latest start
  std::vector<std::string> order_;                       // ids in order of (re)start
};

// Reads an alert log (a missing file gives the empty state). Bad lines are errors
// naming the file, line and reason.
Result<AlertLogState> ReadAlertLogState(const std::string& path);

}  // namespace tocsin::alert
