#include "track/classifier.h"

#include <gtest/gtest.h>

namespace tocsin::track {
namespace {

TEST(Classifier, UnknownWithoutEvidence) {
  TrackerConfig c;
  Classifier k;
  double conf = 1.0;
  EXPECT_EQ(k.category(c, &conf), ThreatCategory::kUnknown);
  EXPECT_EQ(conf, 0.0);
}

TEST(Classifier, KinematicsAlone) {
  TrackerConfig c;
  double conf = 0;
  Classifier drone;
  for (int i = 0; i < 5; ++i) drone.AddKinematics(50.0, 0.0, 1500.0, true);
  EXPECT_EQ(drone.category(c, &conf), ThreatCategory::kDrone);
  EXPECT_GT(conf, 0.8);
  EXPECT_FALSE(drone.ballistic_like(c));

  Classifier cruise;
  for (int i = 0; i < 5; ++i) cruise.AddKinematics(240.0, 0.0, 60.0, true);
  EXPECT_EQ(cruise.category(c, &conf), ThreatCategory::kCruiseMissile);

  Classifier ballistic;
  for (int i = 0; i < 5; ++i) ballistic.AddKinematics(1800.0, -900.0, 20000.0, true);
  EXPECT_EQ(ballistic.category(c, &conf), ThreatCategory::kBallisticMissile);
  EXPECT_TRUE(ballistic.ballistic_like(c));

  Classifier rocket;
  for (int i = 0; i < 5; ++i) rocket.AddKinematics(700.0, 300.0, 5000.0, true);
  EXPECT_EQ(rocket.category(c, &conf), ThreatCategory::kRocket);

  // A slow rocket: 350 m/s climbing at 40 degrees.
  Classifier qassam;
  for (int i = 0; i < 5; ++i) qassam.AddKinematics(350.0, 225.0, 3000.0, true);
  EXPECT_EQ(qassam.category(c, &conf), ThreatCategory::kRocket);
  // A cruise missile in its 20-degree terminal dive stays a cruise missile.
  Classifier diving;
  for (int i = 0; i < 5; ++i) diving.AddKinematics(270.0, -92.0, 1000.0, true);
  EXPECT_EQ(diving.category(c, &conf), ThreatCategory::kCruiseMissile);

  // As slow as a rocket but climbing to 16 km: a short-range ballistic missile.
  Classifier srbm;
  for (int i = 0; i < 5; ++i) srbm.AddKinematics(900.0, 300.0, 16000.0, true);
  EXPECT_EQ(srbm.category(c, &conf), ThreatCategory::kBallisticMissile);
}

// Hints are wrong 15 % of the time: 20 hints with 3 wrong still say drone, firmly.
// gaza-rockets: rockets climbing at 20 degrees (350 m/s, +120 m/s up, 2 km high) were
// classified cruise missiles and drew 60-70 km corridors; a cruise missile's terminal
// dive at the same angle, or its pop-up climb, must stay a cruise missile.
TEST(Classifier, SteepClimbAtRocketSpeedIsBallisticButCruiseDiveAndPopUpAreNot) {
  TrackerConfig c;
  double conf = 0;
  Classifier rocket;
  for (int i = 0; i < 5; ++i) rocket.AddKinematics(370.0, 120.0, 1500.0 + 600.0 * i, true);
  EXPECT_TRUE(rocket.ballistic_like(c));
  EXPECT_EQ(rocket.category(c, &conf), ThreatCategory::kRocket);

  Classifier diving;
  for (int i = 0; i < 5; ++i) diving.AddKinematics(250.0, -85.0, 1500.0 - 300.0 * i, true);
  EXPECT_FALSE(diving.ballistic_like(c));
  EXPECT_EQ(diving.category(c, &conf), ThreatCategory::kCruiseMissile);

  Classifier pop_up;
  for (int i = 0; i < 5; ++i) pop_up.AddKinematics(240.0, 50.0, 60.0 + 250.0 * i, true);
  EXPECT_FALSE(pop_up.ballistic_like(c));
  EXPECT_EQ(pop_up.category(c, &conf), ThreatCategory::kCruiseMissile);
}

TEST(Classifier, HintsFusedWithConfusion) {
  TrackerConfig c;
  Classifier k;
  for (int i = 0; i < 17; ++i) k.AddHint(ThreatCategory::kDrone, 0.15);
  for (int i = 0; i < 3; ++i) k.AddHint(ThreatCategory::kAircraft, 0.15);
  double conf = 0;
  EXPECT_EQ(k.category(c, &conf), ThreatCategory::kDrone);
  EXPECT_GT(conf, 0.99);
  // One hint alone is weak evidence.
  Classifier one;
  one.AddHint(ThreatCategory::kCruiseMissile, 0.15);
  EXPECT_EQ(one.category(c, &conf), ThreatCategory::kCruiseMissile);
  EXPECT_LT(conf, 0.95);
  // Kinematics outweigh a few wrong hints.
  Classifier fast;
  for (int i = 0; i < 3; ++i) fast.AddHint(ThreatCategory::kDrone, 0.15);
  for (int i = 0; i < 5; ++i) fast.AddKinematics(1500.0, -500.0, 30000.0, true);
  EXPECT_EQ(fast.category(c, &conf), ThreatCategory::kBallisticMissile);
}

}  // namespace
}  // namespace tocsin::track
