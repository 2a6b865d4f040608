#include "zones/info.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace tocsin::zones {
namespace {

struct Loaded {
  std::optional<Catalog> catalog;
  std::string path;
  double load_ms = 0;
};

Loaded Load(const std::string& zones, std::ostream& err) {
  Loaded l;
  auto path = ResolveCatalogPath(zones);
  if (!path.ok()) {
    err << "error: " << path.status().message() << "\n";
    return l;
  }
  l.path = *path;
  const auto t0 = std::chrono::steady_clock::now();
  auto cat = Catalog::LoadFile(*path);
  l.load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!cat.ok()) {
    err << "error: " << cat.status().message() << "\n";
    return l;
  }
  l.catalog.emplace(std::move(cat).value());
  return l;
}

std::string Grouped(double v) {
  const long long n = std::llround(v);
  std::string s = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

nlohmann::json ZoneJson(const Zone& z) {
  nlohmann::json j{{"id", z.id.str()},       {"name", z.name},         {"name_en", z.name_en},
                   {"parent", z.parent.str()}, {"district", z.district}, {"shelter_s", z.shelter.value()}};
  j["population"] = z.population ? nlohmann::json(*z.population) : nlohmann::json(nullptr);
  return j;
}

void PrintZone(const Zone& z, std::ostream& out) {
  out << "  id:         " << z.id.str() << "\n"
      << "  name:       " << z.name << "\n"
      << "  name_en:    " << z.name_en << "\n"
      << "  parent:     " << z.parent.str() << "\n"
      << "  district:   " << z.district << "\n"
      << "  shelter_s:  " << z.shelter.value() << "\n"
      << "  population: " << (z.population ? Grouped(*z.population) : std::string("unknown")) << "\n";
}

}  // namespace

int RunZonesInfo(const ZonesInfoConfig& config, std::ostream& out, std::ostream& err) {
  Loaded l = Load(config.zones, err);
  if (!l.catalog) return 1;
  const Catalog& c = *l.catalog;
  std::set<std::string> regions, districts;
  double population = 0, area = 0;
  size_t without_population = 0;
  std::map<double, size_t> shelter;
  double min_lat = INFINITY, max_lat = -INFINITY, min_lon = INFINITY, max_lon = -INFINITY;
  for (const Zone& z : c.zones()) {
    regions.insert(z.parent.empty() ? "zone:" + z.id.str() : z.parent.str());
    districts.insert(z.district.empty() ? "zone:" + z.id.str() : z.district);
    if (z.population) population += *z.population;
    else ++without_population;
    area += z.area_km2;
    ++shelter[z.shelter.value()];
    for (const Polygon& p : z.geometry)
      for (const LatLon& v : p.outer) {
        min_lat = std::min(min_lat, v.lat), max_lat = std::max(max_lat, v.lat);
        min_lon = std::min(min_lon, v.lon), max_lon = std::max(max_lon, v.lon);
      }
  }
  out << "catalog:     " << c.name() << " (" << l.path << ")\n"
      << "zones:       " << c.zones().size() << "\n"
      << "regions:     " << regions.size() << "\n"
      << "districts:   " << districts.size() << "\n"
      << "population:  ";
  if (without_population == c.zones().size()) out << "unknown (no zone has a population)";
  else out << Grouped(population);
  if (without_population > 0 && without_population < c.zones().size())
    out << " (" << without_population << " zones have no population)";
  out << "\n"
      << "area:        " << Grouped(area) << " km2\n"
      << "shelter_s:  ";
  for (const auto& [s, n] : shelter) out << " " << s << " s: " << n << ";";
  out << "\n"
      << "bbox:        lat " << Fixed(min_lat, 4) << " .. " << Fixed(max_lat, 4) << ", lon "
      << Fixed(min_lon, 4) << " .. " << Fixed(max_lon, 4) << "\n"
      << "load time:   " << Fixed(l.load_ms, 1) << " ms (read, validate, index)\n";
  return 0;
}

int RunZonesLookup(const ZonesLookupConfig& config, std::ostream& out, std::ostream& err) {
  if (!IsValidLatLon(config.lat, config.lon)) {
    err << "error: bad coordinates " << config.lat << ", " << config.lon
        << ": latitude must be in [-90, 90] and longitude in [-180, 180] (decimal degrees, "
           "LAT then LON)\n";
    return 2;
  }
  if (config.within_m && !(*config.within_m >= 0 && std::isfinite(*config.within_m))) {
    err << "error: --within must be a distance in metres >= 0\n";
    return 2;
  }
  Loaded l = Load(config.zones, err);
  if (!l.catalog) return 1;
  const Catalog& c = *l.catalog;
  const LatLon p{config.lat, config.lon};
  const auto at = c.ZoneAt(p);
  std::vector<std::pair<ZoneIndex, double>> near;
  if (config.within_m) {
    for (ZoneIndex z : c.ZonesWithin(p, Metres(*config.within_m)))
      near.push_back({z, c.DistanceTo(z, p).value()});
    std::stable_sort(near.begin(), near.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
  }
  if (config.json) {
    nlohmann::json j;
    j["catalog"] = c.name();
    j["point"] = {{"lat", p.lat}, {"lon", p.lon}};
    j["zone"] = at ? ZoneJson(c.zone(*at)) : nlohmann::json(nullptr);
    if (config.within_m) {
      j["within_m"] = *config.within_m;
      j["nearby"] = nlohmann::json::array();
      for (const auto& [z, d] : near) {
        nlohmann::json e = ZoneJson(c.zone(z));
        e["distance_m"] = std::round(d * 10) / 10;
        j["nearby"].push_back(std::move(e));
      }
    }
    out << j.dump(2) << "\n";
    return 0;
  }
  out << "point " << Fixed(p.lat, 6) << ", " << Fixed(p.lon, 6) << " in " << c.name() << ":\n";
  if (at) {
    out << "zone:\n";
    PrintZone(c.zone(*at), out);
  } else {
    out << "zone: none (the point is in no zone of this catalog)\n";
  }
  if (config.within_m) {
    out << near.size() << " zone" << (near.size() == 1 ? "" : "s") << " within "
        << Grouped(*config.within_m) << " m:\n";
    for (const auto& [z, d] : near) {
      const Zone& zone = c.zone(z);
      char dist[32];
      std::snprintf(dist, sizeof dist, "%9.0f m", d);
      out << "  " << dist << "  " << zone.id.str() << "  " << zone.name;
      if (!zone.name_en.empty()) out << " (" << zone.name_en << ")";
      out << "\n";
    }
  }
  return 0;
}

}  // namespace tocsin::zones
