// The DecisionLog of `tocsin serve` over the SQLite event store (src/store): each
// pipeline batch (reports, decisions, audit) is one transaction, committed before
// anything of it is published.
//
// Thread-safety: used by the pipeline thread only (the store's writer connection).
#pragma once

#include <memory>

#include "server/live_core.h"
#include "store/event_store.h"

namespace tocsin::server {

class StoreDecisionLog final : public DecisionLog {
 public:
  // REQUIRES: store outlives this object.
  StoreDecisionLog(store::EventStore& store, Mode mode) : store_(store), mode_(mode) {}
  Result<RestoredLog> Restore(double since) override;
  Status Commit(std::span<const InboundReport> reports, std::span<const PublishedEvent> events,
                std::span<const AuditRecord> audit) override;
  Result<std::int64_t> PruneReports(double older_than, std::int64_t max_rows) override;

 private:
  store::EventStore& store_;
  Mode mode_;
};


}  // namespace tocsin::server
