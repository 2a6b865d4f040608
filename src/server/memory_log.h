// A DecisionLog kept in memory: for tests, and for `tocsin serve --no-store`
// (nothing survives a restart). Thread-safety: one thread (the pipeline's), except
// the accessors, which tests call after Stop().
#pragma once

#include <vector>

#include "server/live_core.h"

namespace tocsin::server {

class MemoryDecisionLog final : public DecisionLog {
 public:
  Result<RestoredLog> Restore(double since) override;
  Status Commit(std::span<const InboundReport> reports, std::span<const PublishedEvent> events,
                std::span<const AuditRecord> audit) override;
  // Deletes the oldest stored reports (in the order stored) received before older_than.
  Result<std::int64_t> PruneReports(double older_than, std::int64_t max_rows) override;

  const std::vector<InboundReport>& reports() const { return reports_; }
  const std::vector<PublishedEvent>& events() const { return events_; }
  const std::vector<AuditRecord>& audit() const { return audit_; }
  std::size_t commits() const { return commits_; }
  // The next Commit fails with this message (once).
  void FailNextCommit(std::string message) { fail_ = std::move(message); }

 private:
  std::vector<InboundReport> reports_;
  std::vector<PublishedEvent> events_;
  std::vector<AuditRecord> audit_;
  std::size_t commits_ = 0;
  std::string fail_;
};

// The restart state implied by a decision stream: the next ids, the alerts still
// open, and the next operator request number (from "op-R-..." threats and audit).
RestoredLog RestoreFromDecisions(std::span<const PublishedEvent> events);

}  // namespace tocsin::server
