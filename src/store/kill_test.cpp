// kill -9 at a random moment loses no committed batch and leaves a sound file.
//
// A forked child appends batches (reports + the alert events they caused + an audit
// entry, one transaction each) in a loop and, after each Commit returned ok, writes
// the batch number to a pipe. The parent SIGKILLs it at a random moment, reopens
// the store and checks that every batch the child reported is there, complete, that
// no batch is partial, and that PRAGMA integrity_check passes. Several rounds run on
// the same file, each child continuing from the restored state, as a restarted
// server would.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "alert/alert_ids.h"
#include "store/event_store.h"
#include "store/test_util.h"

namespace tocsin::store {
namespace {

using testing::End;
using testing::RadarReport;
using testing::Start;
using testing::TempDir;

constexpr int kReportsPerBatch = 200;

std::string RawFor(int batch, int i) {
  // Odd bytes on purpose: NUL, high bytes.
  return "batch " + std::to_string(batch) + " item " + std::to_string(i) + std::string("\0\xfe", 2);
}

// The child: never returns.
[[noreturn]] void AppendForever(const std::string& path, int first_batch, int fd) {
  auto store = EventStore::Open(StoreOptions{.path = path});
  if (!store.ok()) _exit(2);
  std::vector<ReportRecord> reports(kReportsPerBatch);
  for (int b = first_batch;; ++b) {
    for (int i = 0; i < kReportsPerBatch; ++i) {
      reports[i] = RadarReport(b * 1000.0 + i, "RAD-" + std::to_string(i % 7));
      reports[i].raw = RawFor(b, i);
      reports[i].format = RawFormat::kOther;
    }
    std::vector<AlertEventRecord> events;
    if (b > 1) events.push_back({End(alert::AlertIdAllocator::Format('A', b - 1).str(), "Z", b * 1000.0), Mode::kLive, false});
    events.push_back({Start(alert::AlertIdAllocator::Format('A', b).str(), "Z", b * 1000.0), Mode::kLive, false});
    std::vector<AuditRecord> audit = {{UnixTime(b * 1000.0), "op", "operator", "batch", "{}", std::to_string(b)}};
    auto tx = (*store)->Begin();
    if (!tx.ok()) _exit(3);
    if (!tx->AppendReports(reports).ok() || !tx->AppendAlertEvents(events).ok() || !tx->AppendAudit(audit).ok())
      _exit(4);
    if (!tx->Commit().ok()) _exit(5);
    if (::write(fd, &b, sizeof b) != sizeof b) _exit(6);
  }
}

struct RoundResult {
  int last_reported = 0;  // the last batch the child said was committed
};

RoundResult RunAndKill(const std::string& path, int first_batch, std::chrono::milliseconds delay) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    AppendForever(path, first_batch, fds[1]);
  }
  ::close(fds[1]);
  RoundResult r;
  int b = 0;
  // Wait for the first committed batch so the kill lands mid-stream, not in Open.
  if (::read(fds[0], &b, sizeof b) == sizeof b) r.last_reported = b;
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended on its own (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ")";
  while (::read(fds[0], &b, sizeof b) == sizeof b) r.last_reported = b;
  ::close(fds[0]);
  return r;
}

TEST(EventStoreKill, Kill9LosesNoCommittedBatchAndLeavesASoundFile) {
  TempDir dir;
  const std::string path = dir.File("events.db");
  std::random_device rd;
  const unsigned seed = rd();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));

  int next_batch = 1;
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 250)(rng));
    RoundResult r = RunAndKill(path, next_batch, delay);
    ASSERT_GE(r.last_reported, next_batch) << "the child committed nothing";

    auto store = EventStore::Open(StoreOptions{.path = path});
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE((*store)->CheckIntegrity().ok()) << (*store)->CheckIntegrity().message();

    auto reports = (*store)->RecentReports(UnixTime(0), 1 << 30);
    ASSERT_TRUE(reports.ok()) << reports.status().message();
    std::map<int, int> per_batch;
    for (const auto& s : *reports) {
      int b = static_cast<int>(s.record.report.time.seconds() / 1000.0);
      int i = static_cast<int>(s.record.report.time.seconds() - b * 1000.0);
      ASSERT_EQ(s.record.raw, RawFor(b, i)) << "report seq " << s.seq;
      ++per_batch[b];
    }
    // Every reported batch is there, complete; at most one more (committed but
    // killed before it said so), also complete; nothing partial.
    for (int b = 1; b <= r.last_reported; ++b) ASSERT_EQ(per_batch[b], kReportsPerBatch) << "batch " << b;
    int last_present = per_batch.rbegin()->first;
    ASSERT_LE(last_present, r.last_reported + 1);
    ASSERT_EQ(per_batch[last_present], kReportsPerBatch);
    ASSERT_EQ(static_cast<int>(per_batch.size()), last_present);

    auto st = (*store)->Restore();
    ASSERT_TRUE(st.ok()) << st.status().message();
    EXPECT_EQ(st->alert_log.next_alert, static_cast<std::uint64_t>(last_present) + 1);
    ASSERT_EQ(st->alert_log.open.size(), 1u);
    EXPECT_EQ(st->alert_log.open[0].alert, alert::AlertIdAllocator::Format('A', last_present));
    EXPECT_EQ(st->last_audit_seq, last_present);
    EXPECT_EQ(st->last_report_seq, static_cast<std::int64_t>(last_present) * kReportsPerBatch);
    next_batch = last_present + 1;
  }
}

}  // namespace
}  // namespace tocsin::store
