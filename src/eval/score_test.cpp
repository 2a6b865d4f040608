// ComputeScore on hand-built truths, logs and pairs, with the scores worked out by
// hand in each test's comment. Pairs are given directly so that these tests pin the
// scoring rules alone; pairs_test.cpp pins how pairs are found.
#include "eval/score.h"

#include <gtest/gtest.h>

#include "eval/test_catalogs.h"

namespace tocsin::eval {
namespace {

using testing::LoadCatalog;
using testing::SquareFeature;

// Z1..Z3 in region R1 (Z1, Z2 in district D1; Z3 in D2); Z4 has neither.
// Populations 1000, 2000, 3000, 4000; shelter 90 s everywhere.
zones::Catalog FourZones() {
  return LoadCatalog({
      SquareFeature("Z1", 0, 0, 0.1, ",\"parent\":\"R1\",\"district\":\"D1\",\"population\":1000"),
      SquareFeature("Z2", 0, 1, 0.1, ",\"parent\":\"R1\",\"district\":\"D1\",\"population\":2000"),
      SquareFeature("Z3", 0, 2, 0.1, ",\"parent\":\"R1\",\"district\":\"D2\",\"population\":3000"),
      SquareFeature("Z4", 0, 3, 0.1, ",\"population\":4000"),
  });
}
constexpr zones::ZoneIndex kZ1 = 0, kZ2 = 1, kZ3 = 2, kZ4 = 3;

// A truth whose threats all end at `last_time` (scenario end = last_time + 600).
struct TruthBuilder {
  Truth truth;
  double last_time = 10000;
  // Adds a drone first seen at `first_seen` (nullopt: never seen); returns its index.
  std::size_t Threat(std::optional<double> first_seen, ThreatCategory kind = ThreatCategory::kDrone) {
    TruthThreat t;
    t.id = "T" + std::to_string(truth.threats.size());
    t.kind = kind;
    t.first_seen = first_seen;
    t.points = {{0, {5, 5}, 0}, {last_time, {5, 5}, 0}};
    truth.threats.push_back(t);
    return truth.threats.size() - 1;
  }
};

LoggedAlert Alert(const std::string& id, const std::string& zone, double start, std::optional<double> end) {
  LoggedAlert a;
  a.id = AlertId(id);
  a.zone = ZoneId(zone);
  a.start = start;
  a.end = end;
  return a;
}

constexpr double kHour = 3600;

TEST(Score, ReAlertedZoneCoversBothVisits) {
  // Z1 is alerted [0, 1000] and again [2000, 4000]. T0 is there [500, 800], T1 [2500, 3000].
  // Both covered, warning 500 - 0 = 500 and 2500 - 2000 = 500; nothing missed or dropped.
  // burden = (1000 + 2000) s / 3600 x 1000 people = 833.33 people-hours.
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(0.0);
  tb.Threat(0.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 0, 1000), Alert("A2", "Z1", 2000, 4000)};
  const std::vector<Pair> pairs = {{kZ1, 0, 500, 800}, {kZ1, 1, 2500, 3000}};
  const Score s = ComputeScore(tb.truth, log, catalog, pairs);
  EXPECT_EQ(s.pairs, 2u);
  EXPECT_EQ(s.scored, 2u);
  EXPECT_EQ(s.missed, 0u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.short_warning, 0u);
  EXPECT_EQ(s.needless, 0u);
  EXPECT_EQ(s.alerts, 2u);
  EXPECT_DOUBLE_EQ(*s.warning_median_s, 500);
  EXPECT_DOUBLE_EQ(*s.warning_p5_s, 500);
  EXPECT_EQ(s.unit, "people-hours");
  EXPECT_NEAR(s.burden, 3000.0 / kHour * 1000, 1e-9);
}

TEST(Score, GapInCoverageIsDroppedButBackToBackAlertsAreNot) {
  // Z1: [0, 1000] then [1000, 2000] (back to back): continuous over T0's [500, 1500].
  // Z2: [0, 1000] then [1001, 2000]: a 1 s gap inside T1's [500, 1500]: dropped.
  // Z3: [0, 1200] only, T2 there [500, 1500]: dropped (threat still there after 1200).
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  for (int i = 0; i < 3; ++i) tb.Threat(0.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 0, 1000), Alert("A2", "Z1", 1000, 2000), Alert("A3", "Z2", 0, 1000),
                Alert("A4", "Z2", 1001, 2000), Alert("A5", "Z3", 0, 1200)};
  const std::vector<Pair> pairs = {{kZ1, 0, 500, 1500}, {kZ2, 1, 500, 1500}, {kZ3, 2, 500, 1500}};
  const Score s = ComputeScore(tb.truth, log, catalog, pairs);
  EXPECT_EQ(s.missed, 0u);
  EXPECT_EQ(s.dropped, 2u);
  EXPECT_EQ(s.needless, 0u);
}

