#include "history/history.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>

#include "history/csv.h"

namespace tocsin::history {
namespace {

// Oblast names as the Ukrainian alert feed spells them -> ISO 3166-2 codes.
const std::map<std::string, std::string>& UaOblastCodes() {
  static const std::map<std::string, std::string> kCodes = {
      {"Vinnytska oblast", "UA-05"},     {"Volynska oblast", "UA-07"},
      {"Luhanska oblast", "UA-09"},      {"Dnipropetrovska oblast", "UA-12"},
      {"Donetska oblast", "UA-14"},      {"Zhytomyrska oblast", "UA-18"},
      {"Zakarpatska oblast", "UA-21"},   {"Zaporizka oblast", "UA-23"},
      {"Ivano-Frankivska oblast", "UA-26"}, {"Kyiv City", "UA-30"},
      {"Kyivska oblast", "UA-32"},       {"Kirovohradska oblast", "UA-35"},
      {"Avtonomna Respublika Krym", "UA-43"}, {"Lvivska oblast", "UA-46"},
      {"Mykolaivska oblast", "UA-48"},   {"Odeska oblast", "UA-51"},
      {"Poltavska oblast", "UA-53"},     {"Rivnenska oblast", "UA-56"},
      {"Sumska oblast", "UA-59"},        {"Ternopilska oblast", "UA-61"},
      {"Kharkivska oblast", "UA-63"},    {"Khersonska oblast", "UA-65"},
      {"Khmelnytska oblast", "UA-68"},   {"Cherkaska oblast", "UA-71"},
      {"Chernihivska oblast", "UA-74"},  {"Chernivetska oblast", "UA-77"},
  };
  return kCodes;
}

// Parses "YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|+00:00]" as UTC.
std::optional<UnixTime> ParseTimestamp(const std::string& s) {
  int y, mo, d, h, mi;
  double sec;
  char sep;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%lf", &y, &mo, &d, &sep, &h, &mi, &sec) != 7)
    return std::nullopt;
  if ((sep != 'T' && sep != ' ') || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      !(sec >= 0 && sec < 61))
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return UnixTime(static_cast<double>(timegm(&tm)) + sec);
}

std::tm UtcTm(UnixTime t) {
  std::time_t tt = static_cast<std::time_t>(std::floor(t.seconds()));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

std::string PeriodKey(UnixTime t, Period p) {
  std::tm tm = UtcTm(t);
  char buf[32];
  if (p == Period::kYear)
    std::snprintf(buf, sizeof buf, "%04d", tm.tm_year + 1900);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  return buf;
}

// Start of the period after the one containing t.
UnixTime NextPeriodStart(UnixTime t, Period p) {
  std::tm tm = UtcTm(t);
  std::tm next{};
  next.tm_year = tm.tm_year + (p == Period::kYear ? 1 : (tm.tm_mon == 11 ? 1 : 0));
  next.tm_mon = p == Period::kYear ? 0 : (tm.tm_mon + 1) % 12;
  next.tm_mday = 1;
  return UnixTime(static_cast<double>(timegm(&next)));
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

Result<std::ifstream> OpenCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::Error("cannot open history file " + path +
                         ": check the path, or pass --file with a history CSV");
  return in;
}

}  // namespace

Result<HistoryData> ReadUaOblastHistory(const std::string& path,
                                        const std::map<std::string, RegionInfo>& regions) {
  auto in = OpenCsv(path);
  if (!in.ok()) return in.status();
  CsvReader csv(*in);
  std::vector<std::string> f;
  if (!csv.Next(&f) || f.size() < 3 || f[0] != "region" || f[1] != "started_at" ||
      f[2] != "finished_at")
    return Status::Error(path + ":1: expected a header 'region,started_at,finished_at,...'; "
                         "is this ua-oblast-alerts-2022-2026.csv?");
  HistoryData data;
  data.regions = regions;
  auto reject = [&](const std::string& why) {
    data.rejected.push_back(path + ":" + std::to_string(csv.line()) + ": " + why);
  };
  while (csv.Next(&f)) {
    ++data.rows;
    if (!csv.error().empty()) { reject(csv.error()); continue; }
    if (f.size() < 3) { reject("expected at least 3 fields, got " + std::to_string(f.size())); continue; }
    auto code = UaOblastCodes().find(f[0]);
    if (code == UaOblastCodes().end()) { reject("unknown oblast '" + f[0] + "'"); continue; }
    auto start = ParseTimestamp(f[1]);
    auto end = ParseTimestamp(f[2]);
    if (!start || !end) { reject("bad timestamp in '" + f[1] + "' or '" + f[2] + "'"); continue; }
    if (*end < *start) { reject("alert ends before it starts"); continue; }
    data.intervals.push_back({code->second, *start, *end});
  }
  return data;
}

Result<HistoryData> ReadIsraelHistory(const std::string& path,
                                      const std::map<std::string, std::string>& area_region,
                                      const std::map<std::string, RegionInfo>& regions) {
  auto in = OpenCsv(path);
  if (!in.ok()) return in.status();
  CsvReader csv(*in);
  std::vector<std::string> f;
  if (!csv.Next(&f) || f.size() < 5 || f[0] != "data" || f[3] != "alertDate" || f[4] != "category")
    return Status::Error(path + ":1: expected a header 'data,date,time,alertDate,category,...'; "
                         "is this il-alerts-2014-2024.csv?");
  HistoryData data;
  data.regions = regions;
  data.regions["unmatched"] = RegionInfo{"areas not in the catalog", 0};
  auto reject = [&](const std::string& why) {
    data.rejected.push_back(path + ":" + std::to_string(csv.line()) + ": " + why);
  };
  while (csv.Next(&f)) {
    ++data.rows;
    if (!csv.error().empty()) { reject(csv.error()); continue; }
    if (f.size() < 5) { reject("expected at least 5 fields, got " + std::to_string(f.size())); continue; }
    // Categories 1 (rockets and missiles) and 2 (hostile aircraft) send people to shelter;
    // drills (15, 21, 26...), infiltration (10) and notices (4) do not.
    if (f[4] != "1" && f[4] != "2") continue;
    auto t = ParseTimestamp(f[3]);
    if (!t) { reject("bad alertDate '" + f[3] + "'"); continue; }
    size_t pos = 0;
    while (pos <= f[0].size()) {
      size_t comma = f[0].find(',', pos);
      if (comma == std::string::npos) comma = f[0].size();
      std::string area = Trim(f[0].substr(pos, comma - pos));
      pos = comma + 1;
      if (area.empty()) continue;
      auto it = area_region.find(area);
      data.intervals.push_back(
          {it == area_region.end() ? "unmatched" : it->second, *t, *t + kIsraelShelterStay});
    }
  }
  return data;
}

Summary Summarise(const HistoryData& data, Period period, int longest_n) {
  std::map<std::string, std::vector<AlertInterval>> by_region;
  for (const auto& iv : data.intervals) by_region[iv.region].push_back(iv);
  Summary s;
  bool any = false;
  std::vector<AlertInterval> merged_all;
  for (auto& [id, ivs] : by_region) {
    std::sort(ivs.begin(), ivs.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    RegionSummary r;
    r.id = id;
    if (auto it = data.regions.find(id); it != data.regions.end()) r.info = it->second;
    // Merge overlapping intervals, counting each merged alert once.
    std::vector<AlertInterval> merged;
    for (const auto& iv : ivs) {
      if (!merged.empty() && iv.start <= merged.back().end)
        merged.back().end = std::max(merged.back().end, iv.end);
      else
        merged.push_back(iv);
    }
    for (const auto& m : merged) {
      r.periods[PeriodKey(m.start, period)].alerts += 1;
      r.total_alerts += 1;
      for (UnixTime a = m.start; a < m.end;) {
        UnixTime b = std::min(m.end, NextPeriodStart(a, period));
        double h = (b - a).value() / 3600.0;
        r.periods[PeriodKey(a, period)].hours += h;
        r.total_hours += h;
        a = b;
      }
      if (!any || m.start < s.first) s.first = m.start;
      if (!any || m.end > s.last) s.last = m.end;
      any = true;
    }
    r.people_hours = r.total_hours * r.info.population;
    merged_all.insert(merged_all.end(), merged.begin(), merged.end());
    s.regions.push_back(std::move(r));
  }
  std::sort(merged_all.begin(), merged_all.end(), [](const auto& a, const auto& b) {
    return (a.end - a.start) > (b.end - b.start);
  });
  if (static_cast<int>(merged_all.size()) > longest_n) merged_all.resize(std::max(0, longest_n));
  s.longest = std::move(merged_all);
  return s;
}

}  // namespace tocsin::history
