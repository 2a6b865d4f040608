// PublishedAlert: one zone's alert or pre-alert as every publisher sees it (CAP,
// HFC feeds, alerts.in.ua, MQTT), built from the alert log's events and the zone
// catalog. AlertBook keeps the active and recently ended ones.
//
// Thread-safety: PublishedAlert is a plain value. AlertBook is not synchronised:
// one thread (the pipeline) applies events; readers take copies.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alert/alert_log.h"
#include "core/category.h"
#include "core/ids.h"
#include "core/status.h"
#include "core/units.h"
#include "zones/catalog.h"

namespace tocsin::publish {

enum class AlertKind { kAlert, kPreAlert };
// "alert", "prealert".
std::string_view ToString(AlertKind k);

struct PublishedAlert {
  AlertId id;                        // "A-000017" or "P-000003"
  zones::ZoneIndex zone_index = 0;   // in the catalog it was built from
  ZoneId zone_id;
  std::string zone_name;             // local language (Hebrew for il-areas)
  RegionId region;                   // zone's parent; empty when the zone is its own region
  std::string district;              // zone's district id; may be empty
  Seconds shelter{90};               // the zone's time to shelter
  AlertKind kind = AlertKind::kAlert;
  ThreatCategory category = ThreatCategory::kUnknown;
  UnixTime started;
  std::optional<UnixTime> ended;     // set once the alert is lifted
  alert::EndReason end_reason = alert::EndReason::kThreatPassed;  // meaningful when ended
  std::optional<UnixTime> expected_at;  // when the threat is expected at the zone
  std::vector<TrackId> threats;
  bool manual = false;               // issued by an operator
  std::string note;                  // operator note; may be empty
  // Times of the CAP Update messages issued for this alert (widened or changed),
  // ascending, each within [started, ended].
  std::vector<UnixTime> updates;

  bool active() const { return !ended.has_value(); }
  // The last time anything about the alert changed (start, update or end).
  UnixTime last_changed() const;
};

// A PublishedAlert from a "start"/"prestart" event. Errors: the event is not a
// start, or its zone is not in the catalog (the message names the zone and says
// that the catalog in use must be the one the engine alerts on).
Result<PublishedAlert> PublishedAlertFromStart(const alert::AlertEvent& start, const zones::Catalog& catalog,
                                               bool manual = false, std::string note = {});
// Marks `a` ended by an "end"/"preend" event. Errors: not an end event, another
// alert's id, or an end of the wrong kind (alert vs pre-alert).
Status ApplyEnd(PublishedAlert& a, const alert::AlertEvent& end);

// Active alerts plus the last `max_ended` ended ones, keyed by alert id.
class AlertBook {
 public:
  explicit AlertBook(std::size_t max_ended = 2000) : max_ended_(max_ended) {}

  // Applies one decision; returns the alert as it now stands. Errors (the book
  // is unchanged): a start for an id already known, an end for an unknown or
  // already ended id, or what PublishedAlertFromStart/ApplyEnd reject.
  Result<PublishedAlert> Apply(const alert::AlertEvent& e, const zones::Catalog& catalog, bool manual = false,
                               std::string note = {});
  // Records a change to an open alert (widened, new expected time or threats) at
  // `t`, to be published as a CAP Update. Fields left nullopt keep their values.
  Result<PublishedAlert> Update(const AlertId& id, UnixTime t, std::optional<UnixTime> expected_at = std::nullopt,
                                std::optional<std::vector<TrackId>> threats = std::nullopt);

  const PublishedAlert* Find(const AlertId& id) const;
  // Active alerts, oldest start first.
  std::vector<PublishedAlert> Active() const;
  // Every alert kept (active and ended), most recently changed first.
  std::vector<PublishedAlert> Recent() const;
  std::size_t size() const { return alerts_.size(); }

 private:
  std::size_t max_ended_;
  std::map<AlertId, PublishedAlert> alerts_;
  std::deque<AlertId> ended_order_;  // oldest end first
};

}  // namespace tocsin::publish
