#include "zones/geojson_loader.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "zones/ring_validation.h"

namespace tocsin::zones::internal {
namespace {

using nlohmann::json;

constexpr int kMaxNesting = 64;  // GeoJSON zones need 8 levels

// Deepest nesting of arrays/objects outside strings: rejects pathological input
// before the parser (and the JSON value's destructor) has to recurse into it.
int NestingDepth(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > kMaxNesting) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

const char* TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "an unknown value";
  }
}

// Reads a ring of [lon, lat(, alt)] positions; returns "" or the reason.
std::string ReadRing(const json& j, const std::string& what, Ring* ring) {
  if (!j.is_array()) return what + " is " + TypeName(j) + ", not an array of positions";
  if (j.size() < 4)
    return what + " has " + std::to_string(j.size()) +
           " positions; a ring needs at least 4 (first == last)";
  ring->reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const json& p = j[i];
    const std::string pos = what + " position " + std::to_string(i);
    if (!p.is_array() || p.size() < 2 || p.size() > 3)
      return pos + " is not a [lon, lat] array of 2 or 3 numbers";
    for (const json& c : p)
      if (!c.is_number()) return pos + " has a coordinate that is " + TypeName(c) + ", not a number";
    const double lon = p[0].get<double>(), lat = p[1].get<double>();
    if (!std::isfinite(lon) || !std::isfinite(lat) || lon < -180 || lon > 180 || lat < -90 ||
        lat > 90)
      return pos + " is out of range (lon must be in [-180, 180], lat in [-90, 90])";
    ring->push_back({lat, lon});
  }
  if (!(ring->front() == ring->back()))
    return what + " is not closed (its first and last positions differ)";
  // Repeated consecutive positions are allowed by RFC 7946; drop them.
  Ring clean;
  clean.reserve(ring->size());
  for (const LatLon& p : *ring)
    if (clean.empty() || !(clean.back() == p)) clean.push_back(p);
  if (clean.size() < 4)
    return what + " is degenerate (fewer than 3 distinct positions)";
  *ring = std::move(clean);
  return "";
}

std::string ReadPolygon(const json& j, const std::string& what, Polygon* poly) {
  if (!j.is_array()) return what + " is " + TypeName(j) + ", not an array of rings";
  if (j.empty()) return what + " has no rings";
  for (size_t r = 0; r < j.size(); ++r) {
    Ring ring;
    const std::string name = what + (r == 0 ? " outer ring" : " hole " + std::to_string(r));
    if (std::string why = ReadRing(j[r], name, &ring); !why.empty()) return why;
    if (r == 0) poly->outer = std::move(ring);
    else poly->holes.push_back(std::move(ring));
  }
  if (std::string why = CheckPolygon(*poly); !why.empty()) return what + ": " + why;
  return "";
}

std::string ReadGeometry(const json& g, MultiPolygon* out) {
  if (g.is_null()) return "geometry is null (a Polygon or MultiPolygon is required)";
  if (!g.is_object()) return std::string("geometry is ") + TypeName(g) + ", not an object";
  auto type = g.find("type");
  if (type == g.end() || !type->is_string()) return "geometry has no \"type\" string";
  const std::string& t = type->get_ref<const std::string&>();
  auto coords = g.find("coordinates");
  if (t == "Polygon" || t == "MultiPolygon") {
    if (coords == g.end()) return "geometry has no \"coordinates\"";
  } else {
    return "geometry type " + t + " is not supported (a Polygon or MultiPolygon is required)";
  }
  if (t == "Polygon") {
    Polygon p;
    if (std::string why = ReadPolygon(*coords, "polygon", &p); !why.empty()) return why;
    out->push_back(std::move(p));
    return "";
  }
  if (!coords->is_array()) return std::string("MultiPolygon coordinates are ") + TypeName(*coords) + ", not an array";
  if (coords->empty()) return "MultiPolygon has no polygons";
  for (size_t k = 0; k < coords->size(); ++k) {
    Polygon p;
    if (std::string why = ReadPolygon((*coords)[k], "polygon " + std::to_string(k + 1), &p);
        !why.empty())
      return why;
    out->push_back(std::move(p));
  }
  return CheckPolygonsDoNotCross(*out);
}

// Optional string property: absent or null -> "", a string -> it, else an error.
std::string ReadOptionalString(const json& props, const char* key, std::string* out) {
  auto it = props.find(key);
  if (it == props.end() || it->is_null()) return "";
  if (!it->is_string()) return std::string(key) + " is " + TypeName(*it) + ", not a string";
  *out = it->get<std::string>();
  return "";
}

