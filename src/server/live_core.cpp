#include "server/live_core.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <ranges>
#include <set>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "replay/pipeline.h"
#include "track/tracker.h"

namespace tocsin::server {


std::optional<std::uint64_t> RequestNumberInAudit(std::string_view detail_json) {
  const auto j = nlohmann::json::parse(detail_json, nullptr, false);
  if (!j.is_object() || !j.contains("request") || !j["request"].is_string()) return std::nullopt;
  return alert::AlertIdAllocator::Number('R', j["request"].get<std::string>());
}

namespace {

constexpr std::string_view kManualPrefix = "op-";

bool IsManualSource(const TrackId& t) { return t.str().rfind(kManualPrefix, 0) == 0; }

// The manual sources among an alert's threats (ascending): ids with the same prefix
// sort together, so this is O(log n) rather than a walk over thousands of track ids.
std::ranges::subrange<alert::ThreatList::const_iterator> ManualSources(const alert::ThreatList& threats) {
  auto first = std::lower_bound(threats.begin(), threats.end(), TrackId(std::string(kManualPrefix)));
  auto last = first;
  while (last != threats.end() && IsManualSource(*last)) ++last;
  return {first, last};
}

std::string RequestId(std::uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "R-%06llu", static_cast<unsigned long long>(n));
  return buf;
}

// Collects the engine's decisions during one batch.
class CollectingSink final : public alert::AlertSink {
 public:
  void Emit(const alert::AlertEvent& e) override { events.push_back(e); }
  std::vector<alert::AlertEvent> events;
};

// The tracker's sink: keeps the track table for snapshots and forwards to the
// alert pipeline unless warming up after a restart.
class LiveTrackSink final : public track::TrackSink {
 public:
  // Shows each track the danger the predictor made for it (the one the engine
  // decides on), so views need not predict again.
  LiveTrackSink(replay::Pipeline& pipeline, std::size_t trail_points)
      : pipeline_(pipeline), trail_points_(trail_points) {
    pipeline_.SetDangerObserver([this](const alert::Danger& d) {
      if (updating_ && updating_->update.id == d.track) updating_->danger = d;
    });
  }
  void OnTrackUpdate(const track::TrackUpdate& u) override {
    auto& v = tracks[u.id];
    v.update = u;
    versions[u.id] = ++last_version;
    if (v.trail.empty() || v.trail.back().lat != u.position.lat || v.trail.back().lon != u.position.lon) {
      v.trail.push_back(u.position);
      if (v.trail.size() > trail_points_) v.trail.erase(v.trail.begin());
    }
    if (warming) return;
    updating_ = &v;
    pipeline_.OnTrackUpdate(u);
    updating_ = nullptr;
  }
  void OnTrackEnd(const track::TrackEnd& e) override {
    tracks.erase(e.id);
    versions.erase(e.id);
    if (!warming) pipeline_.OnTrackEnd(e);
  }
  bool warming = false;
  std::map<TrackId, TrackView> tracks;
  // Per live track, the number of the update that last changed it (numbered across
  // all tracks, so a track ended and started again under the same id never matches
  // a view cached for the old one).
  std::unordered_map<TrackId, std::uint64_t> versions;
  std::uint64_t last_version = 0;

 private:
  replay::Pipeline& pipeline_;
  std::size_t trail_points_;
  TrackView* updating_ = nullptr;  // the track whose update the pipeline handles
};

struct PendingRequest {
  PendingRequestView view;
  ManualAlertRequest request;
  std::vector<zones::ZoneIndex> zones;
};

}  // namespace

struct LiveCore::Impl {
  Impl(LiveCore& o, alert::Policy policy, DecisionLog& l, DecisionPublisher& p)
      : owner(o), log(l), publisher(p), policy(std::move(policy)) {}

  LiveCore& owner;
  DecisionLog& log;
  DecisionPublisher& publisher;
  alert::Policy policy;
  double started_wall = 0;

  // Shared with other threads.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<InboundReport> queue;
  std::deque<std::function<void()>> commands;
  std::set<std::string> overloaded;  // sensors whose reports were refused
  bool stopping = false;
  std::thread thread;
  mutable std::mutex snap_mu;
  std::shared_ptr<const Snapshot> snap;

