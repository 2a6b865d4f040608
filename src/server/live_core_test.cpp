#include "server/live_core.h"

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "alert/test_catalog.h"
#include "server/memory_log.h"
#include "track/test_util.h"

namespace tocsin::server {
namespace {

using alert::testing::LoadOrDie;
using alert::testing::RowZones;

constexpr double T0 = 1757203200.0;

class RecordingPublisher final : public DecisionPublisher {
 public:
  explicit RecordingPublisher(const MemoryDecisionLog* log) : log_(log) {}
  void Publish(std::span<const PublishedEvent> events, Mode) override {
    for (const auto& e : events) {
      // Every published decision is already in the log.
      bool stored = false;
      for (const auto& s : log_->events()) stored |= s.seq == e.seq;
      stored_before_publish &= stored;
      published.push_back(e);
    }
  }
  std::vector<PublishedEvent> published;
  bool stored_before_publish = true;

 private:
  const MemoryDecisionLog* log_;
};

class LiveCoreTest : public ::testing::Test {
 protected:
  LiveCoreTest() : catalog_(LoadOrDie(RowZones(6, 3))), clock_(UnixTime(T0)), publisher_(&log_) {}
  std::unique_ptr<LiveCore> MakeCore() {
    auto core = std::make_unique<LiveCore>(catalog_, sensors_, alert::Policy::Defaults(), clock_, log_, publisher_);
    EXPECT_TRUE(core->Start().ok());
    return core;
  }
  zones::Catalog catalog_;
  ingest::SensorIndex sensors_;
  ManualClock clock_;
  MemoryDecisionLog log_;
  RecordingPublisher publisher_;
  OperatorIdentity alice_{"alice", "operator"}, bob_{"bob", "supervisor"};
};

TEST_F(LiveCoreTest, ManualAlertInOneRegionIsIssuedStoredThenPublished) {
  auto core = MakeCore();
  ManualAlertRequest r;
  r.zones = {"Z0", "Z1"};
  r.category = ThreatCategory::kBallisticMissile;
  r.note = "launch reported";
  auto out = core->IssueManual(alice_, r);
  EXPECT_EQ(out.http_status, 200) << out.status;
  EXPECT_EQ(out.status, "issued");
  EXPECT_EQ(out.alerts.size(), 2u);
  core->Stop();
  int starts = 0;
  for (const auto& e : publisher_.published)
    if (e.event.kind == alert::AlertEventKind::kStart) {
      ++starts;
      EXPECT_TRUE(e.manual);
      EXPECT_EQ(e.note, "launch reported");
    }
  EXPECT_EQ(starts, 2);
  EXPECT_TRUE(publisher_.stored_before_publish);
  ASSERT_EQ(log_.audit().size(), 1u);
  EXPECT_EQ(log_.audit()[0].operator_name, "alice");
  EXPECT_EQ(log_.audit()[0].action, "manual_alert");
  EXPECT_EQ(log_.audit()[0].result, "issued");
}

// A backlog (40 scans of a drone queued before the pipeline runs, as in a raid's
// onset) is tracked report by report, but the engine decides the drone's newest
// danger rather than every superseded one; the zones ahead are still alerted and
// nothing waits when the core stops.
TEST_F(LiveCoreTest, BacklogDecidesEachTracksNewestDangerAndAlertsAhead) {
  ingest::SensorIndex radar({track::testing::Radar3d("R1", 48.0, 29.7, 1.0)});
  LiveCore core(catalog_, radar, alert::Policy::Defaults(), clock_, log_, publisher_);
  for (int k = 0; k < 40; ++k) {
    const double t = T0 - 40 + k;
    InboundReport r;  // a drone flying east at 50 m/s towards Z0 (lon 30.0)
    r.report = track::testing::Plot(radar.sensors()[0],
                                    track::testing::Local(48.05, 29.85, 50.0 * k, 0.0, 800.0), t, nullptr);
    r.format = "json";
    r.received = UnixTime(t);
    ASSERT_TRUE(core.Submit(std::move(r)));
  }
  ASSERT_TRUE(core.Start().ok());
  core.Stop();
  EXPECT_EQ(core.stats().processed, 40u);
  EXPECT_EQ(core.stats().pending_dangers, 0u);
  EXPECT_GT(core.stats().superseded_dangers, 0u);  // superseded while the batch was tracked
  // Every report's decision latency is recorded once nothing waits any more.
  std::uint64_t timed = 0;
  for (const auto& c : core.stats().latency_counts) timed += c;
  EXPECT_EQ(timed, 40u);
  bool z0_alerted = false;
  for (const auto& e : publisher_.published)
    z0_alerted |= e.event.kind == alert::AlertEventKind::kStart && e.event.zone == ZoneId("Z0");
  EXPECT_TRUE(z0_alerted);
  EXPECT_TRUE(publisher_.stored_before_publish);
}

// While the engine works off waiting dangers, what it decided is stored and
// published slice by slice (publish_slice_s; 0: after every danger), so the first
// tracks in line are not held back by the last; every report is still timed once.
TEST_F(LiveCoreTest, WaitingDangersArePublishedSliceBySlice) {
  ingest::SensorIndex radar({track::testing::Radar3d("R1", 48.0, 29.7, 1.0)});
  LiveOptions options;
  options.publish_slice_s = 0;
  options.max_batch_s = 10;  // the whole queue is tracked in one batch
  LiveCore core(catalog_, radar, alert::Policy::Defaults(), clock_, log_, publisher_, options);
  constexpr int kDrones = 3, kScans = 10;
  for (int k = 0; k < kScans; ++k)
    for (int d = 0; d < kDrones; ++d) {
      const double t = T0 - kScans + k;
      InboundReport r;  // drones flying east at 50 m/s along the row, 25 km apart
      r.report = track::testing::Plot(radar.sensors()[0],
                                      track::testing::Local(48.05, 29.85, 25000.0 * d + 50.0 * k, 0.0, 800.0), t,
                                      nullptr);
      r.format = "json";
      r.received = UnixTime(t);
      ASSERT_TRUE(core.Submit(std::move(r)));
    }
  ASSERT_TRUE(core.Start().ok());
  core.Stop();
  EXPECT_EQ(core.stats().processed, static_cast<std::uint64_t>(kDrones * kScans));
  // One commit for the batch's reports with the first danger's decisions, then one
  // per further danger that decided something: kDrones tracks wait at the end of the
  // batch, and those ahead in line alert zones of the row before the others.
  std::set<std::string> starting;  // tracks whose danger started some alert or pre-alert
  for (const auto& e : publisher_.published)
    if (!e.event.threats.empty()) starting.insert(e.event.threats.front().str());
  ASSERT_GE(starting.size(), 2u);
  EXPECT_GE(log_.commits(), starting.size());
  EXPECT_EQ(log_.reports().size(), static_cast<std::size_t>(kDrones * kScans));
  std::uint64_t timed = 0;
  for (const auto& c : core.stats().latency_counts) timed += c;
  EXPECT_EQ(timed, static_cast<std::uint64_t>(kDrones * kScans));
  EXPECT_TRUE(publisher_.stored_before_publish);
}

// Cancelling one zone of a manual alert lifts that zone only; the other stays under
// the operator's alert until it is cancelled too.
TEST_F(LiveCoreTest, CancelOnOneZoneOfAManualAlertLeavesItsOtherZones) {
  auto core = MakeCore();
  ManualAlertRequest r;
  r.zones = {"Z0", "Z1"};
  auto out = core->IssueManual(alice_, r);
  ASSERT_EQ(out.alerts.size(), 2u) << out.status;
  EXPECT_EQ(core->Cancel(bob_, CancelRequest{"", "Z0", false}).http_status, 200);
  auto shown = [&] {
    std::set<std::string> zones;
    for (const auto& a : core->snapshot()->alerts)
      if (!a.alert.prealert) {
        EXPECT_TRUE(a.manual);
        zones.insert(catalog_.zone(a.alert.zone).id.str());
      }
    return zones;
  };
  EXPECT_EQ(shown(), std::set<std::string>{"Z1"});
  auto c = core->Cancel(bob_, CancelRequest{"", "Z1", false});
  EXPECT_EQ(c.http_status, 200);
  EXPECT_FALSE(c.alerts.empty());
  EXPECT_TRUE(shown().empty());
  core->Stop();
}

// After an operator action the snapshot is patched (the action's zones read again)
// rather than rebuilt; it must show what a full snapshot shows.
TEST_F(LiveCoreTest, SnapshotPatchedAfterOperatorActionsMatchesAFullOne) {
  auto core = MakeCore();
  ManualAlertRequest a;
  a.zones = {"Z0", "Z1"};
  a.note = "first";
  ASSERT_EQ(core->IssueManual(alice_, a).http_status, 200);
  ManualAlertRequest b;
  b.zones = {"Z1", "Z2"};  // Z1 already under the first: widened, not restarted
  b.note = "second";
  ASSERT_EQ(core->IssueManual(alice_, b).http_status, 200);
  ASSERT_EQ(core->Cancel(bob_, CancelRequest{"", "Z0", false}).http_status, 200);
  auto key = [](const Snapshot& s) {
    std::vector<std::string> out;
    for (const auto& v : s.alerts)
      out.push_back(v.alert.id.str() + " " + std::to_string(v.alert.zone) + (v.alert.prealert ? " pre" : "") +
                    (v.manual ? " manual " : " ") + v.note + " threats " + std::to_string(v.alert.threats.size()));
    return out;
  };
  const auto patched = core->snapshot();
  EXPECT_EQ(patched->alerts.size(), 4u);  // Z1 and Z2, alert and pre-alert
  // The next full snapshot: made once snapshot_interval_s of clock time has passed.
  clock_.Advance(Seconds(1));
  std::shared_ptr<const Snapshot> full;
  for (int i = 0; i < 100 && (full = core->snapshot()) == patched; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_NE(full, patched) << "no full snapshot came";
  EXPECT_EQ(key(*patched), key(*full));
  core->Stop();
}

TEST_F(LiveCoreTest, ManualAlertOverTwoRegionsNeedsASecondOperator) {
  auto core = MakeCore();
  ManualAlertRequest r;
  r.zones = {"Z2", "Z3"};  // regions R0 and R1
  auto out = core->IssueManual(alice_, r);
  ASSERT_EQ(out.http_status, 202) << out.status;
  EXPECT_EQ(out.regions, (std::vector<std::string>{"R0", "R1"}));
  EXPECT_EQ(core->snapshot()->pending.size(), 1u);
  auto self = core->Confirm(alice_, out.request);
  EXPECT_EQ(self.http_status, 403);
  auto ok = core->Confirm(bob_, out.request);
  EXPECT_EQ(ok.http_status, 200) << ok.status;
  EXPECT_EQ(ok.alerts.size(), 2u);
  EXPECT_TRUE(core->snapshot()->pending.empty());
  EXPECT_EQ(core->Confirm(bob_, out.request).http_status, 404);
  core->Stop();
  EXPECT_EQ(log_.audit().size(), 4u);
}

TEST_F(LiveCoreTest, CancelEndsAlertEverywhereWithOperatorReason) {
  auto core = MakeCore();
  ManualAlertRequest r;
  r.zones = {"Z4"};
  auto out = core->IssueManual(alice_, r);
  ASSERT_EQ(out.alerts.size(), 1u);
  auto c = core->Cancel(bob_, CancelRequest{out.alerts[0], "", false});
  EXPECT_EQ(c.http_status, 200) << c.status;
  clock_.Advance(Seconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(core->snapshot()->alerts.empty());
  EXPECT_EQ(core->Cancel(bob_, CancelRequest{"A-999999", "", false}).http_status, 404);
  EXPECT_EQ(core->Cancel(bob_, CancelRequest{}).http_status, 400);
  core->Stop();
  int ends = 0;
  for (const auto& e : publisher_.published)
    if (e.event.kind == alert::AlertEventKind::kEnd) {
      ++ends;
      EXPECT_EQ(e.event.reason, alert::EndReason::kOperator);
    }
  EXPECT_EQ(ends, 1);
}

TEST_F(LiveCoreTest, UnknownZoneAndEmptyPolygonAreRefusedWithWhatToDo) {
  auto core = MakeCore();
  ManualAlertRequest r;
  r.zones = {"nope"};
  auto out = core->IssueManual(alice_, r);
  EXPECT_EQ(out.http_status, 400);
  EXPECT_NE(out.status.find("GET /api/zones"), std::string::npos);
  ManualAlertRequest far;
  far.polygon = {{10, 10}, {10, 10.1}, {10.1, 10.1}};
  EXPECT_EQ(core->IssueManual(alice_, far).http_status, 400);
}

TEST_F(LiveCoreTest, PolygonSelectsTheZonesItCovers) {
  auto core = MakeCore();
  ManualAlertRequest r;
  r.polygon = {{48.02, 30.02}, {48.08, 30.02}, {48.08, 30.08}, {48.02, 30.08}};  // inside Z0
  auto out = core->IssueManual(alice_, r);
  EXPECT_EQ(out.http_status, 200) << out.status;
  EXPECT_EQ(out.alerts.size(), 1u);
}

TEST_F(LiveCoreTest, RestartAdoptsOpenAlertsAndNeverRepeatsIds) {
  {
    auto core = MakeCore();
    ManualAlertRequest r;
    r.zones = {"Z0"};
    ASSERT_EQ(core->IssueManual(alice_, r).http_status, 200);
    core->Stop();
  }
  const std::size_t published_before = publisher_.published.size();
  clock_.Advance(Seconds(2));
  auto core = MakeCore();
  auto snap = core->snapshot();
  ASSERT_EQ(snap->alerts.size(), 2u);  // the alert and its pre-alert, adopted
  EXPECT_EQ(publisher_.published.size(), published_before);  // nothing published twice
  ManualAlertRequest r;
  r.zones = {"Z1"};
  auto out = core->IssueManual(alice_, r);
  ASSERT_EQ(out.alerts.size(), 1u);
  EXPECT_EQ(out.alerts[0], "A-000002");
  EXPECT_EQ(out.request, "R-000002");
}

// Stored reports past the retention are deleted while the pipeline is idle, a
// bounded chunk at a time, and again at once while a chunk came back full.
TEST_F(LiveCoreTest, ReportsPastTheRetentionAreDeletedInChunks) {
  ingest::SensorIndex radar({track::testing::Radar3d("R1", 48.0, 29.7, 1.0)});
  LiveOptions options;
  options.report_retention_s = 3600;
  options.prune_max_rows = 2;
  options.prune_interval_s = 1000;  // the clock stands still: only full chunks call again
  LiveCore core(catalog_, radar, alert::Policy::Defaults(), clock_, log_, publisher_, options);
  auto submit = [&](double received) {
    InboundReport r;
    r.report = track::testing::Plot(radar.sensors()[0], track::testing::Local(48.05, 29.85, 0, 0, 800.0),
                                    received, nullptr);
    r.format = "json";
    r.received = UnixTime(received);
    ASSERT_TRUE(core.Submit(std::move(r)));
  };
  for (int i = 0; i < 5; ++i) submit(T0 - 7200 + i);  // two hours old
  for (int i = 0; i < 2; ++i) submit(T0 - 10 + i);
  ASSERT_TRUE(core.Start().ok());
  for (int i = 0; i < 200 && core.stats().reports_pruned < 5; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  core.Stop();
  EXPECT_EQ(core.stats().reports_pruned, 5u);
  ASSERT_EQ(log_.reports().size(), 2u);
  EXPECT_EQ(log_.reports()[0].received, UnixTime(T0 - 10));
}

TEST_F(LiveCoreTest, StoreFailureStillPublishesAndIsCounted) {
  auto core = MakeCore();
  log_.FailNextCommit("disk full");
  ManualAlertRequest r;
  r.zones = {"Z5"};
  auto out = core->IssueManual(alice_, r);
  EXPECT_EQ(out.http_status, 200);
  core->Stop();
  EXPECT_EQ(core->stats().store_failures.load(), 1u);
  EXPECT_FALSE(publisher_.published.empty());
}

}  // namespace
}  // namespace tocsin::server
