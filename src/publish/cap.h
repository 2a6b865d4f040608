// CAP 1.2 (OASIS Common Alerting Protocol) messages for published alerts, and the
// Atom 1.0 feed that indexes them. Pure formatting; thread-safe.
//
// Each alert produces, in order: one Alert message when it starts, one Update per
// entry of PublishedAlert::updates, and one Cancel when it ends. Every message has
// its own identifier, derived from the alert id, so a message can be rebuilt at
// any time from the alert alone:
//   Alert  tocsin-<sender>-A-000017          (exercise: tocsin-<sender>-exercise-A-000017)
//   Update tocsin-<sender>-A-000017-U<n>     (n = 1, 2, ...)
//   Cancel tocsin-<sender>-A-000017-C
// where <sender> is CapConfig::sender with every character outside [A-Za-z0-9._-]
// replaced by '_'. Updates and the Cancel reference every earlier message.
// Exercise identifiers differ from live ones so that a receiver de-duplicating on
// sender+identifier can never drop a real alert as a copy of an exercise one.
//
// Polygons: one <polygon> per outer ring of the zone, "lat,lon lat,lon ..." WGS84,
// closed, >= 4 points. CAP has no holes; holes are left out (the area published is
// then a superset of the zone, which errs on the side of warning).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/units.h"
#include "publish/mode.h"
#include "publish/published_alert.h"
#include "zones/catalog.h"

namespace tocsin::publish {

struct CapConfig {
  std::string sender = "tocsin@localhost";         // CAP <sender>: unique id of the originator
  std::string sender_name = "Tocsin early warning";  // CAP <senderName>
  std::string language = "en-US";
  // Absolute base of the feeds, e.g. "https://alerts.example.org". Empty: Atom
  // links are relative ("/cap/alerts/<id>.xml") and CAP <web> is left out.
  std::string base_url;
  // A message expires this long after it is sent.
  Seconds expires_after{3600};
  // Offset of the local time written in the messages from UTC, in minutes, at a
  // given time (e.g. IsraelUtcOffsetMinutes). Empty: UTC, written "-00:00".
  std::function<int(UnixTime)> utc_offset_minutes;
  // valueName of the <geocode> that carries the catalog's zone id.
  std::string geocode_name = "TOCSIN-ZONE";
  // Decimal places of polygon coordinates (6: ~0.1 m).
  int polygon_decimals = 6;
};

enum class CapMsgType { kAlert, kUpdate, kCancel };
// "Alert", "Update", "Cancel" (the CAP msgType values).
std::string_view ToString(CapMsgType t);

// One message of an alert, without its content.
struct CapMessageRef {
  CapMsgType type = CapMsgType::kAlert;
  int update_seq = 0;       // 1-based for Updates; 0 otherwise
  std::string identifier;
  UnixTime sent;
};

std::string CapIdentifier(const CapConfig& config, Mode mode, const AlertId& alert, CapMsgType type,
                          int update_seq = 0);
// Inverse of CapIdentifier for this config and mode; nullopt for anything else.
std::optional<CapMessageRef> ParseCapIdentifier(const CapConfig& config, Mode mode, std::string_view identifier,
                                                AlertId* alert);

// Every message `a` has produced so far, oldest first.
std::vector<CapMessageRef> CapMessagesOf(const PublishedAlert& a, const CapConfig& config, Mode mode);

// The CAP 1.2 XML document of message `msg` (one of CapMessagesOf(a)) of alert
// `a`. `zone` is the alert's zone (catalog.zone(a.zone_index)) and gives the area.
std::string FormatCapMessage(const PublishedAlert& a, const zones::Zone& zone, const CapMessageRef& msg, Mode mode,
                             const CapConfig& config);
// Shorthands: the Alert message; the latest message (Cancel once ended).
std::string FormatCapAlert(const PublishedAlert& a, const zones::Zone& zone, Mode mode, const CapConfig& config);
std::string FormatLatestCapMessage(const PublishedAlert& a, const zones::Zone& zone, Mode mode,
                                   const CapConfig& config);
// The message with this identifier among `alerts`' messages, or nullopt (for the
// route /cap/alerts/<identifier>.xml).
std::optional<std::string> FindCapMessage(std::span<const PublishedAlert> alerts, const zones::Catalog& catalog,
                                          std::string_view identifier, Mode mode, const CapConfig& config);

struct AtomOptions {
  std::size_t max_entries = 500;  // newest messages kept
  bool embed_cap = true;          // the CAP <alert> inside <content type="application/cap+xml">
  std::string title = "Tocsin CAP alerts";
};

// Atom 1.0 feed of the newest messages of `alerts` (newest first). Each entry
// links to /cap/alerts/<identifier>.xml (under config.base_url). `now` is the
// feed's <updated> when there are no entries. Alerts whose zone_index is not in
// `catalog` are left out.
std::string FormatCapAtomFeed(std::span<const PublishedAlert> alerts, const zones::Catalog& catalog, Mode mode,
                              const CapConfig& config, UnixTime now, const AtomOptions& options = {});

// CAP <event> text of a category: "Drone attack", "Ballistic missile attack", ...
std::string_view CapEventName(ThreatCategory c);
// The CAP polygon text of one ring ("lat,lon lat,lon ..."), closed; empty when the
// ring has fewer than 3 distinct points.
std::string CapPolygon(const zones::Ring& ring, int decimals = 6);

}  // namespace tocsin::publish
