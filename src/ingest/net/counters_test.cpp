#include "ingest/net/counters.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tocsin::ingest::net {
namespace {

TEST(IngestCountersTest, ConcurrentUpdatesAreAllCounted) {
  IngestCounters c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&c, t] {
      for (int i = 0; i < 10000; ++i) {
        c.OnAccepted("S" + std::to_string(i % 8));
        c.OnRejected(RejectReason::kBadMac, {});
        c.AddBytes(3);
        c.OnMessage();
      }
      (void)t;
    });
  for (auto& th : threads) th.join();
  auto s = c.Snapshot();
  EXPECT_EQ(s.accepted_total, 40000u);
  EXPECT_EQ(s.rejected_for(RejectReason::kBadMac), 40000u);
  EXPECT_EQ(s.bytes_total, 120000u);
  EXPECT_EQ(s.by_sensor.at("S3").accepted, 5000u);
  EXPECT_EQ(s.by_sensor.at(std::string(kNoSensor)).rejected_total(), 40000u);
}

TEST(IngestCountersTest, SensorTableIsBounded) {
  IngestCounters c(3);
  for (int i = 0; i < 100; ++i) c.OnAccepted("invented-" + std::to_string(i));
  auto s = c.Snapshot();
  EXPECT_LE(s.by_sensor.size(), 4u);
  EXPECT_EQ(s.by_sensor.at(std::string(kOtherSensor)).accepted, 97u);
  EXPECT_EQ(s.accepted_total, 100u);
}

TEST(IngestCountersTest, PrometheusTextHasEveryReasonAndEscapesLabels) {
  IngestCounters c;
  c.OnConnectionOpened();
  c.OnAccepted("RAD-01");
  c.OnRejected(RejectReason::kReplay, "we\"ird\\id\n");
  std::string text;
  AppendPrometheus({{"tcp", c.Snapshot()}}, &text);
  EXPECT_NE(text.find("# TYPE tocsin_ingest_connections_open gauge\ntocsin_ingest_connections_open{listener=\"tcp\"} 1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("tocsin_ingest_accepted_total{listener=\"tcp\",sensor=\"RAD-01\"} 1\n"), std::string::npos);
  for (RejectReason r : AllRejectReasons())
    EXPECT_NE(text.find("reason=\"" + std::string(ToString(r)) + "\""), std::string::npos) << ToString(r);
  EXPECT_NE(text.find("sensor=\"we\\\"ird\\\\id\\n\",reason=\"replay\"} 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace tocsin::ingest::net