TEST(Score, AlertLeftOpenCountsUntilScenarioEnd) {
  // Threats end at 10000, so the scenario ends at 10600. A1 on Z1 starts at 9000 and is
  // never ended: open 1600 s. T0 reaches Z1 at 9500 (warning 500) and stays to 10000:
  // covered, not dropped. burden = 1600 / 3600 x 1000 = 444.44 people-hours.
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(0.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 9000, std::nullopt)};
  const Score s = ComputeScore(tb.truth, log, catalog, {{kZ1, 0, 9500, 10000}});
  EXPECT_DOUBLE_EQ(s.scenario_end, 10600);
  EXPECT_EQ(s.missed, 0u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_DOUBLE_EQ(*s.warning_median_s, 500);
  EXPECT_NEAR(s.burden, 1600 / kHour * 1000, 1e-9);
}

TEST(Score, MissedWhenNoAlertIsOpenAtArrival) {
  // T0 on Z1 at 1000: only alert ended at 999 -> missed.
  // T1 on Z2 at 1000: alert starts at 1001 -> missed (and that alert is not needless:
  //   it overlaps T1's [1000, 1100]).
  // T2 on Z3 at 1000: alert [400, 1000] ended exactly at t_a: "not ended before t_a",
  //   so covered with warning 600, but dropped (T2 stays until 1100).
  // Missed examples are listed by t_a, then zone.
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  for (int i = 0; i < 3; ++i) tb.Threat(0.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 0, 999), Alert("A2", "Z2", 1001, 1200), Alert("A3", "Z3", 400, 1000)};
  const Score s = ComputeScore(tb.truth, log, catalog,
                               {{kZ1, 0, 1000, 1100}, {kZ2, 1, 1000, 1100}, {kZ3, 2, 1000, 1100}});
  EXPECT_EQ(s.scored, 3u);
  EXPECT_EQ(s.missed, 2u);
  EXPECT_EQ(s.dropped, 1u);
  EXPECT_EQ(s.needless, 1u);  // A1: [0, 999] overlaps no pair's [1000, 1100]
  ASSERT_EQ(s.missed_examples.size(), 2u);
  EXPECT_EQ(s.missed_examples[0].zone.str(), "Z1");
  EXPECT_EQ(s.missed_examples[0].threat, "T0");
  EXPECT_EQ(s.missed_examples[1].zone.str(), "Z2");
  EXPECT_DOUBLE_EQ(*s.warning_median_s, 600);
}

TEST(Score, ShortWarningIsBelowShelterTimeOrWhatWasPossible) {
  // Shelter 90 s. T0 first seen at 0, on Z1 at 1000: could have had 985 s; warned 30 s
  //   (alert at 970) -> short (30 < min(90, 985)).
  // T1 first seen at 950, on Z2 at 1000: could have had 1000 - 950 - 15 = 35 s; warned 35 s
  //   (alert at 965) -> not short (35 is not below min(90, 35)).
  // T2 first seen at 950, on Z3 at 1000, warned 34 s -> short.
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(0.0);
  tb.Threat(950.0);
  tb.Threat(950.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 970, 2000), Alert("A2", "Z2", 965, 2000), Alert("A3", "Z3", 966, 2000)};
  const Score s = ComputeScore(tb.truth, log, catalog,
                               {{kZ1, 0, 1000, 1100}, {kZ2, 1, 1000, 1100}, {kZ3, 2, 1000, 1100}});
  EXPECT_EQ(s.scored, 3u);
  EXPECT_EQ(s.short_warning, 2u);
  EXPECT_DOUBLE_EQ(*s.warning_median_s, 34);
  EXPECT_DOUBLE_EQ(*s.warning_p5_s, 30);  // nearest rank: ceil(0.05 x 3) = rank 1
}

