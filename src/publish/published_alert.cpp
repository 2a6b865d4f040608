#include "publish/published_alert.h"

#include <algorithm>


namespace tocsin::publish {

std::string_view ToString(AlertKind k) { return k == AlertKind::kPreAlert ? "prealert" : "alert"; }

UnixTime PublishedAlert::last_changed() const {
  UnixTime t = started;
  if (!updates.empty()) t = std::max(t, updates.back());
  if (ended) t = std::max(t, *ended);
  return t;
}

Result<PublishedAlert> PublishedAlertFromStart(const alert::AlertEvent& start, const zones::Catalog& catalog,
                                               bool manual, std::string note) {
  if (!alert::IsStart(start.kind))
    return Status::Error("alert " + start.alert.str() + ": event \"" + std::string(alert::ToString(start.kind)) +
                         "\" is not a start; pass start/prestart events to PublishedAlertFromStart");
  const auto index = catalog.Find(start.zone);
  if (!index)
    return Status::Error("alert " + start.alert.str() + ": zone \"" + start.zone.str() + "\" is not in catalog \"" +
                         catalog.name() + "\"; publish with the catalog the alert engine uses");
  const zones::Zone& z = catalog.zone(*index);
  PublishedAlert a;
  a.id = start.alert;
  a.zone_index = *index;
  a.zone_id = z.id;
  a.zone_name = z.name;
  a.region = z.parent;
  a.district = z.district;
  a.shelter = z.shelter;
  a.kind = alert::IsPreAlert(start.kind) ? AlertKind::kPreAlert : AlertKind::kAlert;
  a.category = start.category;
  a.started = start.time;
  if (start.expected_s) a.expected_at = start.time + Seconds(*start.expected_s);
  a.threats = start.threats;
  a.manual = manual;
  a.note = std::move(note);
  return a;
}

Status ApplyEnd(PublishedAlert& a, const alert::AlertEvent& end) {
  if (alert::IsStart(end.kind))
    return Status::Error("alert " + end.alert.str() + ": event \"" + std::string(alert::ToString(end.kind)) +
                         "\" is not an end; pass end/preend events to ApplyEnd");
  if (end.alert != a.id)
    return Status::Error("end event for alert " + end.alert.str() + " applied to alert " + a.id.str());
  if (alert::IsPreAlert(end.kind) != (a.kind == AlertKind::kPreAlert))
    return Status::Error("alert " + a.id.str() + " is a " + std::string(ToString(a.kind)) + " but its end event is \"" +
                         std::string(alert::ToString(end.kind)) + "\"");
  a.ended = std::max(end.time, a.started);
  a.end_reason = end.reason;
  return Status::Ok();
}

Result<PublishedAlert> AlertBook::Apply(const alert::AlertEvent& e, const zones::Catalog& catalog, bool manual,
                                        std::string note) {
  if (alert::IsStart(e.kind)) {
    if (alerts_.count(e.alert))
      return Status::Error("alert " + e.alert.str() + " started twice; alert ids must be unique within a log");
    auto a = PublishedAlertFromStart(e, catalog, manual, std::move(note));
    if (!a.ok()) return a.status();
    alerts_.emplace(e.alert, *a);
    return a;
  }
  auto it = alerts_.find(e.alert);
  if (it == alerts_.end())
    return Status::Error("end of alert " + e.alert.str() + ", which this book does not know (never started, or " +
                         "ended long ago)");
  if (it->second.ended) return Status::Error("alert " + e.alert.str() + " ended twice");
  PublishedAlert copy = it->second;
  if (Status s = ApplyEnd(copy, e); !s.ok()) return s;
  it->second = copy;
  ended_order_.push_back(e.alert);
  while (ended_order_.size() > max_ended_) {
    alerts_.erase(ended_order_.front());
    ended_order_.pop_front();
  }
  return copy;
}

Result<PublishedAlert> AlertBook::Update(const AlertId& id, UnixTime t, std::optional<UnixTime> expected_at,
                                         std::optional<std::vector<TrackId>> threats) {
  auto it = alerts_.find(id);
  if (it == alerts_.end()) return Status::Error("update of alert " + id.str() + ", which this book does not know");
  PublishedAlert& a = it->second;
  if (a.ended) return Status::Error("update of alert " + id.str() + ", which has already ended");
  const UnixTime floor = a.updates.empty() ? a.started : a.updates.back();
  a.updates.push_back(std::max(t, floor));
  if (expected_at) a.expected_at = expected_at;
  if (threats) a.threats = std::move(*threats);
  return a;
}

const PublishedAlert* AlertBook::Find(const AlertId& id) const {
  auto it = alerts_.find(id);
  return it == alerts_.end() ? nullptr : &it->second;
}

std::vector<PublishedAlert> AlertBook::Active() const {
  std::vector<PublishedAlert> out;
  for (const auto& [id, a] : alerts_)
    if (a.active()) out.push_back(a);
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.started < y.started; });
  return out;
}

std::vector<PublishedAlert> AlertBook::Recent() const {
  std::vector<PublishedAlert> out;
  out.reserve(alerts_.size());
  for (const auto& [id, a] : alerts_) out.push_back(a);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& x, const auto& y) { return x.last_changed() > y.last_changed(); });
  return out;
}

}  // namespace tocsin::publish