std::string ReadProperties(const json& props, Zone* z) {
  if (!props.is_object()) return std::string("properties is ") + TypeName(props) + ", not an object";
  auto name = props.find("name");
  if (name == props.end() || name->is_null()) return "missing name";
  if (!name->is_string()) return std::string("name is ") + TypeName(*name) + ", not a string";
  z->name = name->get<std::string>();
  if (z->name.empty()) return "name is empty";
  std::string s;
  if (auto why = ReadOptionalString(props, "name_en", &z->name_en); !why.empty()) return why;
  if (auto why = ReadOptionalString(props, "parent", &s); !why.empty()) return why;
  z->parent = RegionId(s);
  if (auto why = ReadOptionalString(props, "district", &z->district); !why.empty()) return why;
  auto shelter = props.find("shelter_s");
  if (shelter == props.end() || shelter->is_null()) return "missing shelter_s";
  if (!shelter->is_number()) return std::string("shelter_s is ") + TypeName(*shelter) + ", not a number";
  const double sh = shelter->get<double>();
  if (!std::isfinite(sh) || sh < 0) return "shelter_s is negative or not finite";
  z->shelter = Seconds(sh);
  auto pop = props.find("population");
  if (pop != props.end() && !pop->is_null()) {
    if (!pop->is_number()) return std::string("population is ") + TypeName(*pop) + ", not a number";
    const double v = pop->get<double>();
    if (!std::isfinite(v) || v < 0) return "population is negative or not finite";
    z->population = v;
  }
  return "";
}

// Authalic "q" function: area between the equator and latitude phi per radian of
// longitude is a^2 * q(phi) / 2 on the WGS84 ellipsoid.
double AuthalicQ(double lat_deg) {
  constexpr double a = 6378137.0, f = 1 / 298.257223563;
  constexpr double e2 = f * (2 - f);
  static const double e = std::sqrt(e2);
  (void)a;
  const double s = std::sin(lat_deg * M_PI / 180);
  return (1 - e2) * (s / (1 - e2 * s * s) + std::atanh(e * s) / e);
}

double RingAreaM2(const Ring& r) {
  constexpr double a = 6378137.0;
  double sum = 0;
  for (size_t i = 0; i + 1 < r.size(); ++i)
    sum += (r[i + 1].lon - r[i].lon) * M_PI / 180 * (AuthalicQ(r[i].lat) + AuthalicQ(r[i + 1].lat)) / 2;
  return std::abs(sum) * a * a / 2;
}

}  // namespace

double GeodesicAreaKm2(const MultiPolygon& g) {
  double m2 = 0;
  for (const Polygon& p : g) {
    m2 += RingAreaM2(p.outer);
    for (const Ring& h : p.holes) m2 -= RingAreaM2(h);
  }
  return m2 / 1e6;
}

ParsedZones ParseZonesGeoJson(const std::string& text, const std::string& source,
                              std::vector<LoadProblem>* problems) {
  ParsedZones out;
  auto fail = [&](std::string reason) {
    problems->push_back({source, -1, "", std::move(reason)});
    out.fatal = true;
    return std::move(out);
  };
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return fail("the file is empty (expected a GeoJSON FeatureCollection)");
  if (NestingDepth(text) > kMaxNesting)
    return fail("not a zone catalog: arrays/objects nested more than " +
                std::to_string(kMaxNesting) + " levels deep");
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return fail("not valid JSON (truncated or corrupt file?); expected a GeoJSON FeatureCollection");
  if (!doc.is_object()) return fail(std::string("the document is ") + TypeName(doc) + ", not a GeoJSON FeatureCollection object");
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string() || type->get_ref<const std::string&>() != "FeatureCollection")
    return fail("not a GeoJSON FeatureCollection (\"type\" must be \"FeatureCollection\")");
  auto features = doc.find("features");
  if (features == doc.end() || !features->is_array())
    return fail("the FeatureCollection has no \"features\" array");

  std::unordered_set<std::string> seen_ids;
  for (size_t i = 0; i < features->size(); ++i) {
    const json& f = (*features)[i];
    const int index = static_cast<int>(i);
    auto problem = [&](const std::string& id, std::string reason) {
      problems->push_back({source, index, id, std::move(reason)});
    };
    if (!f.is_object() || f.find("type") == f.end() || !(*f.find("type")).is_string() ||
        (*f.find("type")).get_ref<const std::string&>() != "Feature") {
      problem("", "not a GeoJSON Feature (an object with \"type\": \"Feature\")");
      continue;
    }
    auto props = f.find("properties");
    if (props == f.end() || props->is_null()) {
      problem("", "missing properties (id, name and shelter_s are required)");
      continue;
    }
    Zone z;
    std::string id;
    if (props->is_object()) {
      auto idj = props->find("id");
      if (idj == props->end() || idj->is_null()) {
        problem("", "missing id");
        continue;
      }
      if (!idj->is_string()) {
        problem("", std::string("id is ") + TypeName(*idj) + ", not a string");
        continue;
      }
      id = idj->get<std::string>();
      if (id.empty()) {
        problem("", "id is empty");
        continue;
      }
    }
    if (auto why = ReadProperties(*props, &z); !why.empty()) {
      problem(id, why);
      continue;
    }
    auto geometry = f.find("geometry");
    if (geometry == f.end()) {
      problem(id, "missing geometry (a Polygon or MultiPolygon is required)");
      continue;
    }
    if (auto why = ReadGeometry(*geometry, &z.geometry); !why.empty()) {
      problem(id, why);
      continue;
    }
    if (!seen_ids.insert(id).second) {
      problem(id, "duplicate id (an earlier feature has the same id)");
      continue;
    }
    z.id = ZoneId(id);
    out.zones.push_back(std::move(z));
  }
  return out;
}

}  // namespace tocsin::zones::internal
