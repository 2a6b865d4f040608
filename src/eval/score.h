// Scores an alert log against a scenario's truth (../shared/spec/scenario.md,
// "Scores, from the alert log").
//
// Conventions, where the spec leaves a choice:
// - An alert is open over the closed interval [start, end] ("started at or before
//   t_a, not ended before t_a"); one with no end line is open until the scenario's
//   end, last truth time + kScenarioTail. A zone's coverage is the union of its
//   alerts' intervals; back-to-back alerts (end == next start) leave no gap.
// - warning: when several alerts on the zone are open at t_a (logs can hold
//   overlapping duplicates), the earliest start among them counts.
// - warning_median_s is the usual median (mean of the two middle values when the
//   count is even); warning_p5_s is the nearest-rank 5th percentile: the value of
//   rank ceil(0.05 n) in ascending order, i.e. the smallest of up to 20 warnings.
// - needless: an alert is needless when its interval overlaps the [t_a, t_l] of no
//   pair on its zone, counting every pair (scored, unseen or late-seen).
// - Alerts on zone ids the catalog does not have are left out of every score and
//   reported; pre-alerts are only counted.
//
// Thread-safety: pure functions over immutable inputs.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/category.h"
#include "core/ids.h"
#include "eval/alert_log.h"
#include "eval/pairs.h"
#include "eval/truth.h"
#include "zones/catalog.h"

namespace tocsin::eval {

inline constexpr double kScenarioTail = 600.0;  // s after the last truth time
inline constexpr double kLateSeenMargin = 15.0; // t_a < first_seen + this: late-seen
inline constexpr double kOracleMargin = 60.0;   // s before (besides shelter) and after

struct MissedExample {
  ZoneId zone;
  std::string threat;
  ThreatCategory kind = ThreatCategory::kDrone;
  double t_a = 0;
  std::optional<double> first_seen;
};

// One pair and what the log did for it (ScoreOptions::pair_details).
struct PairDetail {
  ZoneId zone;
  std::string threat;
  ThreatCategory kind = ThreatCategory::kDrone;
  double t_a = 0, t_l = 0;
  std::optional<double> first_seen;
  std::string status;   // "unseen", "late_seen", "missed" or "covered"
  bool alerted = false; // some alert on the zone was open in [t_a, t_l]
  std::optional<double> warning_s;  // covered pairs only
  bool short_warning = false, dropped = false;  // covered pairs only
};

struct ScoreOptions {
  std::size_t max_missed_examples = 10;  // earliest t_a first
  std::size_t max_warnings = 100;
  bool pair_details = false;  // fill Score::details
};

struct Score {
  std::size_t pairs = 0, unseen = 0, unseen_alerted = 0, late_seen = 0, late_seen_alerted = 0;
  std::size_t scored = 0, missed = 0, short_warning = 0, dropped = 0;
  std::vector<MissedExample> missed_examples;
  std::size_t alerts = 0, prealerts = 0, needless = 0;
  std::string unit;  // "people-hours" or "km²-hours"
  double burden = 0, region_burden = 0, district_burden = 0, oracle_burden = 0;
  std::optional<double> warning_median_s, warning_p5_s;  // nullopt: no covered pair
  std::optional<double> burden_over_oracle, burden_over_region, burden_over_district;  // nullopt: 0 divisor
  std::size_t unreadable_lines = 0;
  // Extras, not in the example's file.
  std::size_t skipped_events = 0;          // log lines of unknown event kinds
  std::size_t inconsistent_lines = 0;      // see AlertLog::inconsistent
  std::size_t unknown_zone_alerts = 0;     // alerts (and pre-alerts) on zones not in the catalog
  double scenario_end = 0;                 // Unix s
  // One message per problem found in the inputs ("FILE: line N: REASON"), the first
  // ScoreOptions::max_warnings of them, then one line saying how many were left out.
  std::vector<std::string> warnings;
  std::vector<PairDetail> details;         // in the order of the pairs, when asked for
};

// The scores of `log` for `truth` on `catalog`, given the truth's pairs
// (FindPairs(truth, catalog)).
Score ComputeScore(const Truth& truth, const AlertLog& log, const zones::Catalog& catalog,
                   const std::vector<Pair>& pairs, const ScoreOptions& options = {});

// The pth percentile (0 < p <= 100) by nearest rank: sorted[ceil(p/100 n) - 1].
// REQUIRES: !values.empty().
double NearestRankPercentile(std::vector<double> values, double p);
// The median (mean of the two middle values for an even count). REQUIRES: !values.empty().
double Median(std::vector<double> values);

// An object with the field names of spec/example/expected-score.json, in that file's
// order, then the extras (skipped_events, inconsistent_lines, unknown_zone_alerts,
// scenario_end, warnings, and pair_details when there are any).
nlohmann::ordered_json ToJson(const Score& score);

// A readable table for people.
void PrintTable(const Score& score, std::ostream& out);

}  // namespace tocsin::eval