  // Pipeline thread only.
  CollectingSink collected;
  std::unique_ptr<replay::Pipeline> pipeline;
  std::unique_ptr<LiveTrackSink> track_sink;
  std::unique_ptr<track::Tracker> tracker;
  track::TrackerConfig tracker_config;
  predict::Predictor predictor_for_views;
  // The views of the tracks (with the danger shown), by track: built once per track
  // update (version) and shared by the snapshots until the track changes.
  struct CachedView {
    std::uint64_t version = 0;
    std::shared_ptr<const TrackView> view;
  };
  std::unordered_map<TrackId, CachedView> track_views;
  // The alert views last shown, by zone and level (2 * zone + 1 for pre-alerts),
  // reused while the alert, its category and its (shared) threat list are the same.
  std::vector<AlertView> alert_views;
  std::size_t alerts_shown = 0;
  // Zones an operator action being run touched (PatchSnapshot refreshes them).
  std::vector<zones::ZoneIndex> operator_zones;
  std::vector<AuditRecord> audit;
  std::vector<PublishedEvent> published;
  std::uint64_t seq = 0;
  std::uint64_t next_request = 1;
  std::unordered_map<std::string, double> expected_at;  // open alert id -> expected arrival
  std::unordered_map<std::string, std::string> manual_note;  // manual source -> note
  // Manual source -> the zones it was issued on (ascending), until it is withdrawn.
  std::unordered_map<std::string, std::vector<zones::ZoneIndex>> manual_zones;
  std::map<std::string, PendingRequest> pending;
  std::unordered_map<std::string, double> last_seen;     // sensor -> clock time
  std::unordered_map<std::string, double> stale_until;   // overloaded sensors
  std::set<std::string> stale;                           // currently marked stale
  double last_snapshot = -1e300;
  double last_prune = -1e300;  // clock time of the last PruneReports
  bool prune_more = false;     // it deleted a full chunk: more may be past the retention
  std::chrono::steady_clock::time_point last_snapshot_steady{};
  bool snapshot_due = false;  // decisions published since the last snapshot
  // Reports not yet decided, in runs of arrivals at most 1 ms long with one danger
  // mark (see replay::Pipeline::danger_mark): (first arrival of the run, reports in
  // it, the mark). At most one run per ms and per danger ticket issued while they
  // wait, so bounded by the backlog's duration in ms plus the tracks waiting.
  struct Undecided {
    std::chrono::steady_clock::time_point arrived;
    std::uint64_t reports = 0;
    std::uint64_t mark = 0;
  };
  std::deque<Undecided> undecided;

  double Now() const { return owner.clock_.Now().seconds(); }

  // ---- decisions ----------------------------------------------------------
  // Turns the engine's collected events into published events.
  void TakeDecisions() {
    for (auto& e : collected.events) {
      PublishedEvent p;
      p.event = std::move(e);
      p.seq = ++seq;
      if (alert::IsStart(p.event.kind)) {
        for (const auto& t : p.event.threats)
          if (IsManualSource(t)) {
            p.manual = true;
            if (auto it = manual_note.find(t.str()); it != manual_note.end()) p.note = it->second;
          }
        if (p.event.expected_s) {
          p.expected_at = p.event.time.seconds() + *p.event.expected_s;
          expected_at[p.event.alert.str()] = *p.expected_at;
        }
      } else {
        expected_at.erase(p.event.alert.str());
      }
      published.push_back(std::move(p));
    }
    collected.events.clear();
  }

  // Stores and publishes what was decided since the last call, with the reports
  // tracked for it (`marks[i]`: the danger mark after reports[i]; empty: marked now),
  // then times every report whose dangers have all been decided. With `snapshot`,
  // makes a snapshot when one is due.
  void CommitAndPublish(std::span<const InboundReport> reports, std::span<const std::uint64_t> marks = {},
                        bool snapshot = true) {
    TakeDecisions();
    if (!reports.empty() || !published.empty() || !audit.empty()) {
      if (Status s = log.Commit(reports, published, audit); !s.ok()) {
        ++owner.stats_.store_failures;
        std::fprintf(stderr, "tocsin serve: event log write failed (%s); decisions are still published — "
                     "check the disk and the store path\n", s.message().c_str());
      }
    }
    if (!published.empty()) {
      owner.stats_.decisions += published.size();
      publisher.Publish(published, owner.options_.mode);
    }
    TimeDecidedReports(reports, marks);
    const bool operator_action = !audit.empty();
    // An operator action's decisions are shown at once, by PatchSnapshot.
    if (!published.empty() && !operator_action) snapshot_due = true;
    if (operator_action)
      for (const auto& p : published)
        if (auto z = owner.catalog_.Find(p.event.zone)) operator_zones.push_back(*z);
    published.clear();
    audit.clear();
    if (!snapshot) return;
    const double now = Now();
    const bool gap_passed = std::chrono::steady_clock::now() - last_snapshot_steady >=
                            std::chrono::duration<double>(owner.options_.snapshot_min_gap_s);
    if ((snapshot_due && gap_passed) || now - last_snapshot >= owner.options_.snapshot_interval_s) {
      MakeSnapshot(now);
    } else if (operator_action) {
      PatchSnapshot(now, std::move(operator_zones));
    }
    operator_zones.clear();
  }

