#include "server/store_log.h"

#include <algorithm>

#include "alert/alert_ids.h"

namespace tocsin::server {



namespace {

store::RawFormat FormatOf(const std::string& f) {
  if (f == "json") return store::RawFormat::kJson;
  if (f == "asterix") return store::RawFormat::kAsterix;
  if (f == "sapient") return store::RawFormat::kSapient;
  return store::RawFormat::kOther;
}

std::string FormatName(store::RawFormat f) { return std::string(store::ToString(f)); }

}  // namespace

Result<RestoredLog> StoreDecisionLog::Restore(double since) {
  auto state = store_.Restore(mode_);
  if (!state.ok()) return state.status();
  RestoredLog out;
  out.ids = {state->alert_log.next_alert, state->alert_log.next_prealert};
  out.open = state->alert_log.open;
  out.last_seq = static_cast<std::uint64_t>(state->last_alert_event_seq);
  auto reports = store_.RecentReports(UnixTime(since), 2'000'000);
  if (!reports.ok()) return reports.status();
  for (auto& r : *reports) {
    InboundReport in;
    in.report = std::move(r.record.report);
    in.raw = std::move(r.record.raw);
    in.format = FormatName(r.record.format);
    in.received = r.record.received_at;
    out.recent_reports.push_back(std::move(in));
  }
  // Operator request numbers continue after the highest ever used.
  auto audit = store_.Audit(UnixTime(0), 1'000'000);
  if (!audit.ok()) return audit.status();
  for (const auto& a : *audit)
    if (auto n = RequestNumberInAudit(a.record.detail_json)) out.next_request = std::max(out.next_request, *n + 1);
  return out;
}

Status StoreDecisionLog::Commit(std::span<const InboundReport> reports, std::span<const PublishedEvent> events,
                                std::span<const AuditRecord> audit) {
  auto tx = store_.Begin();
  if (!tx.ok()) return tx.status();
  if (!reports.empty()) {
    std::vector<store::ReportRecord> rows;
    rows.reserve(reports.size());
    for (const auto& r : reports) rows.push_back({r.received, r.report, FormatOf(r.format), r.raw});
    if (auto s = tx->AppendReports(rows); !s.ok()) return s.status();
  }
  if (!events.empty()) {
    std::vector<store::AlertEventRecord> rows;
    rows.reserve(events.size());
    for (const auto& e : events) rows.push_back({e.event, mode_, e.manual});
    if (auto s = tx->AppendAlertEvents(rows); !s.ok()) return s.status();
  }
  if (!audit.empty()) {
    std::vector<store::AuditRecord> rows;
    for (const auto& a : audit)
      rows.push_back({UnixTime(a.time), a.operator_name, a.role, a.action, a.detail, a.result});
    if (auto s = tx->AppendAudit(rows); !s.ok()) return s.status();
  }
  return tx->Commit();
}

Result<std::int64_t> StoreDecisionLog::PruneReports(double older_than, std::int64_t max_rows) {
  return store_.Prune(UnixTime(older_than), max_rows);
}

}  // namespace tocsin::server