TEST(Score, OverlappingAlertsOnAZoneGiveTheEarliestStart) {
  // Z1 has A1 [100, 2000] and a duplicate A2 [700, 2000]; T0 arrives at 1000:
  // warning = 1000 - 100 = 900. burden counts both alerts: (1900 + 1300) / 3600 x 1000.
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(0.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 100, 2000), Alert("A2", "Z1", 700, 2000)};
  const Score s = ComputeScore(tb.truth, log, catalog, {{kZ1, 0, 1000, 1100}});
  EXPECT_DOUBLE_EQ(*s.warning_median_s, 900);
  EXPECT_NEAR(s.burden, 3200 / kHour * 1000, 1e-9);
  EXPECT_NEAR(s.region_burden, 1900 / kHour * 6000, 1e-9);  // union [100, 2000] x R1's 6000
}

TEST(Score, LateSeenAndUnseenPairsAreSetApart) {
  // T0 never seen, on Z1 [1000, 1200]; an alert on Z1 [1100, 1300] -> unseen, alerted.
  // T1 never seen, on Z2 [1000, 1200]; no alert -> unseen, not alerted.
  // T2 first seen at 990, on Z3 at 1000 < 990 + 15 -> late-seen; Z3 alerted [1300, 1400],
  //   after T2 left at 1200 -> not alerted, and that alert is needless.
  // T3 first seen at 985, on Z4 at 1000 = 985 + 15 -> scored, and missed.
  // Unseen and late-seen pairs still count for needless alerts and the oracle.
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(std::nullopt);
  tb.Threat(std::nullopt);
  tb.Threat(990.0);
  tb.Threat(985.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 1100, 1300), Alert("A2", "Z3", 1300, 1400)};
  const Score s = ComputeScore(tb.truth, log, catalog,
                               {{kZ1, 0, 1000, 1200}, {kZ2, 1, 1000, 1200}, {kZ3, 2, 1000, 1200},
                                {kZ4, 3, 1000, 1000}});
  EXPECT_EQ(s.pairs, 4u);
  EXPECT_EQ(s.unseen, 2u);
  EXPECT_EQ(s.unseen_alerted, 1u);
  EXPECT_EQ(s.late_seen, 1u);
  EXPECT_EQ(s.late_seen_alerted, 0u);
  EXPECT_EQ(s.scored, 1u);
  EXPECT_EQ(s.missed, 1u);
  EXPECT_EQ(s.needless, 1u);
  EXPECT_FALSE(s.warning_median_s.has_value());
}

TEST(Score, NeedlessAlertsOverlapNoPairOnTheirZone) {
  // T0 on Z1 [1000, 1200]. A1 on Z1 [900, 1000] touches t_a -> useful. A2 on Z1
  // [1201, 1300] -> needless. A3 on Z2, where no threat went -> needless.
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(0.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 900, 1000), Alert("A2", "Z1", 1201, 1300), Alert("A3", "Z2", 0, 100)};
  const Score s = ComputeScore(tb.truth, log, catalog, {{kZ1, 0, 1000, 1200}});
  EXPECT_EQ(s.alerts, 3u);
  EXPECT_EQ(s.needless, 2u);
}

