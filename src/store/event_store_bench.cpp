// Append throughput of the event store on a real file in $TMPDIR.
//   BM_AppendReports/<batch>/<sync_full>/<raw>: reports per transaction (raw bytes kept
//   or not); items/s = reports/s.
//   BM_AppendAlertEvents/<batch>: alert events per transaction.
//   BM_PipelineBatch/<reports>: reports + 2 alert events + a checkpoint in one transaction.
//   BM_Prune: one retention call deleting 20,000 reports.
//   BM_RecentReports: reading back 10,000 reports (restart re-feed).
//   BM_Restore/<events>: Restore over a log of that many alert events.
#include <benchmark/benchmark.h>

#include <vector>

#include "alert/alert_ids.h"
#include "store/event_store.h"
#include "store/test_util.h"

namespace tocsin::store {
namespace {

using testing::End;
using testing::RadarReport;
using testing::Start;
using testing::TempDir;

std::unique_ptr<EventStore> OpenOrAbort(const std::string& path, bool sync_full = false) {
  auto s = EventStore::Open(StoreOptions{.path = path, .sync_full = sync_full});
  if (!s.ok()) {
    fprintf(stderr, "%s\n", s.status().message().c_str());
    std::abort();
  }
  return std::move(*s);
}

std::vector<ReportRecord> Batch(int n, double t0) {
  std::vector<ReportRecord> v;
  for (int i = 0; i < n; ++i) {
    std::string sensor = "RAD-";  // (not "RAD-" + ...: GCC 12 -Wrestrict false positive)
    sensor += std::to_string(i % 16);
    v.push_back(RadarReport(t0 + i * 1e-3, sensor));
  }
  return v;
}

void BM_AppendReports(benchmark::State& state) {
  TempDir dir;
  auto store = OpenOrAbort(dir.File("bench.db"), state.range(1) != 0);
  const int n = static_cast<int>(state.range(0));
  auto batch = Batch(n, 1.757e9);
  if (state.range(2) == 0)
    for (auto& r : batch) r.raw.clear();
  std::int64_t total = 0;
  for (auto _ : state) {
    for (auto& r : batch) r.report.time = r.report.time + Seconds(1);  // time moves on, as live
    auto r = store->AppendReports(batch);
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
    total += n;
  }
  state.SetItemsProcessed(total);
}
// Args: batch size, sync_full, keep raw bytes.
BENCHMARK(BM_AppendReports)
    ->Args({1, 0, 1})->Args({100, 0, 1})->Args({1000, 0, 1})->Args({1000, 0, 0})
    ->Args({1, 1, 1})->Args({100, 1, 1})->Args({1000, 1, 1})
    ->Unit(benchmark::kMicrosecond);

void BM_AppendAlertEvents(benchmark::State& state) {
  TempDir dir;
  auto store = OpenOrAbort(dir.File("bench.db"));
  const int n = static_cast<int>(state.range(0));
  std::uint64_t next = 1;
  std::vector<AlertEventRecord> events(n);
  std::int64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < n; ++i)
      events[i] = {Start(alert::AlertIdAllocator::Format('A', next++).str(), "UA53080000000000000", 1.757e9 + next),
                   Mode::kLive, false};
    state.ResumeTiming();
    auto r = store->AppendAlertEvents(events);
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
    total += n;
  }
  state.SetItemsProcessed(total);
}
BENCHMARK(BM_AppendAlertEvents)->Arg(1)->Arg(100)->Unit(benchmark::kMicrosecond);

void BM_PipelineBatch(benchmark::State& state) {
  TempDir dir;
  auto store = OpenOrAbort(dir.File("bench.db"));
  const int n = static_cast<int>(state.range(0));
  auto reports = Batch(n, 1.757e9);
  std::uint64_t next = 1;
  std::int64_t total = 0;
  for (auto _ : state) {
    std::vector<AlertEventRecord> events = {
        {Start(alert::AlertIdAllocator::Format('A', next).str(), "Z1", 1.757e9), Mode::kLive, false},
        {End(alert::AlertIdAllocator::Format('A', next).str(), "Z1", 1.757e9), Mode::kLive, false}};
    ++next;
    for (auto& r : reports) r.report.time = r.report.time + Seconds(1);
    auto tx = store->Begin();
    if (!tx.ok() || !tx->AppendReports(reports).ok() || !tx->AppendAlertEvents(events).ok() ||
        !tx->PutCheckpoint({UnixTime(1.757e9), "ids", R"({"next_alert":1})"}).ok() || !tx->Commit().ok())
      state.SkipWithError("pipeline batch failed");
    total += n;
  }
  state.SetItemsProcessed(total);
}
BENCHMARK(BM_PipelineBatch)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

// Steady state of retention: each iteration appends 20,000 newer reports (untimed)
// and prunes the 20,000 oldest in one call (timed: how long the pipeline waits).
void BM_Prune(benchmark::State& state) {
  TempDir dir;
  auto store = OpenOrAbort(dir.File("bench.db"));
  double t = 1.757e9;
  auto fill = [&] {
    for (int i = 0; i < 20; ++i) {
      store->AppendReports(Batch(1000, t));
      t += 1.0;
    }
  };
  for (int i = 0; i < 5; ++i) fill();
  std::int64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fill();
    state.ResumeTiming();
    auto n = store->Prune(UnixTime(t - 100.0), 20000);
    if (!n.ok() || *n != 20000) state.SkipWithError("prune failed");
    total += 20000;
  }
  state.SetItemsProcessed(total);
}
BENCHMARK(BM_Prune)->Unit(benchmark::kMillisecond);

void BM_RecentReports(benchmark::State& state) {
  TempDir dir;
  auto store = OpenOrAbort(dir.File("bench.db"));
  for (int i = 0; i < 20; ++i) store->AppendReports(Batch(1000, 1.757e9 + i));
  for (auto _ : state) {
    auto r = store->RecentReports(UnixTime(0), 10000);
    if (!r.ok() || r->size() != 10000) state.SkipWithError("read failed");
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_RecentReports)->Unit(benchmark::kMillisecond);

void BM_Restore(benchmark::State& state) {
  TempDir dir;
  auto store = OpenOrAbort(dir.File("bench.db"));
  const int n = static_cast<int>(state.range(0));
  std::vector<AlertEventRecord> events;
  for (int i = 1; i <= n / 2; ++i) {
    std::string id = alert::AlertIdAllocator::Format('A', i).str();
    std::string zone = "Z";
    zone += std::to_string(i % 500);
    events.push_back({Start(id, zone, i), Mode::kLive, false});
    if (i % 10) events.push_back({End(id, zone, i + 1), Mode::kLive, false});
  }
  store->AppendAlertEvents(events);
  for (auto _ : state) {
    auto r = store->Restore();
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events.size()));
}
BENCHMARK(BM_Restore)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tocsin::store

BENCHMARK_MAIN();
