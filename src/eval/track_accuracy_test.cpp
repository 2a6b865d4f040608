#include "eval/track_accuracy.h"

#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "core/geo.h"

namespace tocsin::eval {
namespace {

constexpr double kT0 = 1757203200.0;
constexpr double kC = 10000.0;
const LocalTangentPlane kPlane(LatLon{50.0, 30.0});

// A threat flying from (x0, y0) to (x1, y1) metres (east, north of the origin) at
// altitude alt between times t0 and t1 (seconds after kT0).
TruthThreat Threat(const std::string& id, ThreatCategory kind, double t0, double x0, double y0, double t1, double x1,
                   double y1, double alt = 1000.0) {
  TruthThreat t;
  t.id = id;
  t.kind = kind;
  t.points.push_back(TruthPoint{kT0 + t0, kPlane.Reverse(x0, y0), alt});
  t.points.push_back(TruthPoint{kT0 + t1, kPlane.Reverse(x1, y1), alt});
  return t;
}

Truth MakeTruth(std::vector<TruthThreat> threats) {
  Truth truth;
  truth.epoch = kT0;
  truth.threats = std::move(threats);
  return truth;
}

std::string Update(const std::string& id, double t, double x, double y, double alt = 1000.0, bool alt_known = false,
                   double ve = 0, double vn = 0) {
  const LatLon p = kPlane.Reverse(x, y);
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "{\"event\":\"update\",\"track\":\"%s\",\"time\":%.3f,\"status\":\"confirmed\",\"lat\":%.9f,"
                "\"lon\":%.9f,\"alt_m\":%.1f,\"alt_known\":%s,\"vel_east\":%.3f,\"vel_north\":%.3f,\"vel_up\":0,"
                "\"category\":\"drone\"}\n",
                id.c_str(), kT0 + t, p.lat, p.lon, alt, alt_known ? "true" : "false", ve, vn);
  return buf;
}

std::string End(const std::string& id, double t) {
  return "{\"event\":\"end\",\"track\":\"" + id + "\",\"time\":" + std::to_string(kT0 + t) +
         ",\"reason\":\"lost\"}\n";
}

TrackLog Log(const std::string& text) {
  std::istringstream in(text);
  return ParseTrackLog(in, "test.jsonl");
}

TrackAccuracy Compute(const Truth& truth, const std::string& log_text) {
  TrackAccuracyOptions options;
  options.step_s = 10.0;
  return ComputeTrackAccuracy(truth, Log(log_text), options);
}

TEST(TrackAccuracy, ExactErrorGivesExactRmseAndGospa) {
  // One drone hovering at (0, 0) for 100 s (11 samples), one track 30 m north of it
  // updated every 10 s.
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 100, 0, 0)});
  std::string log;
  for (int t = 0; t <= 100; t += 10) log += Update("trk-1", t, 0, 30);
  const TrackAccuracy a = Compute(truth, log);
  EXPECT_EQ(a.samples, 11u);
  EXPECT_EQ(a.active_samples, 11u);
  EXPECT_EQ(a.assigned, 11u);
  EXPECT_NEAR(a.rmse_m, 30.0, 0.05);
  EXPECT_NEAR(a.gospa_mean_m, 30.0, 0.05);
  EXPECT_NEAR(a.by_kind.at(ThreatCategory::kDrone).rmse_m, 30.0, 0.05);
  EXPECT_EQ(a.missed_threats_mean, 0.0);
  EXPECT_EQ(a.false_tracks_mean, 0.0);
  EXPECT_DOUBLE_EQ(a.track_ids_per_threat_mean, 1.0);
}

TEST(TrackAccuracy, KnownAltitudeCountsIn3d) {
  // 30 m north and 40 m higher: 50 m in 3D, 30 m when the altitude is unknown.
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 50, 0, 0, 1000)});
  std::string known, unknown;
  for (int t = 0; t <= 50; t += 10) {
    known += Update("trk-1", t, 0, 30, 1040, true);
    unknown += Update("trk-1", t, 0, 30, 1040, false);
  }
  EXPECT_NEAR(Compute(truth, known).rmse_m, 50.0, 0.1);
  EXPECT_NEAR(Compute(truth, unknown).rmse_m, 30.0, 0.1);
}

TEST(TrackAccuracy, MissedThreatCostsHalfCSquared) {
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 100, 0, 0)});
  const TrackAccuracy a = Compute(truth, "");
  EXPECT_EQ(a.active_samples, 11u);
  EXPECT_NEAR(a.gospa_mean_m, kC / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(a.missed_mean_m2, kC * kC / 2, 1e-3);
  EXPECT_EQ(a.false_mean_m2, 0.0);
  EXPECT_EQ(a.missed_threats_mean, 1.0);
  EXPECT_EQ(a.assigned, 0u);
  EXPECT_EQ(a.rmse_m, 0.0);
}

