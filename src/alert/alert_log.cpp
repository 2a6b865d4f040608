#include "alert/alert_log.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "alert/alert_ids.h"

namespace tocsin::alert {
namespace {
using ojson = nlohmann::ordered_json;

constexpr std::pair<AlertEventKind, std::string_view> kKinds[] = {
    {AlertEventKind::kStart, "start"},
    {AlertEventKind::kEnd, "end"},
    {AlertEventKind::kPreStart, "prestart"},
    {AlertEventKind::kPreEnd, "preend"},
};
constexpr std::pair<EndReason, std::string_view> kReasons[] = {
    {EndReason::kThreatPassed, "threat_passed"},
    {EndReason::kThreatDestroyed, "threat_destroyed"},
    {EndReason::kTrackLost, "track_lost"},
    {EndReason::kOperator, "operator"},
};
}  // namespace

std::string_view ToString(AlertEventKind k) {
  for (auto [v, s] : kKinds)
    if (v == k) return s;
  return "start";
}
std::optional<AlertEventKind> ParseAlertEventKind(std::string_view s) {
  for (auto [v, n] : kKinds)
    if (n == s) return v;
  return std::nullopt;
}
std::string_view ToString(EndReason r) {
  for (auto [v, s] : kReasons)
    if (v == r) return s;
  return "threat_passed";
}
std::optional<EndReason> ParseEndReason(std::string_view s) {
  for (auto [v, n] : kReasons)
    if (n == s) return v;
  return std::nullopt;
}

std::string ToJsonLine(const AlertEvent& e) {
  ojson j;
  j["event"] = ToString(e.kind);
  j["alert"] = e.alert.str();
  j["zone"] = e.zone.str();
  j["time"] = e.time.seconds();
  if (IsStart(e.kind)) {
    ojson threats = ojson::array();
    for (const auto& t : e.threats) threats.push_back(t.str());
    j["threats"] = std::move(threats);
    j["category"] = ToString(e.category);
    if (e.expected_s && std::isfinite(*e.expected_s)) j["expected_s"] = *e.expected_s;
  } else {
    j["reason"] = ToString(e.reason);
  }
  // Invalid UTF-8 in an id is replaced rather than thrown on.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::optional<AlertEvent>> ParseAlertLogLine(std::string_view line) {
  ojson j = ojson::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Error("not valid JSON");
  if (!j.is_object()) return Status::Error("not a JSON object");
  auto str = [&](const char* key) -> const std::string* {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  const std::string* ev = str("event");
  if (!ev) return Status::Error("missing or non-string \"event\"");
  auto kind = ParseAlertEventKind(*ev);
  if (!kind) return std::optional<AlertEvent>();  // a kind this version does not know
  AlertEvent e;
  e.kind = *kind;
  const std::string* alert = str("alert");
  const std::string* zone = str("zone");
  if (!alert) return Status::Error("missing or non-string \"alert\"");
  if (!zone) return Status::Error("missing or non-string \"zone\"");
  auto t = j.find("time");
  if (t == j.end() || !t->is_number()) return Status::Error("missing or non-numeric \"time\"");
  e.alert = AlertId(*alert);
  e.zone = ZoneId(*zone);
  e.time = UnixTime(t->get<double>());
  if (IsStart(e.kind)) {
    if (auto th = j.find("threats"); th != j.end() && th->is_array())
      for (const auto& x : *th)
        if (x.is_string()) e.threats.emplace_back(x.get<std::string>());
    if (const std::string* c = str("category")) e.category = ParseThreatCategory(*c).value_or(ThreatCategory::kUnknown);
    if (auto x = j.find("expected_s"); x != j.end() && x->is_number()) e.expected_s = x->get<double>();
  } else if (const std::string* r = str("reason")) {
    e.reason = ParseEndReason(*r).value_or(EndReason::kThreatPassed);
  }
  return std::optional<AlertEvent>(std::move(e));
}

Result<std::unique_ptr<JsonlAlertLogWriter>> JsonlAlertLogWriter::Open(const std::string& path, bool append) {
  std::FILE* f = std::fopen(path.c_str(), append ? "ab" : "wb");
  if (!f)
    return Status::Error(path + ": cannot open the alert log for writing: " + std::strerror(errno) +
                         " (check that the directory exists and is writable)");
  return std::unique_ptr<JsonlAlertLogWriter>(new JsonlAlertLogWriter(path, f));
}

JsonlAlertLogWriter::~JsonlAlertLogWriter() {
  if (file_) std::fclose(file_);
}

void JsonlAlertLogWriter::Emit(const AlertEvent& e) {
  std::string line = ToJsonLine(e);
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    if (status_.ok())
      status_ = Status::Error(path_ + ": writing the alert log failed: " + std::strerror(errno) +
                              " (check free disk space)");
  }
}

void AlertLogStateBuilder::Add(const AlertEvent& e) {
  const bool pre = IsPreAlert(e.kind);
  if (auto n = AlertIdAllocator::Number(pre ? 'P' : 'A', e.alert.str())) {
    auto& next = pre ? next_prealert_ : next_alert_;
    next = std::max(next, *n + 1);
  }
  if (IsStart(e.kind)) {
    if (!open_.count(e.alert.str())) order_.push_back(e.alert.str());
    open_[e.alert.str()] = e;
  } else {
    open_.erase(e.alert.str());
  }
}

AlertLogState AlertLogStateBuilder::Build() const {
  AlertLogState state;
  state.next_alert = next_alert_;
  state.next_prealert = next_prealert_;
  std::set<std::string_view> listed;  // an id restarted after its end is listed once
  for (const auto& id : order_)
    if (auto it = open_.find(id); it != open_.end() && listed.insert(id).second) state.open.push_back(it->second);
  return state;
}

Result<AlertLogState> ReadAlertLogState(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return AlertLogState{};  // no log yet: start from the beginning
  AlertLogStateBuilder builder;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto parsed = ParseAlertLogLine(line);
    if (!parsed.ok())
      return Status::Error(path + ": line " + std::to_string(line_no) + ": " + parsed.status().message() +
                           " (repair or move the log before restarting)");
    if (parsed->has_value()) builder.Add(**parsed);
  }
  return builder.Build();
}

}  // namespace tocsin::alert
