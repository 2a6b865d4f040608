#include "track/track_log.h"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tocsin::track {
namespace {

struct Recorder final : TrackSink {
  std::vector<TrackUpdate> updates;
  std::vector<TrackEnd> ends;
  void OnTrackUpdate(const TrackUpdate& u) override { updates.push_back(u); }
  void OnTrackEnd(const TrackEnd& e) override { ends.push_back(e); }
};

TEST(TrackLogTest, WritesEachMessageForwardsItAndParsesBack) {
  std::ostringstream out;
  Recorder next;
  TrackLogWriter writer(out, next);
  TrackUpdate u;
  u.id = TrackId("trk-7");
  u.time = UnixTime(1757203325.25);
  u.status = TrackStatus::kConfirmed;
  u.position = {50.4501234, 30.5234567};
  u.alt_m = 1200.0;
  u.alt_known = true;
  u.vel_east = -45.5;
  u.vel_north = 12.25;
  u.vel_up = -1.5;
  u.pos_sigma = Metres(150.0);
  u.vel_sigma = MetresPerSecond(7.5);
  u.category = ThreatCategory::kDrone;
  u.category_confidence = 0.8;
  u.confidence = 0.9;
  u.updates = 12;
  writer.OnTrackUpdate(u);
  writer.OnTrackEnd({TrackId("trk-7"), UnixTime(1757203400.0), TrackEndReason::kLost});
  ASSERT_EQ(next.updates.size(), 1u);
  ASSERT_EQ(next.ends.size(), 1u);

  std::istringstream in(out.str());
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  auto r = ParseTrackLogLine(line);
  ASSERT_TRUE(r.ok()) << r.status().message() << "\n" << line;
  const auto& back = std::get<TrackUpdate>(*r);
  EXPECT_EQ(back.id.str(), "trk-7");
  EXPECT_NEAR(back.time.seconds(), 1757203325.25, 1e-3);
  EXPECT_EQ(back.status, TrackStatus::kConfirmed);
  EXPECT_NEAR(back.position.lat, 50.4501234, 1e-7);
  EXPECT_NEAR(back.position.lon, 30.5234567, 1e-7);
  EXPECT_TRUE(back.alt_known);
  EXPECT_NEAR(back.vel_east, -45.5, 1e-9);
  EXPECT_NEAR(back.pos_sigma.value(), 150.0, 1e-9);
  EXPECT_EQ(back.category, ThreatCategory::kDrone);
  EXPECT_EQ(back.updates, 12);
  ASSERT_TRUE(std::getline(in, line));
  auto e = ParseTrackLogLine(line);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(std::get<TrackEnd>(*e).reason, TrackEndReason::kLost);
  EXPECT_FALSE(std::getline(in, line));
}

TEST(TrackLogTest, BadLinesSayWhatIsWrong) {
  EXPECT_NE(ParseTrackLogLine("not json").status().message().find("JSON object"), std::string::npos);
  EXPECT_NE(ParseTrackLogLine(R"({"event":"update","time":1})").status().message().find("track"), std::string::npos);
  EXPECT_NE(ParseTrackLogLine(R"({"event":"update","track":"t","time":1,"lat":95,"lon":0})").status().message().find("lat"),
            std::string::npos);
  EXPECT_NE(ParseTrackLogLine(R"({"event":"end","track":"t","time":1,"reason":"gone"})").status().message().find("reason"),
            std::string::npos);
  EXPECT_NE(ParseTrackLogLine(R"({"event":"split","track":"t","time":1})").status().message().find("unknown"),
            std::string::npos);
}

}  // namespace
}  // namespace tocsin::track