TEST(Score, RegionAndDistrictBurdenUnionTheirZones) {
  // Z1 alerted [0, 3600], Z2 [1800, 5400], Z4 [0, 3600]; no threats near them.
  // burden   = 1 h x 1000 + 1 h x 2000 + 1 h x 4000                 = 7000
  // region   = R1 alerted [0, 5400]: 1.5 h x (1000+2000+3000) = 9000; Z4 alone 1 h x 4000
  //          = 13000
  // district = D1 alerted [0, 5400]: 1.5 h x (1000+2000) = 4500; Z4 alone 4000 = 8500
  // oracle   = 0 (no pairs); the ratio to it is undefined.
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(0.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 0, 3600), Alert("A2", "Z2", 1800, 5400), Alert("A3", "Z4", 0, 3600)};
  const Score s = ComputeScore(tb.truth, log, catalog, {});
  EXPECT_NEAR(s.burden, 7000, 1e-9);
  EXPECT_NEAR(s.region_burden, 13000, 1e-9);
  EXPECT_NEAR(s.district_burden, 8500, 1e-9);
  EXPECT_NEAR(*s.burden_over_region, 7000.0 / 13000, 1e-12);
  EXPECT_NEAR(*s.burden_over_district, 7000.0 / 8500, 1e-12);
  EXPECT_EQ(s.oracle_burden, 0);
  EXPECT_FALSE(s.burden_over_oracle.has_value());
  EXPECT_EQ(s.needless, 3u);
}

TEST(Score, OracleAlertsEachPairZoneFromShelterPlusAMinuteAhead) {
  // Z1: pairs [1000, 1200] and [1100, 1500] -> [1000-150, 1260] u [950, 1560] = [850, 1560],
  //     710 s x 1000. (150 = shelter 90 + 60.)
  // Z2: a ballistic pair at 2000 -> [1850, 2060], 210 s x 2000.
  // oracle = (710 x 1000 + 210 x 2000) / 3600 = 313.89 people-hours
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(0.0);
  tb.Threat(0.0);
  tb.Threat(0.0, ThreatCategory::kBallisticMissile);
  const Score s = ComputeScore(tb.truth, AlertLog{}, catalog,
                               {{kZ1, 0, 1000, 1200}, {kZ1, 1, 1100, 1500}, {kZ2, 2, 2000, 2000}});
  EXPECT_NEAR(s.oracle_burden, (710.0 * 1000 + 210.0 * 2000) / kHour, 1e-9);
  EXPECT_EQ(s.missed, 3u);
}

TEST(Score, BurdenInSquareKilometreHoursWhenAPopulationIsMissing) {
  // Z2 has no population, so every zone is weighed by its area: a 0.1 x 0.1 degree
  // square on the equator is about 11.13 km x 11.06 km = 123.1 km². Z1 alerted 2 h:
  // burden = 2 x area(Z1) ~ 246.2 km²-hours; the region R1 holds both zones, so the
  // region burden is 2 x (area(Z1) + area(Z2)).
  zones::Catalog catalog = LoadCatalog({
      SquareFeature("Z1", 0, 0, 0.1, ",\"parent\":\"R1\",\"population\":1000"),
      SquareFeature("Z2", 0, 1, 0.1, ",\"parent\":\"R1\""),
  });
  ASSERT_FALSE(catalog.has_population());
  const double area = catalog.zone(0).area_km2;
  EXPECT_NEAR(area, 123.1, 0.5);
  TruthBuilder tb;
  tb.Threat(0.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z1", 0, 7200)};
  const Score s = ComputeScore(tb.truth, log, catalog, {});
  EXPECT_EQ(s.unit, "km²-hours");
  EXPECT_NEAR(s.burden, 2 * area, 1e-9);
  EXPECT_NEAR(s.region_burden, 2 * (area + catalog.zone(1).area_km2), 1e-9);
}

TEST(Score, AlertsOnUnknownZonesAreLeftOutAndReported) {
  // A1 names zone "NOPE": not counted as an alert, no burden, one warning naming it.
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(0.0);
  AlertLog log;
  log.source = "log.jsonl";
  log.alerts = {Alert("A1", "NOPE", 0, 3600)};
  log.alerts[0].start_line = 7;
  log.prealerts = {Alert("P1", "Z1", 0, 3600)};
  const Score s = ComputeScore(tb.truth, log, catalog, {});
  EXPECT_EQ(s.alerts, 0u);
  EXPECT_EQ(s.prealerts, 1u);
  EXPECT_EQ(s.unknown_zone_alerts, 1u);
  EXPECT_EQ(s.burden, 0);  // pre-alerts never count as alerts
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("log.jsonl: line 7"), std::string::npos) << s.warnings[0];
  EXPECT_NE(s.warnings[0].find("NOPE"), std::string::npos);
}

