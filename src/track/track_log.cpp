#include "track/track_log.h"

#include <cmath>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace tocsin::track {

namespace {

// JSON string body of an id (ids are printable ASCII; quotes and backslashes escaped).
std::string Escaped(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

double Finite(double v) { return std::isfinite(v) ? v : 0.0; }

}  // namespace

void TrackLogWriter::OnTrackUpdate(const TrackUpdate& u) {
  char buf[640];
  const int n = std::snprintf(
      buf, sizeof buf,
      "{\"event\":\"update\",\"track\":\"%s\",\"time\":%.3f,\"status\":\"%s\",\"lat\":%.7f,\"lon\":%.7f,"
      "\"alt_m\":%.1f,\"alt_known\":%s,\"vel_east\":%.2f,\"vel_north\":%.2f,\"vel_up\":%.2f,\"sigma_m\":%.1f,"
      "\"vel_sigma_mps\":%.2f,\"alt_sigma_m\":%.1f,\"category\":\"%s\",\"category_confidence\":%.3f,"
      "\"confidence\":%.3f,\"updates\":%d}\n",
      Escaped(u.id.str()).c_str(), u.time.seconds(), u.status == TrackStatus::kConfirmed ? "confirmed" : "tentative",
      Finite(u.position.lat), Finite(u.position.lon), Finite(u.alt_m), u.alt_known ? "true" : "false",
      Finite(u.vel_east), Finite(u.vel_north), Finite(u.vel_up), Finite(u.pos_sigma.value()),
      Finite(u.vel_sigma.value()), Finite(u.alt_sigma_m), std::string(ToString(u.category)).c_str(),
      Finite(u.category_confidence), Finite(u.confidence), u.updates);
  if (n > 0) out_.write(buf, std::min<int>(n, sizeof buf - 1));
  next_.OnTrackUpdate(u);
}

void TrackLogWriter::OnTrackEnd(const TrackEnd& e) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf, "{\"event\":\"end\",\"track\":\"%s\",\"time\":%.3f,\"reason\":\"%s\"}\n",
                              Escaped(e.id.str()).c_str(), e.time.seconds(),
                              e.reason == TrackEndReason::kImpact ? "impact" : "lost");
  if (n > 0) out_.write(buf, std::min<int>(n, sizeof buf - 1));
  next_.OnTrackEnd(e);
}

Result<TrackLogRecord> ParseTrackLogLine(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Error("not a JSON object (a track log has one object per line)");
  auto str = [&](const char* k) -> const std::string* {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  auto num = [&](const char* k, double* v) {
    auto it = j.find(k);
    if (it == j.end() || !it->is_number()) return false;
    *v = it->get<double>();
    return std::isfinite(*v);
  };
  const std::string* event = str("event");
  const std::string* id = str("track");
  double time = 0;
  if (!event) return Status::Error("missing \"event\" (\"update\" or \"end\")");
  if (!id || id->empty()) return Status::Error("missing \"track\" id");
  if (!num("time", &time)) return Status::Error("missing or non-numeric \"time\"");
  if (*event == "end") {
    const std::string* reason = str("reason");
    if (!reason || (*reason != "lost" && *reason != "impact"))
      return Status::Error("\"reason\" must be \"lost\" or \"impact\"");
    return TrackLogRecord(TrackEnd{TrackId(*id), UnixTime(time),
                                   *reason == "impact" ? TrackEndReason::kImpact : TrackEndReason::kLost});
  }
  if (*event != "update") return Status::Error("unknown \"event\" \"" + *event + "\" (expected update or end)");
  TrackUpdate u;
  u.id = TrackId(*id);
  u.time = UnixTime(time);
  const std::string* status = str("status");
  u.status = status && *status == "confirmed" ? TrackStatus::kConfirmed : TrackStatus::kTentative;
  double sigma = 0, vel_sigma = 0;
  if (!num("lat", &u.position.lat) || !num("lon", &u.position.lon) || std::abs(u.position.lat) > 90 ||
      std::abs(u.position.lon) > 180)
    return Status::Error("missing or out-of-range \"lat\"/\"lon\"");
  num("alt_m", &u.alt_m);
  if (auto it = j.find("alt_known"); it != j.end() && it->is_boolean()) u.alt_known = it->get<bool>();
  num("vel_east", &u.vel_east);
  num("vel_north", &u.vel_north);
  num("vel_up", &u.vel_up);
  num("sigma_m", &sigma);
  num("vel_sigma_mps", &vel_sigma);
  num("alt_sigma_m", &u.alt_sigma_m);
  num("category_confidence", &u.category_confidence);
  num("confidence", &u.confidence);
  u.pos_sigma = Metres(sigma);
  u.vel_sigma = MetresPerSecond(vel_sigma);
  if (const std::string* c = str("category")) {
    auto cat = ParseThreatCategory(*c);
    if (!cat) return Status::Error("unknown \"category\" \"" + *c + "\"");
    u.category = *cat;
  }
  double updates = 0;
  if (num("updates", &updates)) u.updates = static_cast<int>(updates);
  return TrackLogRecord(u);
}

}  // namespace tocsin::track
