// The rows of the event log (docs/store.md): what the pipeline appends and what the
// queries return. Every table is append-only and keyed by `seq`, a number the store
// assigns (1, 2, 3, ... per table, never reused, never moving backwards).
//
// Units: times are Unix seconds (UTC). Thread-safety: plain values.
#pragma once

#include "core/mode.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "alert/alert_log.h"
#include "core/units.h"
#include "ingest/report.h"

namespace tocsin::store {

// How a report arrived (the format of `ReportRecord::raw`).
enum class RawFormat { kJson, kAsterix, kSapient, kOther };
// "json", "asterix", "sapient", "other".
std::string_view ToString(RawFormat f);
std::optional<RawFormat> ParseRawFormat(std::string_view s);

// Live and exercise decisions are kept apart (docs/store.md).
using tocsin::Mode;
using tocsin::ParseMode;
using tocsin::ToString;

// One accepted sensor report.
struct ReportRecord {
  UnixTime received_at;      // when the server accepted it (its clock)
  // Decoded. Stored as its spec JSON line (ingest::AppendReportJson), except that a
  // kJson report with `raw` is stored once, as `raw`, and read back by parsing
  // `raw` (so REQUIRES: then `raw` is the line `report` was parsed from).
  ingest::Report report;
  RawFormat format = RawFormat::kJson;
  // The bytes as received (a JSON line, an ASTERIX record, a SAPIENT frame), kept
  // exactly, any bytes allowed; empty = not kept.
  std::string raw;
};

// A report read back from the store.
struct StoredReport {
  std::int64_t seq = 0;
  ReportRecord record;
};

// One alert decision as the pipeline made and published it.
struct AlertEventRecord {
  alert::AlertEvent event;  // stored as alert::ToJsonLine(event), exactly
  Mode mode = Mode::kLive;
  bool manual = false;      // issued or cancelled by an operator
};

// An alert decision read back from the store.
struct StoredAlertEvent {
  std::int64_t seq = 0;
  // Parsed back with alert::ParseAlertLogLine; a default event (empty `alert`) when
  // the line's kind is one this version does not know (the line is still given).
  alert::AlertEvent event;
  std::string line;         // the alert-log JSON line as stored (ToJsonLine's output)
  Mode mode = Mode::kLive;
  bool manual = false;
};

// One operator action (allowed or refused).
struct AuditRecord {
  UnixTime time;
  std::string operator_name;  // who (token's operator name)
  std::string role;           // "operator", "supervisor", "viewer"
  std::string action;         // e.g. "issue", "confirm", "cancel"
  std::string detail_json;    // a JSON value with the request's details ("{}" when none)
  std::string result;         // e.g. "issued", "pending", "refused: <why>"
};

struct StoredAudit {
  std::int64_t seq = 0;
  AuditRecord record;
};

// A named JSON blob the pipeline wants back after a restart (e.g. the alert id
// allocator state). The latest per key wins.
struct Checkpoint {
  UnixTime time;
  std::string key;
  std::string json;
};

// How far one publishing channel ("sse", "mqtt", "cap", ...) is known to have
// published: every alert event with seq <= event_seq.
struct PublishedMark {
  std::string channel;
  std::int64_t event_seq = 0;
  UnixTime time;
};

// The seqs given to rows appended by one call: first..last inclusive; empty when
// nothing was appended (first = last + 1).
struct SeqRange {
  std::int64_t first = 1;
  std::int64_t last = 0;
  std::int64_t size() const { return last - first + 1; }
  bool empty() const { return size() <= 0; }
};

}  // namespace tocsin::store