TEST(Score, WarningsAreCappedWithACountOfTheRest) {
  // 250 unreadable lines, max_warnings 100: 100 messages and "... and 150 more".
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(0.0);
  AlertLog log;
  log.source = "log.jsonl";
  for (int i = 1; i <= 250; ++i) log.unreadable.push_back({i, "not valid JSON"});
  const Score s = ComputeScore(tb.truth, log, catalog, {});
  EXPECT_EQ(s.unreadable_lines, 250u);
  ASSERT_EQ(s.warnings.size(), 101u);
  EXPECT_EQ(s.warnings[99], "log.jsonl: line 100: not valid JSON");
  EXPECT_EQ(s.warnings[100], "... and 150 more problem(s) in log.jsonl not listed");
}

TEST(Score, PairDetailsListEachPairsOutcome) {
  // T0 unseen on Z1; T1 on Z2 missed; T2 on Z3 covered from 900 (warning 100, not short:
  // 100 >= min(90, 1000 - 0 - 15)), dropped (alert ends at 1050, T2 stays to 1100).
  zones::Catalog catalog = FourZones();
  TruthBuilder tb;
  tb.Threat(std::nullopt);
  tb.Threat(0.0);
  tb.Threat(0.0);
  AlertLog log;
  log.alerts = {Alert("A1", "Z3", 900, 1050)};
  ScoreOptions options;
  options.pair_details = true;
  const Score s = ComputeScore(tb.truth, log, catalog,
                               {{kZ1, 0, 1000, 1100}, {kZ2, 1, 1000, 1100}, {kZ3, 2, 1000, 1100}}, options);
  ASSERT_EQ(s.details.size(), 3u);
  EXPECT_EQ(s.details[0].status, "unseen");
  EXPECT_EQ(s.details[1].status, "missed");
  EXPECT_EQ(s.details[2].status, "covered");
  EXPECT_DOUBLE_EQ(*s.details[2].warning_s, 100);
  EXPECT_FALSE(s.details[2].short_warning);
  EXPECT_TRUE(s.details[2].dropped);
  EXPECT_EQ(ToJson(s).at("pair_details").size(), 3u);
  EXPECT_FALSE(ToJson(ComputeScore(tb.truth, log, catalog, {})).contains("pair_details"));
}

TEST(Score, JsonHasTheExampleFieldNames) {
  const Score s;
  const nlohmann::ordered_json j = ToJson(s);
  EXPECT_EQ(j.begin().key(), "pairs");  // in the order of expected-score.json
  for (const char* key : {"pairs", "unseen", "unseen_alerted", "late_seen", "late_seen_alerted", "scored",
                          "missed", "short", "dropped", "missed_examples", "alerts", "prealerts", "needless",
                          "unit", "burden", "region_burden", "district_burden", "oracle_burden",
                          "warning_median_s", "warning_p5_s", "burden_over_oracle", "burden_over_region",
                          "burden_over_district", "unreadable_lines"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
}

TEST(Percentiles, MedianAndNearestRank) {
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(Median({4, 1, 2, 3}), 2.5);
  // 5th percentile, nearest rank: rank ceil(0.05 n).
  EXPECT_DOUBLE_EQ(NearestRankPercentile({50, 10, 40, 20, 30}, 5), 10);   // rank 1
  std::vector<double> v;
  for (int i = 1; i <= 40; ++i) v.push_back(i);
  EXPECT_DOUBLE_EQ(NearestRankPercentile(v, 5), 2);    // rank ceil(2.0) = 2
  v.push_back(41);
  EXPECT_DOUBLE_EQ(NearestRankPercentile(v, 5), 3);    // rank ceil(2.05) = 3
  EXPECT_DOUBLE_EQ(NearestRankPercentile(v, 100), 41);
}

}  // namespace
}  // namespace tocsin::eval
