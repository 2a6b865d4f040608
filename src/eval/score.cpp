#include "eval/score.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "eval/intervals.h"

namespace tocsin::eval {
namespace {

// An alert on a known zone, as an interval.
struct ZoneAlert {
  double start = 0;
  double end = 0;
};

// Each catalog zone's weight for burden: population, or area when the catalog
// lacks a population for any zone.
std::vector<double> ZoneWeights(const zones::Catalog& catalog) {
  const bool people = catalog.has_population();
  std::vector<double> w;
  w.reserve(catalog.zones().size());
  for (const auto& z : catalog.zones()) w.push_back(people ? z.population.value_or(0) : z.area_km2);
  return w;
}

// Groups zones into areas (regions or districts): an area id per zone (its own id
// when `key` is empty) and each area's total weight.
struct Areas {
  std::vector<std::size_t> of_zone;
  std::vector<double> weight;
};

template <typename KeyFn>
Areas GroupZones(const zones::Catalog& catalog, const std::vector<double>& zone_weight, KeyFn key) {
  Areas areas;
  std::unordered_map<std::string, std::size_t> index;
  const auto& all = catalog.zones();
  areas.of_zone.resize(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::string k = key(all[i]);
    if (k.empty()) k = "\x01zone:" + all[i].id.str();  // alone: its own area
    auto [it, inserted] = index.try_emplace(std::move(k), areas.weight.size());
    if (inserted) areas.weight.push_back(0);
    areas.of_zone[i] = it->second;
    areas.weight[it->second] += zone_weight[i];
  }
  return areas;
}

// Sum over areas of (union of the alert intervals of its zones) x area weight, in hours.
double AreaBurden(const Areas& areas, const std::vector<std::vector<ZoneAlert>>& by_zone) {
  std::vector<std::vector<Interval>> per_area(areas.weight.size());
  for (std::size_t z = 0; z < by_zone.size(); ++z) {
    for (const ZoneAlert& a : by_zone[z]) per_area[areas.of_zone[z]].push_back({a.start, a.end});
  }
  double total = 0;
  for (std::size_t a = 0; a < per_area.size(); ++a) {
    if (!per_area[a].empty()) total += UnionLength(std::move(per_area[a])) / 3600.0 * areas.weight[a];
  }
  return total;
}

std::optional<double> Ratio(double a, double b) {
  if (b == 0) return std::nullopt;
  return a / b;
}

}  // namespace

double NearestRankPercentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const std::size_t i = static_cast<std::size_t>(std::clamp(rank, 1.0, double(values.size()))) - 1;
  return values[i];
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

Score ComputeScore(const Truth& truth, const AlertLog& log, const zones::Catalog& catalog,
                   const std::vector<Pair>& pairs, const ScoreOptions& options) {
  Score s;
  const std::size_t zone_count = catalog.zones().size();
  s.unreadable_lines = log.unreadable.size();
  s.skipped_events = log.skipped_events;
  s.inconsistent_lines = log.inconsistent.size();
  std::size_t left_out = 0;
  auto warn = [&](std::string message) {
    if (s.warnings.size() < options.max_warnings) {
      s.warnings.push_back(std::move(message));
    } else {
      ++left_out;
    }
  };
  for (const auto& p : log.unreadable) warn(Describe(log.source, p));
  for (const auto& p : log.inconsistent) warn(Describe(log.source, p));

  // Scenario end: last truth time + tail; with no threats, the log's last time.
  if (auto last = truth.LastTime()) {
    s.scenario_end = *last + kScenarioTail;
  } else {
    for (const auto& a : log.alerts) s.scenario_end = std::max({s.scenario_end, a.start, a.end.value_or(a.start)});
  }

  // Alerts by zone.
  std::vector<std::vector<ZoneAlert>> by_zone(zone_count);
  auto resolve = [&](const LoggedAlert& a, const char* what) -> std::optional<zones::ZoneIndex> {
    auto z = catalog.Find(a.zone);
    if (!z) {
      ++s.unknown_zone_alerts;
      warn(log.source + ": line " + std::to_string(a.start_line) + ": " + what + " " + a.id.str() +
           " is on zone \"" + a.zone.str() + "\", which catalog " + catalog.name() +
           " does not have; left out of the scores");
    }
    return z;
  };
  for (const LoggedAlert& a : log.alerts) {
    auto z = resolve(a, "alert");
    if (!z) continue;
    ++s.alerts;
    const double end = a.end ? *a.end : std::max(a.start, s.scenario_end);
    by_zone[*z].push_back({a.start, end});
  }
  for (const LoggedAlert& a : log.prealerts) {
    if (resolve(a, "pre-alert")) ++s.prealerts;
  }
  std::vector<std::vector<Interval>> coverage(zone_count);
  for (std::size_t z = 0; z < zone_count; ++z) {
    if (by_zone[z].empty()) continue;
    std::vector<Interval> iv;
    for (const ZoneAlert& a : by_zone[z]) iv.push_back({a.start, a.end});
    coverage[z] = Union(std::move(iv));
  }

  if (left_out > 0) {
    s.warnings.push_back("... and " + std::to_string(left_out) + " more problem(s) in " + log.source +
                         " not listed");
  }

  // Pairs.
  std::vector<std::vector<const Pair*>> pairs_by_zone(zone_count);
  std::vector<double> warnings;
  std::vector<const Pair*> missed;
  auto alerted_between = [&](zones::ZoneIndex z, double from, double to) {
    for (const ZoneAlert& a : by_zone[z]) {
      if (a.start <= to && a.end >= from) return true;
    }
    return false;
  };
  for (const Pair& p : pairs) {
    ++s.pairs;
    pairs_by_zone[p.zone].push_back(&p);
    const TruthThreat& threat = truth.threats[p.threat];
    PairDetail d{catalog.zone(p.zone).id, threat.id, threat.kind, p.t_a, p.t_l, threat.first_seen};
    auto record = [&] {
      if (options.pair_details) s.details.push_back(d);
    };
    if (!threat.first_seen || p.t_a < *threat.first_seen + kLateSeenMargin) {
      const bool unseen = !threat.first_seen;
      d.status = unseen ? "unseen" : "late_seen";
      d.alerted = alerted_between(p.zone, p.t_a, p.t_l);
      ++(unseen ? s.unseen : s.late_seen);
      if (d.alerted) ++(unseen ? s.unseen_alerted : s.late_seen_alerted);
      record();
      continue;
    }
    ++s.scored;
    const Interval* cover = Containing(coverage[p.zone], p.t_a);
    if (!cover) {
      ++s.missed;
      missed.push_back(&p);
      d.status = "missed";
      d.alerted = alerted_between(p.zone, p.t_a, p.t_l);
      record();
      continue;
    }
    double earliest_start = p.t_a;
    for (const ZoneAlert& a : by_zone[p.zone]) {
      if (a.start <= p.t_a && a.end >= p.t_a) earliest_start = std::min(earliest_start, a.start);
    }
    const double warning = p.t_a - earliest_start;
    warnings.push_back(warning);
    const double needed =
        std::min(catalog.zone(p.zone).shelter.value(), p.t_a - *threat.first_seen - kLateSeenMargin);
    d.status = "covered";
    d.alerted = true;
    d.warning_s = warning;
    d.short_warning = warning < needed;
    d.dropped = p.t_l > cover->end;
    if (d.short_warning) ++s.short_warning;
    if (d.dropped) ++s.dropped;
    record();
  }
  if (!warnings.empty()) {
    s.warning_median_s = Median(warnings);
    s.warning_p5_s = NearestRankPercentile(warnings, 5.0);
  }
  std::sort(missed.begin(), missed.end(), [](const Pair* a, const Pair* b) {
    return a->t_a != b->t_a ? a->t_a < b->t_a : a->zone < b->zone;
  });
  for (std::size_t i = 0; i < missed.size() && i < options.max_missed_examples; ++i) {
    const Pair& p = *missed[i];
    const TruthThreat& threat = truth.threats[p.threat];
    s.missed_examples.push_back({catalog.zone(p.zone).id, threat.id, threat.kind, p.t_a, threat.first_seen});
  }

  // Needless alerts.
  for (std::size_t z = 0; z < zone_count; ++z) {
    for (const ZoneAlert& a : by_zone[z]) {
      bool useful = false;
      for (const Pair* p : pairs_by_zone[z]) {
        if (a.start <= p->t_l && a.end >= p->t_a) {
          useful = true;
          break;
        }
      }
      if (!useful) ++s.needless;
    }
  }

  // Burdens.
  const std::vector<double> weight = ZoneWeights(catalog);
  s.unit = catalog.has_population() ? "people-hours" : "km²-hours";
  for (std::size_t z = 0; z < zone_count; ++z) {
    for (const ZoneAlert& a : by_zone[z]) s.burden += (a.end - a.start) / 3600.0 * weight[z];
  }
  const Areas regions = GroupZones(catalog, weight, [](const zones::Zone& z) { return z.parent.str(); });
  const Areas districts = GroupZones(catalog, weight, [](const zones::Zone& z) { return z.district; });
  s.region_burden = AreaBurden(regions, by_zone);
  s.district_burden = AreaBurden(districts, by_zone);
  for (std::size_t z = 0; z < zone_count; ++z) {
    if (pairs_by_zone[z].empty()) continue;
    const double lead = catalog.zone(z).shelter.value() + kOracleMargin;
    std::vector<Interval> iv;
    for (const Pair* p : pairs_by_zone[z]) iv.push_back({p->t_a - lead, p->t_l + kOracleMargin});
    s.oracle_burden += UnionLength(std::move(iv)) / 3600.0 * weight[z];
  }
  s.burden_over_oracle = Ratio(s.burden, s.oracle_burden);
  s.burden_over_region = Ratio(s.burden, s.region_burden);
  s.burden_over_district = Ratio(s.burden, s.district_burden);
  return s;
}

nlohmann::ordered_json ToJson(const Score& s) {
  using json = nlohmann::ordered_json;
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json missed = json::array();
  for (const auto& m : s.missed_examples) {
    missed.push_back({{"zone", m.zone.str()},
                      {"threat", m.threat},
                      {"kind", std::string(ToString(m.kind))},
                      {"t_a", m.t_a},
                      {"first_seen", opt(m.first_seen)}});
  }
  json j = json::object();
  j["pairs"] = s.pairs;
  j["unseen"] = s.unseen;
  j["unseen_alerted"] = s.unseen_alerted;
  j["late_seen"] = s.late_seen;
  j["late_seen_alerted"] = s.late_seen_alerted;
  j["scored"] = s.scored;
  j["missed"] = s.missed;
  j["short"] = s.short_warning;
  j["dropped"] = s.dropped;
  j["missed_examples"] = missed;
  j["alerts"] = s.alerts;
  j["prealerts"] = s.prealerts;
  j["needless"] = s.needless;
  j["unit"] = s.unit;
  j["burden"] = s.burden;
  j["region_burden"] = s.region_burden;
  j["district_burden"] = s.district_burden;
  j["oracle_burden"] = s.oracle_burden;
  j["warning_median_s"] = opt(s.warning_median_s);
  j["warning_p5_s"] = opt(s.warning_p5_s);
  j["burden_over_oracle"] = opt(s.burden_over_oracle);
  j["burden_over_region"] = opt(s.burden_over_region);
  j["burden_over_district"] = opt(s.burden_over_district);
  j["unreadable_lines"] = s.unreadable_lines;
  j["skipped_events"] = s.skipped_events;
  j["inconsistent_lines"] = s.inconsistent_lines;
  j["unknown_zone_alerts"] = s.unknown_zone_alerts;
  j["scenario_end"] = s.scenario_end;
  j["warnings"] = s.warnings;
  if (!s.details.empty()) {
    json details = json::array();
    for (const PairDetail& d : s.details) {
      details.push_back({{"zone", d.zone.str()},
                         {"threat", d.threat},
                         {"kind", std::string(ToString(d.kind))},
                         {"t_a", d.t_a},
                         {"t_l", d.t_l},
                         {"first_seen", opt(d.first_seen)},
                         {"status", d.status},
                         {"alerted", d.alerted},
                         {"warning_s", opt(d.warning_s)},
                         {"short", d.short_warning},
                         {"dropped", d.dropped}});
    }
    j["pair_details"] = details;
  }
  return j;
}

void PrintTable(const Score& s, std::ostream& out) {
  char buf[256];
  auto row = [&](const char* label, const std::string& value) {
    std::snprintf(buf, sizeof buf, "  %-24s %s\n", label, value.c_str());
    out << buf;
  };
  auto num = [](double v, const char* fmt = "%.1f") {
    char b[64];
    std::snprintf(b, sizeof b, fmt, v);
    return std::string(b);
  };
  auto opt = [&](const std::optional<double>& v, const char* fmt) { return v ? num(*v, fmt) : std::string("-"); };
  auto count = [](std::size_t v) { return std::to_string(v); };
  out << "pairs\n";
  row("pairs", count(s.pairs));
  row("unseen (alerted)", count(s.unseen) + " (" + count(s.unseen_alerted) + ")");
  row("late-seen (alerted)", count(s.late_seen) + " (" + count(s.late_seen_alerted) + ")");
  row("scored", count(s.scored));
  row("missed", count(s.missed));
  row("short", count(s.short_warning));
  row("dropped", count(s.dropped));
  row("warning median", opt(s.warning_median_s, "%.1f s"));
  row("warning 5th percentile", opt(s.warning_p5_s, "%.1f s"));
  out << "alerts\n";
  row("alerts", count(s.alerts));
  row("pre-alerts", count(s.prealerts));
  row("needless", count(s.needless));
  out << "burden (" << s.unit << ")\n";
  row("burden", num(s.burden));
  row("oracle burden", num(s.oracle_burden) + "  (burden / oracle " + opt(s.burden_over_oracle, "%.3f") + ")");
  row("district burden", num(s.district_burden) + "  (burden / district " + opt(s.burden_over_district, "%.3f") + ")");
  row("region burden", num(s.region_burden) + "  (burden / region " + opt(s.burden_over_region, "%.3f") + ")");
  out << "log\n";
  row("unreadable lines", count(s.unreadable_lines));
  row("inconsistent lines", count(s.inconsistent_lines));
  row("unknown-zone alerts", count(s.unknown_zone_alerts));
  row("skipped events", count(s.skipped_events));
  if (!s.missed_examples.empty()) {
    out << "missed (first " << s.missed_examples.size() << ")\n";
    for (const auto& m : s.missed_examples) {
      out << "  zone " << m.zone.str() << "  threat " << m.threat << " (" << ToString(m.kind) << ")  t_a "
          << num(m.t_a, "%.2f") << "  first seen " << (m.first_seen ? num(*m.first_seen, "%.2f") : "never") << "\n";
    }
  }
}

}  // namespace tocsin::eval
