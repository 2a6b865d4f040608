// RunHistory: resolves the files, reads, summarises and prints.
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <set>
#include <iostream>
#include <nlohmann/json.hpp>

#include "history/history.h"
#include "zones/catalog.h"

namespace tocsin::history {
namespace {

// Finds a shipped history file: $TOCSIN_DATA_DIR/history, the configured data dir,
// then ../shared/data/history beside the project.
Result<std::string> ResolveHistoryFile(const std::string& file) {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("TOCSIN_DATA_DIR")) dirs.emplace_back(env);
  dirs.emplace_back(TOCSIN_DATA_DIR);
  dirs.emplace_back(std::filesystem::path(TOCSIN_DATA_DIR) / ".." / ".." / "shared" / "data");
  std::string searched;
  for (const auto& d : dirs) {
    auto p = d / "history" / file;
    if (std::filesystem::exists(p)) return p.string();
    searched += " " + p.string();
  }
  return Status::Error("history file " + file + " not found (searched:" + searched +
                       "); pass --file PATH");
}

std::string FormatTime(UnixTime t) {
  std::time_t tt = static_cast<std::time_t>(t.seconds());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

void PrintTable(const Summary& s, bool people, std::ostream& out) {
  std::set<std::string> keys;
  for (const auto& r : s.regions)
    for (const auto& [k, _] : r.periods) keys.insert(k);
  out << "Hours under alert per region (" << FormatTime(s.first) << " to " << FormatTime(s.last)
      << " UTC; overlapping alerts merged)\n"
      << "A region counts as under alert while any alert in it is active, as the consolidated feed\n"
      << "records it: this is the burden of region-wide alerting.\n";
  out << std::left << std::setw(8) << "region" << std::setw(28) << "name" << std::right;
  for (const auto& k : keys) out << std::setw(9) << k;
  out << std::setw(10) << "total h" << std::setw(8) << "alerts";
  if (people) out << std::setw(16) << "M people-h";
  out << "\n" << std::fixed << std::setprecision(0);
  double total_ph = 0;
  for (const auto& r : s.regions) {
    out << std::left << std::setw(8) << r.id << std::setw(28) << r.info.name.substr(0, 27)
        << std::right;
    for (const auto& k : keys) {
      auto it = r.periods.find(k);
      out << std::setw(9) << (it == r.periods.end() ? 0.0 : it->second.hours);
    }
    out << std::setw(10) << r.total_hours << std::setw(8) << r.total_alerts;
    if (people) {
      out << std::setw(16) << std::setprecision(1) << r.people_hours / 1e6 << std::setprecision(0);
      total_ph += r.people_hours;
    }
    out << "\n";
  }
  if (people)
    out << "All regions: " << std::setprecision(1) << total_ph / 1e6
        << " million people-hours under alert\n";
  out << "\nLongest alerts:\n";
  for (const auto& iv : s.longest)
    out << "  " << std::left << std::setw(8) << iv.region << FormatTime(iv.start) << " to "
        << FormatTime(iv.end) << std::right << std::setprecision(1) << "  "
        << (iv.end - iv.start).value() / 3600.0 << " h\n";
}

nlohmann::json ToJson(const Summary& s) {
  nlohmann::json j;
  j["first"] = s.first.seconds();
  j["last"] = s.last.seconds();
  for (const auto& r : s.regions) {
    nlohmann::json jr{{"id", r.id},           {"name", r.info.name},
                      {"population", r.info.population}, {"hours", r.total_hours},
                      {"alerts", r.total_alerts}, {"people_hours", r.people_hours}};
    for (const auto& [k, p] : r.periods) jr["periods"][k] = {{"hours", p.hours}, {"alerts", p.alerts}};
    j["regions"].push_back(jr);
  }
  j["longest"] = nlohmann::json::array();
  for (const auto& iv : s.longest)
    j["longest"].push_back({{"region", iv.region},
                            {"start", iv.start.seconds()},
                            {"end", iv.end.seconds()},
                            {"hours", (iv.end - iv.start).value() / 3600.0}});
  return j;
}

}  // namespace

int RunHistory(const HistoryConfig& config, std::ostream& out, std::ostream& err) {
  const bool israel = config.source == "il";
  if (!israel && config.source != "ua") {
    err << "error: unknown --source '" << config.source << "': use 'ua' or 'il'\n";
    return 2;
  }
  if (config.period != "year" && config.period != "month") {
    err << "error: unknown --by '" << config.period << "': use 'year' or 'month'\n";
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  auto catalog_path = zones::ResolveCatalogPath(
      config.zones.empty() ? (israel ? "il-areas" : "ua-hromadas") : config.zones);
  if (!catalog_path.ok()) { err << "error: " << catalog_path.status().message() << "\n"; return 1; }
  auto catalog = zones::Catalog::LoadFile(*catalog_path);
  if (!catalog.ok()) { err << "error: " << catalog.status().message() << "\n"; return 1; }

  std::map<std::string, RegionInfo> regions;
  std::map<std::string, std::string> area_region;
  for (const auto& z : catalog->zones()) {
    std::string region = z.parent.empty() ? z.id.str() : z.parent.str();
    auto& info = regions[region];
    if (israel) info.name = region;
    info.population += z.population.value_or(0);
    area_region[z.name] = region;
  }
  if (!israel) {
    // Names as the feed spells them, for readability.
    static const std::map<std::string, std::string> kNames = {
        {"UA-05", "Vinnytsia"}, {"UA-07", "Volyn"}, {"UA-09", "Luhansk"},
        {"UA-12", "Dnipropetrovsk"}, {"UA-14", "Donetsk"}, {"UA-18", "Zhytomyr"},
        {"UA-21", "Zakarpattia"}, {"UA-23", "Zaporizhzhia"}, {"UA-26", "Ivano-Frankivsk"},
        {"UA-30", "Kyiv City"}, {"UA-32", "Kyiv"}, {"UA-35", "Kirovohrad"},
        {"UA-43", "Crimea"}, {"UA-46", "Lviv"}, {"UA-48", "Mykolaiv"}, {"UA-51", "Odesa"},
        {"UA-53", "Poltava"}, {"UA-56", "Rivne"}, {"UA-59", "Sumy"}, {"UA-61", "Ternopil"},
        {"UA-63", "Kharkiv"}, {"UA-65", "Kherson"}, {"UA-68", "Khmelnytskyi"},
        {"UA-71", "Cherkasy"}, {"UA-74", "Chernihiv"}, {"UA-77", "Chernivtsi"}};
    for (auto& [id, info] : regions)
      if (auto it = kNames.find(id); it != kNames.end()) info.name = it->second;
  }

  std::string file = config.file;
  if (file.empty()) {
    auto resolved = ResolveHistoryFile(israel ? "il-alerts-2014-2024.csv"
                                              : "ua-oblast-alerts-2022-2026.csv");
    if (!resolved.ok()) { err << "error: " << resolved.status().message() << "\n"; return 1; }
    file = *resolved;
  }
  auto data = israel ? ReadIsraelHistory(file, area_region, regions)
                     : ReadUaOblastHistory(file, regions);
  if (!data.ok()) { err << "error: " << data.status().message() << "\n"; return 1; }
  if (!config.region.empty()) {
    std::erase_if(data->intervals, [&](const auto& iv) { return iv.region != config.region; });
    if (data->intervals.empty()) {
      err << "error: no alerts for region '" << config.region
          << "' in " << file << "; region ids are like UA-51 (ua) or Sharon (il)\n";
      return 1;
    }
  }
  for (size_t i = 0; i < data->rejected.size() && i < 10; ++i) err << "warning: " << data->rejected[i] << "\n";
  if (data->rejected.size() > 10) err << "warning: ... " << data->rejected.size() - 10 << " more rejected rows\n";

  Summary s = Summarise(*data, config.period == "year" ? Period::kYear : Period::kMonth, config.longest);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (config.json) {
    auto j = ToJson(s);
    j["file"] = file;
    j["rows"] = data->rows;
    j["rejected_rows"] = data->rejected.size();
    j["unit"] = israel ? "hours (10 min in shelter per area alert)" : "people-hours";
    out << j.dump(1) << "\n";
  } else {
    out << "Source: " << file << " (" << data->rows << " rows, " << data->rejected.size()
        << " rejected; read in " << std::setprecision(2) << std::fixed << secs << " s)\n";
    if (israel)
      out << "Each area alert counts as " << kIsraelShelterStay.value() / 60
          << " minutes in shelter (the HFC instruction); il-areas has no population, so no people-hours.\n";
    PrintTable(s, !israel, out);
  }
  return 0;
}

}  // namespace tocsin::history
