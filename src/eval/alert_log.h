// Reader for an alert log (../shared/spec/alert-log.md): JSON Lines of alert and
// pre-alert decisions. The reader is tolerant: a line it cannot use is counted and
// listed with its number and reason, and reading goes on, so that one bad line does
// not hide the score of a whole run. Zone ids are checked later, against a catalog.
//
// Thread-safety: plain data and pure functions.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/status.h"

namespace tocsin::eval {

// One alert (or pre-alert): a start line and, if the log has one, its end line.
struct LoggedAlert {
  AlertId id;
  ZoneId zone;
  double start = 0;           // Unix s
  std::optional<double> end;  // nullopt: still open when the log ends
  int start_line = 0;         // 1-based line numbers in the log
  int end_line = 0;           // 0 when there is no end
};

// Something in the log that is readable but inconsistent, and how it was handled.
struct LogProblem {
  int line = 0;  // 1-based
  std::string reason;
};

struct AlertLog {
  std::string source;                 // file name, for messages
  std::vector<LoggedAlert> alerts;    // "start"/"end", in order of their start lines
  std::vector<LoggedAlert> prealerts; // "prestart"/"preend"
  std::size_t skipped_events = 0;     // lines with an event kind this reader does not know
  // Lines that are not a JSON object, or a known event with missing or invalid fields.
  std::vector<LogProblem> unreadable;
  // Readable lines that contradict the log's rules; each says what was done:
  // a second start with an id already used (ignored), an end without a start
  // (ignored), a second end (ignored), an end for another zone (the start's zone is
  // kept), an end before its start (the alert is taken as lasting 0 s).
  std::vector<LogProblem> inconsistent;
};

// Reads a log from a stream; `source_name` names it in messages. Never fails:
// every problem is recorded in the returned log. Blank lines are ignored.
AlertLog ParseAlertLog(std::istream& in, const std::string& source_name);

// Reads a log file; an error only when the file cannot be opened.
Result<AlertLog> ReadAlertLogFile(const std::string& path);

// "SOURCE: line N: REASON"
std::string Describe(const std::string& source, const LogProblem& problem);

}  // namespace tocsin::eval