  // A report is decided once every danger that may stem from it has reached the
  // engine and been published: the dangers waiting when it was tracked (its mark)
  // have all left the line. Reports of a run are timed from its first arrival (at
  // most 1 ms early): an upper bound.
  void TimeDecidedReports(std::span<const InboundReport> reports, std::span<const std::uint64_t> marks) {
    const std::uint64_t now_mark = pipeline->danger_mark();
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const auto arrived = reports[i].arrived;
      const std::uint64_t mark = i < marks.size() ? marks[i] : now_mark;
      if (!undecided.empty() && mark == undecided.back().mark && arrived >= undecided.back().arrived &&
          arrived - undecided.back().arrived < std::chrono::milliseconds(1)) {
        ++undecided.back().reports;
      } else {
        undecided.push_back({arrived, 1, mark});
      }
    }
    if (undecided.empty()) return;
    const std::uint64_t first_waiting = pipeline->first_waiting_danger();
    const auto done = std::chrono::steady_clock::now();
    while (!undecided.empty() && undecided.front().mark <= first_waiting) {
      const Undecided& u = undecided.front();
      const double lat = std::chrono::duration<double>(done - u.arrived).count();
      std::size_t b = 0;
      while (b < LiveStats::kBuckets.size() && lat > LiveStats::kBuckets[b]) ++b;
      owner.stats_.latency_counts[b] += u.reports;
      owner.stats_.latency_sum.store(owner.stats_.latency_sum.load() + lat * static_cast<double>(u.reports));
      undecided.pop_front();
    }
  }

  // The view of an open alert: the cached one while the alert, its category and its
  // (shared) threat list are the same.
  const AlertView& ViewOf(alert::ActiveAlert a) {
    AlertView& v = alert_views[2 * a.zone + (a.prealert ? 1 : 0)];
    if (v.alert.id != a.id || v.alert.category != a.category || !v.alert.threats.SameListAs(a.threats)) {
      v = AlertView{};
      v.alert = std::move(a);
      if (auto it = expected_at.find(v.alert.id.str()); it != expected_at.end()) v.expected_at = it->second;
      for (const auto& t : ManualSources(v.alert.threats)) {
        v.manual = true;
        if (auto it = manual_note.find(t.str()); it != manual_note.end()) v.note = it->second;
      }
    }
    return v;
  }

  // The snapshot after an operator action: the last one, with the alerts of `zs` (the
  // action's zones and those its decisions touched) read again from the engine and the
  // pending requests rebuilt. The other alerts' threat lists and the tracks stay as in
  // the last snapshot (decisions of the batches since are in the next full snapshot,
  // at most snapshot_min_gap_s later). Cheaper than MakeSnapshot, which walks every
  // alert and track.
  void PatchSnapshot(double now, std::vector<zones::ZoneIndex> zs) {
    std::shared_ptr<const Snapshot> prev;
    {
      std::lock_guard lock(snap_mu);
      prev = snap;
    }
    if (!prev) return MakeSnapshot(now);
    std::sort(zs.begin(), zs.end());
    zs.erase(std::unique(zs.begin(), zs.end()), zs.end());
    auto s = std::make_shared<Snapshot>();
    s->time = UnixTime(now);
    s->mode = prev->mode;
    s->uptime_s = SystemClock().Now().seconds() - started_wall;
    s->last_seq = seq;
    s->tracks = prev->tracks;
    s->sensors = prev->sensors;
    s->alerts.reserve(prev->alerts.size() + 2 * zs.size());
    std::vector<alert::ActiveAlert> open;  // of one zone
    auto next = prev->alerts.begin();  // zone order, pre-alert first
    for (zones::ZoneIndex z : zs) {
      for (; next != prev->alerts.end() && next->alert.zone < z; ++next) s->alerts.push_back(*next);
      while (next != prev->alerts.end() && next->alert.zone == z) ++next;
      open.clear();
      pipeline->engine().ActiveOn(z, open);
      for (auto& a : open) s->alerts.push_back(ViewOf(std::move(a)));
    }
    s->alerts.insert(s->alerts.end(), next, prev->alerts.end());
    Show(std::move(s));
  }

  // Completes `s` (pending requests, counters) and makes it the snapshot served.
  void Show(std::shared_ptr<Snapshot> s) {
    for (const auto& [id, p] : pending) s->pending.push_back(p.view);
    std::size_t alerts = 0, pre = 0;
    for (const auto& v : s->alerts) (v.alert.prealert ? pre : alerts)++;
    owner.stats_.live_tracks = s->tracks.size();
    owner.stats_.active_alerts = alerts;
    owner.stats_.active_prealerts = pre;
    std::shared_ptr<const Snapshot> out = std::move(s);
    {
      std::lock_guard lock(snap_mu);
      snap = out;
    }
    publisher.OnSnapshot(out);
  }

  void MakeSnapshot(double now) {
    last_snapshot = now;
    last_snapshot_steady = std::chrono::steady_clock::now();
    snapshot_due = false;
    auto s = std::make_shared<Snapshot>();
    s->time = UnixTime(now);
    s->mode = owner.options_.mode;
    s->uptime_s = SystemClock().Now().seconds() - started_wall;
    s->last_seq = seq;
    // Cached views are updated in place; those of tracks gone (ended, or no longer
    // confirmed) are swept when there are more views than shown tracks.
    s->tracks.reserve(track_sink->tracks.size());
    for (const auto& [id, v] : track_sink->tracks) {
      if (v.update.status != track::TrackStatus::kConfirmed) continue;
      const std::uint64_t version = track_sink->versions[id];
      CachedView& cv = track_views[id];
      if (!cv.view || cv.version != version) {
        auto t = std::make_shared<TrackView>(v);
        // Tracks rebuilt after a restart show a prediction until the pipeline's first.
        if (!t->danger) t->danger = predictor_for_views.Compute(v.update);
        cv = {version, std::move(t)};
      }
      s->tracks.push_back(cv.view);
    }
    if (track_views.size() > s->tracks.size())
      std::erase_if(track_views, [&](const auto& kv) {
        auto it = track_sink->tracks.find(kv.first);
        return it == track_sink->tracks.end() || it->second.update.status != track::TrackStatus::kConfirmed;
      });
    s->alerts.reserve(alerts_shown);
    for (auto& a : pipeline->engine().Active()) s->alerts.push_back(ViewOf(std::move(a)));
    alerts_shown = s->alerts.size();
    for (const auto& d : owner.sensors_.sensors()) {
      SensorView v;
      v.sensor = &d;
      v.stale = stale.count(d.id.str()) > 0;
      if (auto it = last_seen.find(d.id.str()); it != last_seen.end()) v.last_report = it->second;
      s->sensors.push_back(v);
    }
    Show(std::move(s));
  }

  // ---- sensors --------------------------------------------------------------
  // Radars that report every scan (clutter expected) are stale after silence;
  // overloaded sensors are stale until their window passes.
  void CheckSensors(double now) {
    std::set<std::string> want;
    for (const auto& d : owner.sensors_.sensors()) {
      const std::string& id = d.id.str();
      auto seen = last_seen.find(id);
      if (d.type == ingest::SensorType::kRadar && d.period_s > 0 && d.false_per_scan > 0 && seen != last_seen.end()) {
        const double limit = std::max(owner.options_.sensor_stale_after_s, 5 * d.period_s);
        if (now - seen->second > limit) want.insert(id);
      }
      if (auto it = stale_until.find(id); it != stale_until.end()) {
        if (it->second > now) want.insert(id);
        else stale_until.erase(it);
      }
    }
    for (const auto& id : want)
      if (!stale.count(id)) pipeline->engine().SetSensorStale(SensorId(id), true, UnixTime(now));
    for (const auto& id : stale)
      if (!want.count(id)) pipeline->engine().SetSensorStale(SensorId(id), false, UnixTime(now));
    stale = std::move(want);
  }

  // ---- the loop ------------------------------------------------------------
  void AdvanceTo(double now) {
    pipeline->AdvanceTo(UnixTime(now), [this](UnixTime t) {
      tracker->Advance(t);
      CheckSensors(t.seconds());
    });
  }

  void Run() {
    std::vector<InboundReport> batch;
    std::vector<std::uint64_t> marks;  // the batch's danger marks, one per report
    std::deque<InboundReport> taken;  // taken from the queue, not processed yet
    std::deque<std::function<void()>> cmds;
    std::set<std::string> newly_overloaded;
    const auto budget = std::chrono::duration<double>(owner.options_.max_batch_s);
    const auto slice = std::chrono::duration<double>(owner.options_.publish_slice_s);
    for (;;) {
      batch.clear();
      cmds.clear();
      newly_overloaded.clear();
      bool stop, caught_up;
      {
        std::unique_lock lock(mu);
        if (taken.empty()) {
          if (pipeline->pending_dangers() == 0)
            cv.wait_for(lock, std::chrono::milliseconds(50),
                        [&] { return stopping || !queue.empty() || !commands.empty(); });
          const std::size_t n = std::min(queue.size(), owner.options_.max_batch);
          for (std::size_t i = 0; i < n; ++i) {
            taken.push_back(std::move(queue.front()));
            queue.pop_front();
          }
        }
        cmds.swap(commands);
        newly_overloaded.swap(overloaded);
        stop = stopping && queue.empty();
        caught_up = queue.empty();
      }
      const double now = Now();
      for (const auto& s : newly_overloaded) stale_until[s] = now + owner.options_.sensor_stale_after_s;
      if (!newly_overloaded.empty()) CheckSensors(now);
      // Operator actions first: each commits and publishes its own decisions.
      for (auto& c : cmds) c();
      // Time follows the reports while a backlog is worked off (so the tracker does
      // not sweep tracks whose next reports are still queued), and the clock once
      // caught up.
      const auto started = std::chrono::steady_clock::now();
      marks.clear();
      while (!taken.empty()) {
        batch.push_back(std::move(taken.front()));
        taken.pop_front();
        const InboundReport& r = batch.back();
        double& seen = last_seen[r.report.sensor.str()];
        seen = std::max(seen, r.received.seconds());
        AdvanceTo(std::min(r.report.time.seconds(), now));
        tracker->Process(r.report);
        marks.push_back(pipeline->danger_mark());
        if (std::chrono::steady_clock::now() - started > budget) break;
      }
      caught_up = caught_up && taken.empty();
      if (caught_up) AdvanceTo(now);
      // Then the engine takes the tracks' latest dangers, longest-waiting first, for
      // as long again: under a backlog the tracker keeps pace with the reports and
      // the engine decides each track's newest estimate instead of every one.
      // Caught up with nothing else waiting: decide them all now (no report or
      // operator action waits behind them). What is decided is stored and published
      // every publish_slice_s, so the first dangers in line do not wait for the last.
      owner.stats_.processed += batch.size();
      ++owner.stats_.batches;
      const auto deciding = std::chrono::steady_clock::now();
      auto may_decide = [&] {
        if (std::chrono::steady_clock::now() - deciding <= budget) return true;
        std::lock_guard lock(mu);
        return caught_up && queue.empty() && commands.empty();
      };
      bool first_slice = true;
      do {
        const auto slice_start = std::chrono::steady_clock::now();
        pipeline->ApplyPendingDangers(
            [&] { return std::chrono::steady_clock::now() - slice_start <= slice && may_decide(); });
        CommitAndPublish(first_slice ? std::span<const InboundReport>(batch) : std::span<const InboundReport>(),
                         first_slice ? std::span<const std::uint64_t>(marks) : std::span<const std::uint64_t>(),
                         /*snapshot=*/false);
        first_slice = false;
      } while (pipeline->pending_dangers() > 0 && may_decide());
      owner.stats_.pending_dangers = pipeline->pending_dangers();
      owner.stats_.superseded_dangers = pipeline->stats().superseded;
      owner.stats_.max_danger_wait_s = pipeline->stats().max_wait_s;
      CommitAndPublish({});  // the snapshot, when one is due
      if (stop && taken.empty() && pipeline->pending_dangers() == 0) return;
      if (taken.empty() && pipeline->pending_dangers() == 0) PruneIfDue();
    }
  }

  // Deletes stored reports past the retention, a bounded chunk at a time, when the
  // pipeline has nothing waiting (see LiveOptions::report_retention_s).
  void PruneIfDue() {
    const double now = Now();
    if (!prune_more && now - last_prune < owner.options_.prune_interval_s) return;
    {
      std::lock_guard lock(mu);
      if (!queue.empty() || !commands.empty()) return;
    }
    last_prune = now;
    auto n = log.PruneReports(now - owner.options_.report_retention_s, owner.options_.prune_max_rows);
    if (!n.ok()) {
      ++owner.stats_.store_failures;
      prune_more = false;
      std::fprintf(stderr, "tocsin serve: deleting reports past the retention failed (%s); retried in %g s — "
                   "check the disk and the store path\n", n.status().message().c_str(), owner.options_.prune_interval_s);
      return;
    }
    owner.stats_.reports_pruned += static_cast<std::uint64_t>(*n);
    prune_more = *n >= owner.options_.prune_max_rows;
  }

  // Runs `f` on the pipeline thread and waits for its result.
  OperatorOutcome RunCommand(std::function<OperatorOutcome()> f) {
    auto task = std::make_shared<std::packaged_task<OperatorOutcome()>>(std::move(f));
    auto fut = task->get_future();
    {
      std::lock_guard lock(mu);
      if (stopping || !thread.joinable()) return {503, "the server is stopping; retry when it is back", {}, {}, {}};
      commands.push_back([task] { (*task)(); });
    }
    cv.notify_one();
    if (fut.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
      return {503, "the pipeline did not answer within 10 s (overloaded); retry", {}, {}, {}};
    return fut.get();
  }

  // ---- operator actions (pipeline thread) -------------------------------------
  void Audit(const OperatorIdentity& who, std::string action, nlohmann::json detail, const OperatorOutcome& out) {
    ++owner.stats_.operator_actions;
    audit.push_back({Now(), who.name, who.role, std::move(action), detail.dump(),
                     out.http_status < 300 ? out.status : "refused: " + out.status});
  }

  std::vector<std::string> RegionsOf(const std::vector<zones::ZoneIndex>& zs) const {
    std::set<std::string> r;
    for (auto z : zs) {
      const auto& zone = owner.catalog_.zone(z);
      r.insert(zone.parent.empty() ? zone.id.str() : zone.parent.str());
    }
    return {r.begin(), r.end()};
  }

  OperatorOutcome Issue(const std::string& request_id, const ManualAlertRequest& req,
                        const std::vector<zones::ZoneIndex>& zs) {
    const double now = Now();
    AdvanceTo(now);
    const double duration = req.duration_s > 0 ? req.duration_s : owner.options_.manual_default_duration_s;
    const TrackId source(std::string(kManualPrefix) + request_id);
    manual_note[source.str()] = req.note;
    manual_zones[source.str()] = zs;
    operator_zones.insert(operator_zones.end(), zs.begin(), zs.end());
    const std::size_t before = collected.events.size();
    pipeline->engine().UpsertManual(source, zs, req.category, UnixTime(now + duration), UnixTime(now));
    OperatorOutcome out{200, "issued", {}, request_id, {}};
    for (std::size_t i = before; i < collected.events.size(); ++i)
      if (collected.events[i].kind == alert::AlertEventKind::kStart) out.alerts.push_back(collected.events[i].alert.str());
    // Zones already under alert stay under their open alert (widening writes nothing).
    // zs is ascending, as Active() is.
    for (auto z : zs)
      if (auto id = pipeline->engine().OpenAlert(z, false);
          id && std::find(out.alerts.begin(), out.alerts.end(), id->str()) == out.alerts.end())
        out.alerts.push_back(id->str());
    return out;
  }

  Result<std::vector<zones::ZoneIndex>> ResolveZones(const ManualAlertRequest& req) const {
    std::vector<zones::ZoneIndex> zs;
    for (const auto& id : req.zones) {
      auto z = owner.catalog_.Find(ZoneId(id));
      if (!z) return Status::Error("unknown zone '" + id + "': use ids from GET /api/zones");
      zs.push_back(*z);
    }
    if (!req.polygon.empty()) {
      if (req.polygon.size() < 3) return Status::Error("a polygon needs at least 3 [lon, lat] points");
      zones::Polygon poly;
      poly.outer = req.polygon;
      if (!(poly.outer.front() == poly.outer.back())) poly.outer.push_back(poly.outer.front());
      for (auto z : owner.catalog_.ZonesTouching(poly)) zs.push_back(z);
    }
    std::sort(zs.begin(), zs.end());
    zs.erase(std::unique(zs.begin(), zs.end()), zs.end());
    if (zs.empty()) return Status::Error("no zone selected: give \"zones\" ids or a \"polygon\" that covers zones");
    return zs;
  }
};

