#include "server/memory_log.h"

#include <algorithm>

#include "alert/alert_ids.h"

namespace tocsin::server {

RestoredLog RestoreFromDecisions(std::span<const PublishedEvent> events) {
  RestoredLog out;
  alert::AlertLogStateBuilder state;
  for (const auto& p : events) {
    const auto& e = p.event;
    out.last_seq = std::max(out.last_seq, p.seq);
    state.Add(e);
    if (alert::IsStart(e.kind))
      for (const auto& t : e.threats)
        if (auto n = alert::AlertIdAllocator::Number('R', t.str().rfind("op-", 0) == 0 ? t.str().substr(3) : ""))
          out.next_request = std::max(out.next_request, *n + 1);
  }
  alert::AlertLogState s = state.Build();
  out.ids = {s.next_alert, s.next_prealert};
  out.open = std::move(s.open);
  return out;
}

Result<RestoredLog> MemoryDecisionLog::Restore(double since) {
  RestoredLog out = RestoreFromDecisions(events_);
  for (const auto& r : reports_)
    if (r.received.seconds() >= since) out.recent_reports.push_back(r);
  for (const auto& a : audit_)
    if (auto n = RequestNumberInAudit(a.detail)) out.next_request = std::max(out.next_request, *n + 1);
  return out;
}

Status MemoryDecisionLog::Commit(std::span<const InboundReport> reports, std::span<const PublishedEvent> events,
                                 std::span<const AuditRecord> audit) {
  if (!fail_.empty()) {
    Status s = Status::Error(fail_);
    fail_.clear();
    return s;
  }
  ++commits_;
  reports_.insert(reports_.end(), reports.begin(), reports.end());
  events_.insert(events_.end(), events.begin(), events.end());
  audit_.insert(audit_.end(), audit.begin(), audit.end());
  return Status::Ok();
}

Result<std::int64_t> MemoryDecisionLog::PruneReports(double older_than, std::int64_t max_rows) {
  std::int64_t n = 0;
  while (n < max_rows && static_cast<std::size_t>(n) < reports_.size() &&
         reports_[static_cast<std::size_t>(n)].received.seconds() < older_than)
    ++n;
  reports_.erase(reports_.begin(), reports_.begin() + n);
  return n;
}

}  // namespace tocsin::server
