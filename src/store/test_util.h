// Test helpers for tocsin_store: a temporary directory and sample rows.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "ingest/report_json.h"
#include "store/records.h"

namespace tocsin::store::testing {

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tocsin-store-XXXXXX").string();
    if (char* p = ::mkdtemp(tmpl.data())) path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline ReportRecord RadarReport(double t, const std::string& sensor = "RAD-01") {
  ReportRecord r;
  r.received_at = UnixTime(t + 0.25);
  r.report.sensor = SensorId(sensor);
  r.report.time = UnixTime(t);
  r.report.kind = ingest::ReportKind::kRadar;
  r.report.range_m = 84210.5;
  r.report.azimuth_deg = 131.27;
  r.report.elevation_deg = 0.41;
  r.format = RawFormat::kJson;
  r.raw = ingest::ReportToJsonLine(r.report);  // the line it was "parsed from"
  r.raw.pop_back();
  return r;
}

inline alert::AlertEvent Start(const std::string& id, const std::string& zone, double t) {
  alert::AlertEvent e;
  e.kind = id[0] == 'P' ? alert::AlertEventKind::kPreStart : alert::AlertEventKind::kStart;
  e.alert = AlertId(id);
  e.zone = ZoneId(zone);
  e.time = UnixTime(t);
  e.threats = {TrackId("trk-4"), TrackId("trk-42")};
  e.category = ThreatCategory::kDrone;
  e.expected_s = 412.5;
  return e;
}

inline alert::AlertEvent End(const std::string& id, const std::string& zone, double t) {
  alert::AlertEvent e;
  e.kind = id[0] == 'P' ? alert::AlertEventKind::kPreEnd : alert::AlertEventKind::kEnd;
  e.alert = AlertId(id);
  e.zone = ZoneId(zone);
  e.time = UnixTime(t);
  e.reason = alert::EndReason::kThreatPassed;
  return e;
}

}  // namespace tocsin::store::testing