LiveCore::LiveCore(const zones::Catalog& catalog, const ingest::SensorIndex& sensors, alert::Policy policy,
                   const Clock& clock, DecisionLog& log, DecisionPublisher& publisher, LiveOptions options)
    : catalog_(catalog), sensors_(sensors), clock_(clock), options_(options),
      impl_(std::make_unique<Impl>(*this, std::move(policy), log, publisher)) {}

LiveCore::~LiveCore() { Stop(); }

Status LiveCore::Start() {
  Impl& m = *impl_;
  m.started_wall = SystemClock().Now().seconds();
  const double now = clock_.Now().seconds();
  auto restored = m.log.Restore(now - options_.restore_window_s);
  if (!restored.ok()) return restored.status();
  m.seq = restored->last_seq;
  m.next_request = restored->next_request;
  m.pipeline = std::make_unique<replay::Pipeline>(catalog_, m.policy, m.collected, predict::PredictorConfig{},
                                                  options_.tick_interval_s, restored->ids);
  m.pipeline->SetRadars(sensors_.sensors());  // lost drones that vanished in cover do not dead-reckon
  m.alert_views.resize(2 * catalog_.zones().size());
  m.track_sink = std::make_unique<LiveTrackSink>(*m.pipeline, options_.trail_points);
  m.tracker = std::make_unique<track::Tracker>(sensors_, m.tracker_config, *m.track_sink);
  // Rebuild tracks from recent reports without deciding anything, then adopt the
  // alerts left open (ended later by their hold unless tracks touch them again).
  m.track_sink->warming = true;
  for (const auto& r : restored->recent_reports) {
    m.tracker->Advance(r.report.time);
    m.tracker->Process(r.report);
    m.last_seen[r.report.sensor.str()] = r.received.seconds();
  }
  m.tracker->Advance(UnixTime(now));
  m.track_sink->warming = false;
  for (auto& [id, v] : m.track_sink->tracks) m.pipeline->OnTrackUpdate(v.update);
  m.pipeline->engine().RestoreOpenAlerts(restored->open, UnixTime(now));
  for (const auto& e : restored->open)
    if (e.expected_s) m.expected_at[e.alert.str()] = e.time.seconds() + *e.expected_s;
  m.pipeline->AdvanceTo(UnixTime(now));
  m.pipeline->SetDeferDangers(true);
  // Decisions made while adopting (tracks re-touching zones) are new decisions.
  m.CommitAndPublish({});
  m.MakeSnapshot(now);
  m.thread = std::thread([this] { impl_->Run(); });
  return Status::Ok();
}

