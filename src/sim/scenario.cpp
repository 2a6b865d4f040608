#include "sim/scenario.h"

#include <filesystem>
#include <fstream>

#include "ingest/json_text.h"
#include "ingest/report_json.h"
#include "ingest/sensor_json.h"

namespace tocsin::sim {

ingest::Report SimReport::ToReport(const ingest::SensorList& sensors) const {
  ingest::Report r;
  r.sensor = sensors.sensors[sensor].id;
  r.time = UnixTime(time);
  r.kind = kind;
  switch (kind) {
    case ingest::ReportKind::kRadar:
      r.range_m = v[0];
      r.azimuth_deg = v[1];
      if (has_elevation) r.elevation_deg = v[2];
      if (has_radial_velocity) r.radial_velocity_mps = v[3];
      break;
    case ingest::ReportKind::kBearing:
      r.azimuth_deg = v[1];
      if (has_elevation) r.elevation_deg = v[2];
      break;
    case ingest::ReportKind::kPosition:
      r.position = {v[0], v[1]};
      r.sigma_m = v[2];
      break;
  }
  if (class_hint >= 0) r.class_hint = static_cast<ThreatCategory>(class_hint);
  return r;
}

void WriteTruth(const Scenario& s, std::ostream& out) {
  using ingest::AppendJsonNumber;
  using ingest::AppendJsonString;
  std::string o = "{\"name\": ";
  AppendJsonString(&o, s.name);
  o += ", \"epoch\": ";
  AppendJsonNumber(&o, s.epoch, 3);
  o += ", \"zones\": ";
  AppendJsonString(&o, s.zones);
  o += ",\n \"threats\": [";
  for (std::size_t i = 0; i < s.flights.size(); ++i) {
    const Flight& f = s.flights[i];
    o += i == 0 ? "\n  {\"id\": " : ",\n  {\"id\": ";
    AppendJsonString(&o, f.id);
    o += ", \"kind\": \"";
    o += ToString(f.kind);
    o += "\", \"model\": ";
    AppendJsonString(&o, f.model);
    o += ", \"end\": \"";
    o += f.destroyed ? "destroyed" : "impact";
    o += "\", \"first_seen\": ";
    if (f.first_seen) AppendJsonNumber(&o, *f.first_seen, 3); else o += "null";
    o += ",\n   \"points\": [";
    for (std::size_t k = 0; k < f.points.size(); ++k) {
      const TruthPoint& p = f.points[k];
      o += k == 0 ? "[" : ",[";
      AppendJsonNumber(&o, p.t, 3);
      o += ',';
      AppendJsonNumber(&o, p.lat, 7);
      o += ',';
      AppendJsonNumber(&o, p.lon, 7);
      o += ',';
      AppendJsonNumber(&o, p.alt, 1);
      o += ']';
    }
    o += "]}";
    if (o.size() > (1 << 20)) {
      out << o;
      o.clear();
    }
  }
  o += "\n]}\n";
  out << o;
}

Status WriteScenario(const Scenario& s, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Error(dir + ": cannot create the output folder (" + ec.message() + ")");
  auto open = [&](const char* name, std::ofstream* f) -> Status {
    std::string path = (std::filesystem::path(dir) / name).string();
    f->open(path, std::ios::binary | std::ios::trunc);
    if (!*f) return Status::Error(path + ": cannot write; check the folder's permissions");
    return Status::Ok();
  };
  {
    std::ofstream f;
    if (Status st = open("sensors.json", &f); !st.ok()) return st;
    ingest::WriteSensorList(s.sensors, f);
    if (!f) return Status::Error(dir + "/sensors.json: write failed (disk full?)");
  }
  {
    std::ofstream f;
    if (Status st = open("reports.jsonl", &f); !st.ok()) return st;
    std::string buf;
    buf.reserve(1 << 21);
    for (const SimReport& r : s.reports) {
      ingest::AppendReportJson(r.ToReport(s.sensors), &buf);
      buf.push_back('\n');
      if (buf.size() > (1 << 20)) {
        f << buf;
        buf.clear();
      }
    }
    f << buf;
    if (!f) return Status::Error(dir + "/reports.jsonl: write failed (disk full?)");
  }
  {
    std::ofstream f;
    if (Status st = open("truth.json", &f); !st.ok()) return st;
    WriteTruth(s, f);
    if (!f) return Status::Error(dir + "/truth.json: write failed (disk full?)");
  }
  return Status::Ok();
}

}  // namespace tocsin::sim
