#include "server/memory_log.h"

#include <algorithm>
#include <map>

#include "alert/alert_ids.h"

namespace tocsin::server {

RestoredLog RestoreFromDecisions(std::span<const PublishedEvent> events) {
  RestoredLog out;
  std::map<std::string, const alert::AlertEvent*> open;
  std::vector<std::string> order;
  for (const auto& p : events) {
    const auto& e = p.event;
    out.last_seq = std::max(out.last_seq, p.seq);
    const std::string id = e.alert.str();
    if (auto n = alert::AlertIdAllocator::Number('A', id)) out.ids.next_alert = std::max(out.ids.next_alert, *n + 1);
    if (auto n = alert::AlertIdAllocator::Number('P', id)) out.ids.next_prealert = std::max(out.ids.next_prealert, *n + 1);
    if (alert::IsStart(e.kind)) {
      open[id] = &e;
      order.push_back(id);
      for (const auto& t : e.threats)
        if (auto n = alert::AlertIdAllocator::Number('R', t.str().rfind("op-", 0) == 0 ? t.str().substr(3) : ""))
          out.next_request = std::max(out.next_request, *n + 1);
    } else {
      open.erase(id);
    }
  }
  for (const auto& id : order)
    if (auto it = open.find(id); it != open.end()) {
      out.open.push_back(*it->second);
      open.erase(it);
    }
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

}  // namespace tocsin::server