void LiveCore::Stop() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    if (!m.thread.joinable()) return;
    m.stopping = true;
  }
  m.cv.notify_one();
  m.thread.join();
}

bool LiveCore::Submit(InboundReport report) {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mu);
    if (m.queue.size() >= options_.queue_capacity || m.stopping) {
      ++stats_.refused_overload;
      m.overloaded.insert(report.report.sensor.str());
      return false;
    }
    m.queue.push_back(std::move(report));
  }
  ++stats_.submitted;
  m.cv.notify_one();
  return true;
}

std::shared_ptr<const Snapshot> LiveCore::snapshot() const {
  std::lock_guard lock(impl_->snap_mu);
  return impl_->snap;
}

OperatorOutcome LiveCore::IssueManual(const OperatorIdentity& who, const ManualAlertRequest& request) {
  return impl_->RunCommand([this, who, request]() {
    Impl& m = *impl_;
    nlohmann::json detail = {{"zones", request.zones}, {"category", std::string(ToString(request.category))},
                             {"note", request.note}, {"duration_s", request.duration_s}};
    if (!request.polygon.empty()) {
      auto& poly = detail["polygon"] = nlohmann::json::array();
      for (const auto& p : request.polygon) poly.push_back({p.lon, p.lat});
    }
    OperatorOutcome out;
    auto zs = m.ResolveZones(request);
    if (!zs.ok()) {
      out = {400, zs.status().message(), {}, {}, {}};
    } else if (request.duration_s < 0 || request.duration_s > options_.manual_max_duration_s) {
      out = {400, "duration_s must be between 0 (default " + std::to_string(int(options_.manual_default_duration_s)) +
                      " s) and " + std::to_string(int(options_.manual_max_duration_s)), {}, {}, {}};
    } else {
      const std::string id = RequestId(m.next_request++);
      auto regions = m.RegionsOf(*zs);
      if (regions.size() > 1) {
        PendingRequest p;
        p.view = {id, who.name, m.Now(), {}, regions, std::string(ToString(request.category)), request.note};
        for (auto z : *zs) p.view.zones.push_back(catalog_.zone(z).id.str());
        p.request = request;
        p.zones = *zs;
        m.pending[id] = std::move(p);
        out = {202, "pending", {}, id, regions};
      } else {
        out = m.Issue(id, request, *zs);
      }
      detail["request"] = id;
      detail["zones_resolved"] = zs->size();
    }
    m.Audit(who, "manual_alert", detail, out);
    m.CommitAndPublish({});
    return out;
  });
}

