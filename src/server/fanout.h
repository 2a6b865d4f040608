// The DecisionPublisher of `tocsin serve`: hands each stored decision to every
// channel — the SSE/WebSocket Broadcaster (one serialisation per decision, shared
// by all subscribers), the MQTT siren publisher (optional) and the alert book the
// CAP / HFC / alerts.in.ua feeds are formatted from.
//
// Thread-safety: Publish/OnSnapshot on the pipeline thread; alerts() and counters
// from any thread (the book is behind a mutex and shared as an immutable copy).
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "publish/mqtt_publisher.h"
#include "publish/published_alert.h"
#include "server/http/broadcaster.h"
#include "server/live_core.h"
#include "zones/catalog.h"

namespace tocsin::server {


class Fanout final : public DecisionPublisher {
 public:
  // REQUIRES: catalog outlives this; mqtt may be null (no sirens configured).
  Fanout(const zones::Catalog& catalog, std::shared_ptr<http::Broadcaster> broadcaster,
         publish::MqttPublisher* mqtt);

  void Publish(std::span<const PublishedEvent> events, Mode mode) override;

  // Active and recently ended alerts, as the feeds format them (immutable copy).
  // Built on the first call after a change (O(alerts kept)), not per published batch:
  // the feeds are read far less often than decisions are published.
  std::shared_ptr<const std::vector<publish::PublishedAlert>> alerts() const;
  // Time of the last change of the feeds (Last-Modified); 0 before any.
  double last_changed() const;
  std::uint64_t book_errors() const { return book_errors_; }

  // The last `kRecentDecisions` decisions as published (for the history endpoint when
  // the server runs without a store), oldest first.
  struct RecentDecision {
    std::string zone;
    double time = 0;
    std::string json;
  };
  static constexpr std::size_t kRecentDecisions = 10000;
  std::vector<RecentDecision> recent_decisions() const;

 private:
  const zones::Catalog& catalog_;
  std::shared_ptr<http::Broadcaster> broadcaster_;
  publish::MqttPublisher* mqtt_;
  mutable std::mutex mu_;
  publish::AlertBook book_;
  mutable std::shared_ptr<const std::vector<publish::PublishedAlert>> alerts_;
  mutable bool alerts_stale_ = false;  // book_ changed since alerts_ was built
  double last_changed_ = 0;
  std::deque<RecentDecision> recent_;
  std::atomic<std::uint64_t> book_errors_{0};
};

}  // namespace tocsin::server
