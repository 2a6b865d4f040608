// `tocsin history`: what people live with today. Summarises the real alert
// histories (../shared/data/history, shipped in data/history/) into hours and
// people-hours under alert per region, per year or month, and the longest alerts,
// so planners can set Tocsin's scored burden beside today's.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/units.h"

namespace tocsin::history {

// One region under alert over [start, end).
struct AlertInterval {
  std::string region;  // region id (UA: ISO 3166-2 "UA-05"; IL: HFC region id)
  UnixTime start;
  UnixTime end;
};

// Which history file and how to read it.
enum class Source {
  kUaOblast,  // ua-oblast-alerts-2022-2026.csv: oblast intervals (UTC)
  kIsrael,    // il-alerts-2014-2024.csv: per-area alert events; each keeps people in
              // shelter for kIsraelShelterStay (the HFC instruction "stay 10 minutes")
};
inline constexpr Seconds kIsraelShelterStay{600.0};

struct RegionInfo {
  std::string name;
  double population = 0;  // 0 when unknown
};

// Alert intervals read from a file, with the rows that could not be used.
struct HistoryData {
  std::vector<AlertInterval> intervals;
  std::map<std::string, RegionInfo> regions;  // id -> name, population
  int rows = 0;
  std::vector<std::string> rejected;  // "FILE:LINE: reason"
};

// Reads a Ukrainian oblast-level history CSV. `regions` gives each oblast's name
// and population (from the zone catalog); unknown oblast names are rejected rows.
Result<HistoryData> ReadUaOblastHistory(const std::string& path,
                                        const std::map<std::string, RegionInfo>& regions);

// Reads the Israeli HFC history CSV. `area_region` maps an area's Hebrew name to its
// HFC region id; areas not in it are counted under region "unmatched".
Result<HistoryData> ReadIsraelHistory(const std::string& path,
                                      const std::map<std::string, std::string>& area_region,
                                      const std::map<std::string, RegionInfo>& regions);

// Per region and period ("2023" or "2023-05"): hours under alert (overlaps merged,
// intervals split at period boundaries, UTC) and number of alerts starting in it.
struct PeriodStats {
  double hours = 0;
  int alerts = 0;
};
struct RegionSummary {
  std::string id;
  RegionInfo info;
  std::map<std::string, PeriodStats> periods;
  double total_hours = 0;
  int total_alerts = 0;
  double people_hours = 0;  // total_hours x population (0 when unknown)
};
struct Summary {
  std::vector<RegionSummary> regions;  // ordered by id
  std::vector<AlertInterval> longest;  // longest merged alerts, longest first
  UnixTime first, last;
};
enum class Period { kYear, kMonth };
Summary Summarise(const HistoryData& data, Period period, int longest_n);

struct HistoryConfig {
  std::string source = "ua";   // "ua" (oblast intervals) or "il" (HFC areas)
  std::string file;            // default: the shipped file for the source
  std::string zones;           // catalog for names/populations; default per source
  std::string period = "year"; // "year" or "month"
  std::string region;          // only this region id (empty: all)
  int longest = 10;
  bool json = false;
};
// Entry point of `tocsin history`; returns the process exit code.
int RunHistory(const HistoryConfig& config, std::ostream& out, std::ostream& err);

}  // namespace tocsin::history