OperatorOutcome LiveCore::Confirm(const OperatorIdentity& who, const std::string& request_id) {
  return impl_->RunCommand([this, who, request_id]() {
    Impl& m = *impl_;
    OperatorOutcome out;
    auto it = m.pending.find(request_id);
    if (it == m.pending.end()) {
      out = {404, "no pending request '" + request_id + "' (already confirmed or never made); see GET /api/operator/pending",
             {}, {}, {}};
    } else if (it->second.view.requested_by == who.name) {
      out = {403, "a manual alert over more than one region needs a second operator: '" + who.name +
                      "' made the request and cannot confirm it", {}, request_id, it->second.view.regions};
    } else {
      PendingRequest p = std::move(it->second);
      m.pending.erase(it);
      out = m.Issue(request_id, p.request, p.zones);
    }
    m.Audit(who, "confirm", {{"request", request_id}}, out);
    m.CommitAndPublish({});
    return out;
  });
}

OperatorOutcome LiveCore::Cancel(const OperatorIdentity& who, const CancelRequest& request) {
  return impl_->RunCommand([this, who, request]() {
    Impl& m = *impl_;
    const double now = m.Now();
    m.AdvanceTo(now);
    auto& engine = m.pipeline->engine();
    std::vector<zones::ZoneIndex> zs;
    std::vector<alert::ActiveAlert> lifted;  // the alerts and pre-alerts the request lifts
    OperatorOutcome out{200, "cancelled", {}, {}, {}};
    if (request.all) {
      lifted = engine.Active();
      for (const auto& a : lifted) zs.push_back(a.zone);
    } else if (!request.alert.empty()) {
      for (auto& a : engine.Active())
        if (a.id.str() == request.alert) zs.push_back(a.zone);
      if (zs.empty()) {
        if (auto p = m.pending.find(request.alert); p != m.pending.end()) {
          m.pending.erase(p);
          out.request = request.alert;
        } else {
          out = {404, "no open alert '" + request.alert + "'; see GET /api/alerts/active", {}, {}, {}};
        }
      }
    } else if (!request.zone.empty()) {
      auto z = catalog_.Find(ZoneId(request.zone));
      if (!z) out = {404, "unknown zone '" + request.zone + "'", {}, {}, {}};
      else zs.push_back(*z);
    } else {
      out = {400, "say what to cancel: {\"alert\": id} or {\"zone\": id} or {\"all\": true}", {}, {}, {}};
    }
    std::sort(zs.begin(), zs.end());
    zs.erase(std::unique(zs.begin(), zs.end()), zs.end());
    if (!request.all)
      for (auto z : zs) engine.ActiveOn(z, lifted);
    const std::size_t before = m.collected.events.size();
    std::set<std::string> sources;
    for (const auto& a : lifted)
      for (const auto& t : ManualSources(a.threats)) sources.insert(t.str());
    for (auto z : zs) engine.CancelZone(catalog_.zone(z).id, UnixTime(now));
    m.operator_zones.insert(m.operator_zones.end(), zs.begin(), zs.end());
    // A manual alert cancelled everywhere it was open is withdrawn for good. Where it
    // was issued is known unless it was restored from the log.
    std::optional<std::vector<alert::ActiveAlert>> all_after;
    for (const auto& s : sources) {
      const TrackId source(s);
      std::vector<alert::ActiveAlert> issued_on;  // the open alerts of its zones
      const std::vector<alert::ActiveAlert>* where = &issued_on;
      if (auto it = m.manual_zones.find(s); it != m.manual_zones.end()) {
        for (auto z : it->second) engine.ActiveOn(z, issued_on);
      } else {
        if (!all_after) all_after = engine.Active();
        where = &*all_after;
      }
      const bool still =
          std::any_of(where->begin(), where->end(), [&](const auto& a) { return a.threats.Contains(source); });
      if (!still) {
        engine.RemoveDanger(source, alert::EndReason::kOperator, UnixTime(now));
        m.manual_zones.erase(s);
      }
    }
    for (std::size_t i = before; i < m.collected.events.size(); ++i)
      if (m.collected.events[i].kind == alert::AlertEventKind::kEnd ||
          m.collected.events[i].kind == alert::AlertEventKind::kPreEnd)
        out.alerts.push_back(m.collected.events[i].alert.str());
    m.Audit(who, "cancel", {{"alert", request.alert}, {"zone", request.zone}, {"all", request.all}}, out);
    m.CommitAndPublish({});
    return out;
  });
}

}  // namespace tocsin::server