TEST(TrackAccuracy, SeenFiguresLeaveOutThreatsNotYetReported) {
  // D1 reported from t=50 and tracked exactly from then; D2 never reported.
  TruthThreat d1 = Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 100, 0, 0);
  d1.first_seen = kT0 + 50;
  Truth truth = MakeTruth({d1, Threat("D2", ThreatCategory::kDrone, 0, 50000, 0, 100, 50000, 0)});
  std::string log;
  for (int t = 50; t <= 100; t += 10) log += Update("trk-1", t, 0, 0);
  const TrackAccuracy a = Compute(truth, log);
  EXPECT_EQ(a.seen_threat_samples, 6u);  // D1 at 50..100
  EXPECT_EQ(a.seen_assigned, 6u);
  EXPECT_NEAR(a.seen_gospa_mean_m, 0.0, 0.05);
  EXPECT_EQ(a.seen_missed_threats_mean, 0.0);
  // All threats: 0..40 both missed, 50..100 D2 missed.
  EXPECT_NEAR(a.missed_threats_mean, (5 * 2 + 6 * 1) / 11.0, 1e-9);
  EXPECT_NEAR(a.gospa_mean_m, (5 * kC + 6 * kC / std::sqrt(2.0)) / 11, 0.05);
}

TEST(TrackAccuracy, FalseTrackCostsHalfCSquared) {
  // The threat hovers at (0, 0) and is tracked exactly; a second track 50 km away is
  // false at every sample.
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 100, 0, 0)});
  std::string log;
  for (int t = 0; t <= 100; t += 10) log += Update("trk-1", t, 0, 0) + Update("trk-2", t, 50000, 0);
  const TrackAccuracy a = Compute(truth, log);
  EXPECT_NEAR(a.gospa_mean_m, kC / std::sqrt(2.0), 0.01);
  EXPECT_NEAR(a.false_mean_m2, kC * kC / 2, 1e-3);
  EXPECT_EQ(a.false_tracks_mean, 1.0);
  EXPECT_EQ(a.duplicate_tracks_mean, 0.0);
  EXPECT_NEAR(a.rmse_m, 0.0, 0.01);
}

TEST(TrackAccuracy, TrackBeyondCutoffIsMissedPlusFalse) {
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 20, 0, 0)});
  std::string log;
  for (int t = 0; t <= 20; t += 10) log += Update("trk-1", t, 12000, 0);
  const TrackAccuracy a = Compute(truth, log);
  EXPECT_NEAR(a.gospa_mean_m, kC, 1e-6);
  EXPECT_EQ(a.assigned, 0u);
  EXPECT_EQ(a.missed_threats_mean, 1.0);
  EXPECT_EQ(a.false_tracks_mean, 1.0);
}

TEST(TrackAccuracy, DuplicateTrackNearAThreatIsCounted) {
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 20, 0, 0)});
  std::string log;
  for (int t = 0; t <= 20; t += 10) log += Update("trk-1", t, 10, 0) + Update("trk-2", t, 500, 0);
  const TrackAccuracy a = Compute(truth, log);
  EXPECT_NEAR(a.rmse_m, 10.0, 0.05);
  EXPECT_EQ(a.duplicate_tracks_mean, 1.0);
  EXPECT_NEAR(a.gospa_mean_m, std::sqrt(100.0 + kC * kC / 2), 0.05);
}

TEST(TrackAccuracy, AssignmentIsOptimalNotGreedy) {
  // Threats at x=0 and x=1000, tracks at x=600 and x=1700. Greedy nearest-first takes
  // (1000, 600) at 400 m then (0, 1700): 400^2 + 1700^2. Optimal: 600^2 + 700^2.
  Truth truth = MakeTruth({Threat("A", ThreatCategory::kDrone, 0, 0, 0, 0, 0, 0),
                           Threat("B", ThreatCategory::kDrone, 0, 1000, 0, 0, 1000, 0)});
  const TrackAccuracy a = Compute(truth, Update("trk-1", 0, 600, 0) + Update("trk-2", 0, 1700, 0));
  EXPECT_EQ(a.samples, 1u);
  EXPECT_EQ(a.assigned, 2u);
  EXPECT_NEAR(a.localisation_mean_m2, 600.0 * 600 + 700.0 * 700, 500.0);
  EXPECT_NEAR(a.rmse_m, std::sqrt((600.0 * 600 + 700.0 * 700) / 2), 0.5);
}

