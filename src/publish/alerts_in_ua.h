// alerts.in.ua API format (../shared/spec/client-formats.md): the body of
// GET /v1/alerts/active.json, so that Ukrainian apps and siren maps written for
// that API read Tocsin unchanged. Pure formatting; thread-safe.
//
//   {"alerts":[{"id":17,"location_title":"Ірпінська міська громада",
//     "location_type":"hromada","started_at":"2025-09-07T00:03:20.000Z",
//     "finished_at":null,"updated_at":"...","alert_type":"air_raid",
//     "location_uid":"UA32080...","location_oblast":"Київська область",
//     "location_raion":"Бучанський район","notes":null,"calculated":false}, ...],
//    "meta":{"last_updated_at":"...","type":"full"},"disclaimer":"..."}
//
// Only alerts are listed (pre-alerts have no alerts.in.ua equivalent). Times are
// UTC "YYYY-MM-DDTHH:MM:SS.sssZ". The HTTP side (Last-Modified, 304 on a matching
// If-Modified-Since) uses FormatHttpDate / NotModifiedSince of time_format.h with
// AlertsInUaLastModified.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/units.h"
#include "publish/mode.h"
#include "publish/published_alert.h"

namespace tocsin::publish {

// Names of regions and districts by id (oblasts "UA-32" -> "Київська область",
// raions "UA32080000000043625" -> "Бучанський район"), from catalog files.
class PlaceNames {
 public:
  void Add(std::string id, std::string name) { names_[std::move(id)] = std::move(name); }
  // nullptr when unknown.
  const std::string* Find(std::string_view id) const;
  std::size_t size() const { return names_.size(); }

  // Reads the "id" and "name" properties of every feature of GeoJSON catalogs
  // (e.g. ua-oblasts.geojson, ua-raions.geojson; see ResolveCatalogPath for names).
  // Errors name the file and what is wrong with it.
  static Result<PlaceNames> FromCatalogFiles(const std::vector<std::string>& paths);
  // Same, from GeoJSON text; `source_name` names it in messages.
  Status AddCatalogText(std::string_view geojson, const std::string& source_name);

 private:
  std::unordered_map<std::string, std::string> names_;
};

struct AlertsInUaOptions {
  std::string location_type = "hromada";  // what a zone is, in the API's terms
  std::string alert_type = "air_raid";
  std::string disclaimer =
      "Alerts computed by Tocsin from sensor tracks, in the alerts.in.ua API format. Follow official alerts.";
};

// Numeric id of an alert id ("A-000017" -> 17); nullopt when it has no digits.
std::optional<long long> AlertIdNumber(const AlertId& id);
// The latest change among `alerts` (start, update or end), for Last-Modified and
// meta.last_updated_at; `fallback` when there are none. Pass the ended alerts too:
// an alert that ends changes the active list.
UnixTime AlertsInUaLastModified(std::span<const PublishedAlert> alerts, UnixTime fallback);

// The active.json body for the alerts active at `now` (started, not ended),
// ordered by start. oblast/raion names come from `names`; Kyiv (UA-30) and
// Sevastopol (UA-40) are known without them ("м. Київ"); a zone that is its own
// district is its own raion; otherwise an unknown name is written as its id. Exercise mode adds "mode":"exercise" at the top level and in
// every alert's notes.
std::string FormatAlertsInUaActive(std::span<const PublishedAlert> alerts, const PlaceNames& names,
                                   UnixTime last_updated, UnixTime now, Mode mode,
                                   const AlertsInUaOptions& options = {});

}  // namespace tocsin::publish
