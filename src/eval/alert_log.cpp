#include "eval/alert_log.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "eval/text_file.h"

namespace tocsin::eval {
namespace {

using nlohmann::json;

bool IsBlank(const std::string& line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

// The alerts of one kind (alerts or pre-alerts) being assembled from their lines.
class Assembler {
 public:
  Assembler(std::vector<LoggedAlert>* out, std::vector<LogProblem>* inconsistent,
            const char* start_word, const char* end_word)
      : out_(out), inconsistent_(inconsistent), start_word_(start_word), end_word_(end_word) {}

  void Start(int line, const std::string& id, const std::string& zone, double time) {
    auto [it, inserted] = index_.try_emplace(id, out_->size());
    if (!inserted) {
      Problem(line, std::string(start_word_) + " for \"" + id + "\", an id already started on line " +
                        std::to_string((*out_)[it->second].start_line) +
                        "; ids must be unique within a log; this line is ignored");
      return;
    }
    LoggedAlert a;
    a.id = AlertId(id);
    a.zone = ZoneId(zone);
    a.start = time;
    a.start_line = line;
    out_->push_back(std::move(a));
  }

  void End(int line, const std::string& id, const std::string& zone, double time) {
    auto it = index_.find(id);
    if (it == index_.end()) {
      Problem(line, std::string(end_word_) + " for \"" + id + "\" with no " + start_word_ +
                        " before it; ignored");
      return;
    }
    LoggedAlert& a = (*out_)[it->second];
    if (a.end) {
      Problem(line, std::string("second ") + end_word_ + " for \"" + id + "\" (first on line " +
                        std::to_string(a.end_line) + "); ignored");
      return;
    }
    if (!zone.empty() && zone != a.zone.str()) {
      Problem(line, std::string(end_word_) + " for \"" + id + "\" names zone " + zone +
                        " but it started on zone " + a.zone.str() + "; the start's zone is kept");
    }
    if (time < a.start) {
      Problem(line, std::string(end_word_) + " for \"" + id + "\" at " + FormatNumber(time) +
                        " is before its start at " + FormatNumber(a.start) + "; taken as lasting 0 s");
      time = a.start;
    }
    a.end = time;
    a.end_line = line;
  }

 private:
  void Problem(int line, std::string reason) { inconsistent_->push_back({line, std::move(reason)}); }

  std::vector<LoggedAlert>* out_;
  std::vector<LogProblem>* inconsistent_;
  const char* start_word_;
  const char* end_word_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace

std::string Describe(const std::string& source, const LogProblem& problem) {
  return source + ": line " + std::to_string(problem.line) + ": " + problem.reason;
}

AlertLog ParseAlertLog(std::istream& in, const std::string& source_name) {
  AlertLog log;
  log.source = source_name;
  Assembler alerts(&log.alerts, &log.inconsistent, "start", "end");
  Assembler prealerts(&log.prealerts, &log.inconsistent, "prestart", "preend");
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (IsBlank(line)) continue;
    auto unreadable = [&](std::string reason) { log.unreadable.push_back({number, std::move(reason)}); };
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      unreadable("not valid JSON; each line must be one JSON object");
      continue;
    }
    if (!j.is_object()) {
      unreadable("not a JSON object");
      continue;
    }
    auto event = j.find("event");
    if (event == j.end() || !event->is_string()) {
      unreadable("no \"event\" string");
      continue;
    }
    const std::string& kind = event->get_ref<const std::string&>();
    const bool is_start = kind == "start" || kind == "prestart";
    const bool is_end = kind == "end" || kind == "preend";
    if (!is_start && !is_end) {
      ++log.skipped_events;
      continue;
    }
    auto alert = j.find("alert");
    if (alert == j.end() || !alert->is_string() || alert->get_ref<const std::string&>().empty()) {
      unreadable("\"" + kind + "\" without an \"alert\" id string");
      continue;
    }
    auto zone = j.find("zone");
    const bool has_zone = zone != j.end() && zone->is_string() &&
                          !zone->get_ref<const std::string&>().empty();
    if (is_start && !has_zone) {
      unreadable("\"" + kind + "\" without a \"zone\" id string");
      continue;
    }
    if (is_end && zone != j.end() && !zone->is_null() && !zone->is_string()) {
      unreadable("\"" + kind + "\" with a \"zone\" that is not a string");
      continue;
    }
    auto time = j.find("time");
    if (time == j.end() || !time->is_number() || !std::isfinite(time->get<double>())) {
      unreadable("\"" + kind + "\" without a finite number \"time\"");
      continue;
    }
    const std::string zone_id = has_zone ? zone->get<std::string>() : std::string();
    Assembler& target = (kind == "start" || kind == "end") ? alerts : prealerts;
    if (is_start) {
      target.Start(number, alert->get<std::string>(), zone_id, time->get<double>());
    } else {
      target.End(number, alert->get<std::string>(), zone_id, time->get<double>());
    }
  }
  return log;
}

Result<AlertLog> ReadAlertLogFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::Error(path + ": cannot open (" + std::strerror(errno) +
                         "); check the path and permissions");
  }
  return ParseAlertLog(in, path);
}

}  // namespace tocsin::eval