TEST(TrackAccuracy, RmsePerKind) {
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 0, 0, 0),
                           Threat("R1", ThreatCategory::kRocket, 0, 50000, 0, 0, 50000, 0)});
  const TrackAccuracy a = Compute(truth, Update("trk-1", 0, 0, 30) + Update("trk-2", 0, 50000, 40));
  EXPECT_NEAR(a.by_kind.at(ThreatCategory::kDrone).rmse_m, 30.0, 0.05);
  EXPECT_NEAR(a.by_kind.at(ThreatCategory::kRocket).rmse_m, 40.0, 0.05);
  EXPECT_NEAR(a.rmse_m, std::sqrt((900.0 + 1600.0) / 2), 0.05);
  EXPECT_EQ(a.by_kind.at(ThreatCategory::kRocket).threats, 1u);
  const auto j = ToJson(a);
  EXPECT_NEAR(j["rmse_by_kind"]["rocket"].get<double>(), 40.0, 0.1);
  EXPECT_TRUE(j.contains("gospa_mean_m"));
}

TEST(TrackAccuracy, TrackIsExtrapolatedAndDroppedWhenTooOld) {
  // Threat flying north at 10 m/s from t=0 to t=100; one track update at t=0 with the
  // right velocity. Samples at 0..60 are exact by extrapolation; 70..100 are older
  // than max_age (60 s): the threat is missed there.
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 100, 0, 1000)});
  const TrackAccuracy a = Compute(truth, Update("trk-1", 0, 0, 0, 1000, false, 0, 10));
  EXPECT_EQ(a.assigned, 7u);
  EXPECT_NEAR(a.rmse_m, 0.0, 0.5);
  EXPECT_NEAR(a.missed_threats_mean, 4.0 / 11, 1e-9);
}

TEST(TrackAccuracy, EndedTrackIsNotPresent) {
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 40, 0, 0)});
  const TrackAccuracy a = Compute(truth, Update("trk-1", 0, 0, 0) + End("trk-1", 15));
  EXPECT_EQ(a.assigned, 2u);  // samples at 0 and 10; not 20, 30, 40
}

TEST(TrackAccuracy, ThreatInterpolatedBetweenPoints) {
  // Threat from (0,0) at t=0 to (0,1000) at t=100; a static track at (0,500) updated
  // at t=50: the sample at t=50 is exact.
  Truth truth = MakeTruth({Threat("D1", ThreatCategory::kDrone, 0, 0, 0, 100, 0, 1000)});
  TrackAccuracyOptions options;
  options.step_s = 50.0;
  options.max_age_s = 0.0;
  const TrackAccuracy a = ComputeTrackAccuracy(truth, Log(Update("trk-1", 50, 0, 500)), options);
  EXPECT_EQ(a.assigned, 1u);
  EXPECT_NEAR(a.rmse_m, 0.0, 0.5);
}

TEST(TrackAccuracy, BadLinesAreCountedNotFatal) {
  const TrackLog log = Log(Update("trk-1", 0, 0, 0) + "not json\n{\"event\":\"update\"}\n" + End("trk-1", 5));
  EXPECT_EQ(log.bad_lines, 2u);
  ASSERT_EQ(log.problems.size(), 2u);
  EXPECT_NE(log.problems[0].find("test.jsonl: line 2"), std::string::npos);
  ASSERT_EQ(log.tracks.size(), 1u);
  EXPECT_EQ(log.tracks[0].updates.size(), 1u);
  ASSERT_TRUE(log.tracks[0].end_time.has_value());
}

TEST(MinCostAssignment, MatchesBruteForceOnRandomMatrices) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> cost(0.0, 100.0);
  for (int trial = 0; trial < 200; ++trial) {
    const int rows = 1 + trial % 5, cols = 1 + (trial / 5) % 5;
    std::vector<double> c(rows * cols);
    for (double& v : c) v = cost(rng);
    const std::vector<int> match = MinCostAssignment(c, rows, cols);
    double got = 0;
    std::vector<int> used(cols, 0);
    int matched = 0;
    for (int r = 0; r < rows; ++r) {
      if (match[r] < 0) continue;
      ASSERT_LT(match[r], cols);
      ASSERT_EQ(used[match[r]]++, 0) << "column assigned twice";
      got += c[r * cols + match[r]];
      ++matched;
    }
    ASSERT_EQ(matched, std::min(rows, cols));
    // Brute force: every injection of the smaller side into the larger.
    double best = 1e300;
    std::vector<int> perm(std::max(rows, cols));
    for (int i = 0; i < static_cast<int>(perm.size()); ++i) perm[i] = i;
    do {
      double sum = 0;
      if (rows <= cols) {
        for (int r = 0; r < rows; ++r) sum += c[r * cols + perm[r]];
      } else {
        for (int k = 0; k < cols; ++k) sum += c[perm[k] * cols + k];
      }
      best = std::min(best, sum);
    } while (std::next_permutation(perm.begin(), perm.end()));
    EXPECT_NEAR(got, best, 1e-9) << rows << "x" << cols;
  }
}

}  // namespace
}  // namespace tocsin::eval
