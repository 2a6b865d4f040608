#include "publish/alerts_in_ua.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "publish/time_format.h"

namespace tocsin::publish {

using ojson = nlohmann::ordered_json;

const std::string* PlaceNames::Find(std::string_view id) const {
  auto it = names_.find(std::string(id));
  return it == names_.end() ? nullptr : &it->second;
}

Status PlaceNames::AddCatalogText(std::string_view geojson, const std::string& source_name) {
  nlohmann::json doc = nlohmann::json::parse(geojson, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return Status::Error(source_name + ": not valid JSON; give a GeoJSON FeatureCollection (zones.md)");
  if (!doc.is_object() || !doc.contains("features") || !doc["features"].is_array())
    return Status::Error(source_name + ": no \"features\" array; give a GeoJSON FeatureCollection (zones.md)");
  int index = 0;
  for (const auto& f : doc["features"]) {
    const auto* props = f.is_object() && f.contains("properties") ? &f["properties"] : nullptr;
    if (!props || !props->is_object() || !props->contains("id") || !(*props)["id"].is_string() ||
        !props->contains("name") || !(*props)["name"].is_string())
      return Status::Error(source_name + ": feature " + std::to_string(index) +
                           ": needs string properties \"id\" and \"name\"");
    Add((*props)["id"].get<std::string>(), (*props)["name"].get<std::string>());
    ++index;
  }
  return Status::Ok();
}

Result<PlaceNames> PlaceNames::FromCatalogFiles(const std::vector<std::string>& paths) {
  PlaceNames names;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Error(path + ": cannot open (check the path, or pass a catalog name like ua-oblasts)");
    std::stringstream ss;
    ss << in.rdbuf();
    if (Status s = names.AddCatalogText(ss.str(), path); !s.ok()) return s;
  }
  return names;
}

namespace {

// The two cities with oblast status have no polygon in ua-oblasts.geojson; their
// names as alerts.in.ua writes them, by ISO 3166-2 code.
const std::string* CityWithOblastStatus(const std::string& iso) {
  static const std::string kKyiv = "м. Київ", kSevastopol = "м. Севастополь";
  if (iso == "UA-30") return &kKyiv;
  if (iso == "UA-40") return &kSevastopol;
  return nullptr;
}

}  // namespace

std::optional<long long> AlertIdNumber(const AlertId& id) {
  long long n = 0;
  bool any = false;
  for (char c : id.str()) {
    if (c >= '0' && c <= '9') {
      if (n > 100000000000000LL) return std::nullopt;
      n = n * 10 + (c - '0');
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return n;
}

UnixTime AlertsInUaLastModified(std::span<const PublishedAlert> alerts, UnixTime fallback) {
  if (alerts.empty()) return fallback;
  UnixTime t = alerts.front().last_changed();
  for (const auto& a : alerts) t = std::max(t, a.last_changed());
  return t;
}

std::string FormatAlertsInUaActive(std::span<const PublishedAlert> alerts, const PlaceNames& names,
                                   UnixTime last_updated, UnixTime now, Mode mode,
                                   const AlertsInUaOptions& options) {
  std::vector<const PublishedAlert*> active;
  for (const auto& a : alerts)
    if (a.kind == AlertKind::kAlert && a.active() && a.started <= now) active.push_back(&a);
  std::stable_sort(active.begin(), active.end(), [](auto* x, auto* y) { return x->started < y->started; });
  const bool exercise = mode == Mode::kExercise;
  ojson list = ojson::array();
  for (const PublishedAlert* a : active) {
    ojson o = ojson::object();
    const auto number = AlertIdNumber(a->id);
    if (number) o["id"] = *number; else o["id"] = nullptr;
    o["location_title"] = a->zone_name;
    o["location_type"] = options.location_type;
    o["started_at"] = FormatUtcMillis(a->started);
    o["finished_at"] = nullptr;
    o["updated_at"] = FormatUtcMillis(a->last_changed());
    o["alert_type"] = options.alert_type;
    o["location_uid"] = a->zone_id.str();
    const std::string* oblast = names.Find(a->region.str());
    if (!oblast) oblast = CityWithOblastStatus(a->region.str());
    o["location_oblast"] = oblast ? *oblast : a->region.str();
    const std::string* raion = names.Find(a->district);
    // A zone that is its own district (Kyiv's city districts) names itself.
    if (!raion && (a->district.empty() || a->district == a->zone_id.str())) raion = &a->zone_name;
    o["location_raion"] = raion ? *raion : a->district;
    std::string notes = a->note;
    if (exercise) notes = "EXERCISE" + (notes.empty() ? "" : ": " + notes);
    if (notes.empty()) o["notes"] = nullptr; else o["notes"] = notes;
    o["calculated"] = false;
    list.push_back(std::move(o));
  }
  ojson out = ojson::object();
  out["alerts"] = std::move(list);
  out["meta"] = {{"last_updated_at", FormatUtcMillis(last_updated)}, {"type", "full"}};
  out["disclaimer"] = options.disclaimer;
  if (exercise) out["mode"] = "exercise";
  return out.dump();
}

}  // namespace tocsin::publish
