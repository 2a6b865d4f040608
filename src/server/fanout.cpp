#include "server/fanout.h"

#include <cstdio>

#include "server/api_json.h"

namespace tocsin::server {



Fanout::Fanout(const zones::Catalog& catalog, std::shared_ptr<http::Broadcaster> broadcaster,
               publish::MqttPublisher* mqtt)
    : catalog_(catalog), broadcaster_(std::move(broadcaster)), mqtt_(mqtt),
      alerts_(std::make_shared<std::vector<publish::PublishedAlert>>()) {}

void Fanout::Publish(std::span<const PublishedEvent> events, Mode mode) {
  // Streams first: they are the lowest-latency channel.
  std::vector<std::string> lines;
  for (const auto& e : events) {
    lines.push_back(DecisionJson(e, mode));
    broadcaster_->Publish(http::MakeMessage(broadcaster_->NextId(), "alert", {e.event.zone.str()}, lines.back()));
  }
  std::vector<ZoneId> touched;
  {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < events.size(); ++i) {
      recent_.push_back({events[i].event.zone.str(), events[i].event.time.seconds(), std::move(lines[i])});
      if (recent_.size() > kRecentDecisions) recent_.pop_front();
    }
    for (const auto& e : events) {
      auto r = book_.Apply(e.event, catalog_, e.manual, e.note);
      if (!r.ok()) {
        ++book_errors_;
        std::fprintf(stderr, "tocsin serve: feeds skipped decision %s of %s: %s\n", e.event.alert.str().c_str(),
                     e.event.zone.str().c_str(), r.status().message().c_str());
        continue;
      }
      touched.push_back(e.event.zone);
      last_changed_ = std::max(last_changed_, e.event.time.seconds());
    }
    if (!touched.empty()) alerts_stale_ = true;  // rebuilt by the next alerts()
  }
  if (mqtt_) {
    auto all = alerts();
    for (const auto& z : touched) mqtt_->Publish(publish::ZoneStateFor(z, *all, events.back().event.time));
  }
}

std::shared_ptr<const std::vector<publish::PublishedAlert>> Fanout::alerts() const {
  std::lock_guard lock(mu_);
  if (alerts_stale_) {
    alerts_ = std::make_shared<const std::vector<publish::PublishedAlert>>(book_.Recent());
    alerts_stale_ = false;
  }
  return alerts_;
}

std::vector<Fanout::RecentDecision> Fanout::recent_decisions() const {
  std::lock_guard lock(mu_);
  return {recent_.begin(), recent_.end()};
}

double Fanout::last_changed() const {
  std::lock_guard lock(mu_);
  return last_changed_;
}

}  // namespace tocsin::server
