#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "zones/catalog_impl.h"
#include "zones/geodesic_distance.h"
#include "zones/geojson_loader.h"

namespace tocsin::zones {
namespace {

constexpr size_t kMaxProblemsInMessage = 20;

std::string FileStem(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  for (const char* ext : {".geojson", ".json"}) {
    const size_t n = std::char_traits<char>::length(ext);
    if (base.size() > n && base.compare(base.size() - n, n, ext) == 0) return base.substr(0, base.size() - n);
  }
  return base;
}

// A representative point: the area centroid of the largest polygon when it is
// inside the zone, else the middle of the widest inside stretch of the line of
// latitude through that centroid.
LatLon RepresentativePoint(const Zone& z, const internal::ZoneShape& shape) {
  const Polygon* largest = nullptr;
  double largest_area = -1;
  for (const Polygon& p : z.geometry) {
    const double a = internal::GeodesicAreaKm2({p});
    if (a > largest_area) largest_area = a, largest = &p;
  }
  if (!largest) return {};
  double sx = 0, sy = 0, sa = 0;
  const Ring& r = largest->outer;
  const LatLon o = r[0];
  for (size_t i = 0; i + 1 < r.size(); ++i) {
    const double x1 = r[i].lon - o.lon, y1 = r[i].lat - o.lat;
    const double x2 = r[i + 1].lon - o.lon, y2 = r[i + 1].lat - o.lat;
    const double c = x1 * y2 - x2 * y1;
    sa += c, sx += (x1 + x2) * c, sy += (y1 + y2) * c;
  }
  LatLon c = sa != 0 ? LatLon{o.lat + sy / (3 * sa), o.lon + sx / (3 * sa)} : o;
  if (shape.Contains(c.lon, c.lat)) return c;
  std::vector<double> xs;
  shape.Crossings(c.lat, &xs);
  std::sort(xs.begin(), xs.end());
  double best = -1;
  for (size_t k = 0; k + 1 < xs.size(); k += 2)
    if (xs[k + 1] - xs[k] > best) best = xs[k + 1] - xs[k], c.lon = (xs[k] + xs[k + 1]) / 2;
  return c;
}

// A radius in metres around c that holds every vertex (so every point) of the
// zone: tangent-plane distances with their error bound, exact when far.
double RadiusAround(LatLon c, const internal::ZoneShape& s) {
  double ky = 0, kx = 0;
  internal::MetresPerDegree(c.lat, &ky, &kx);
  double r2 = 0;
  for (const internal::Edge& e : s.edges())
    r2 = std::max(r2, std::pow((e.x1 - c.lon) * kx, 2) + std::pow((e.y1 - c.lat) * ky, 2));
  const double r = std::sqrt(r2);
  if (r < 200e3 && std::abs(c.lat) < 80)
    return r * (1 + (std::abs(std::tan(c.lat * M_PI / 180)) + 0.5) * r / 6371e3 * 3) + 10;
  double exact = 0;
  for (const internal::Edge& e : s.edges())
    exact = std::max(exact, GeodesicDistance(c, {e.y1, e.x1}).value());
  return exact * 1.001 + 100;  // margin for edges bulging beyond their vertices
}

Status ProblemsStatus(const std::string& source, const std::vector<LoadProblem>& problems) {
  std::ostringstream msg;
  msg << "cannot load zone catalog " << source << ": " << problems.size() << " problem"
      << (problems.size() == 1 ? "" : "s");
  for (size_t i = 0; i < problems.size() && i < kMaxProblemsInMessage; ++i)
    msg << "\n  " << problems[i].ToString();
  if (problems.size() > kMaxProblemsInMessage)
    msg << "\n  ... and " << problems.size() - kMaxProblemsInMessage << " more";
  msg << "\nFix the file (format: spec/zones.md), or load with skip_invalid_features to leave "
         "invalid features out.";
  return Status::Error(msg.str());
}

}  // namespace

std::string LoadProblem::ToString() const {
  std::string s = file + ": ";
  if (feature_index >= 0) {
    s += "feature " + std::to_string(feature_index);
    if (!feature_id.empty()) s += " (id " + feature_id + ")";
    s += ": ";
  }
  return s + reason;
}

BgPolygon ToBg(const Polygon& p) {
  BgPolygon out;
  for (const LatLon& v : p.outer) out.outer().push_back({v.lon, v.lat});
  for (const Ring& h : p.holes) {
    out.inners().emplace_back();
    for (const LatLon& v : h) out.inners().back().push_back({v.lon, v.lat});
  }
  bg::correct(out);
  return out;
}

std::vector<ZoneIndex> Catalog::Impl::Candidates(const BgBox& box) const {
  std::vector<ZoneIndex> out;
  rtree.query(bgi::intersects(box), boost::make_function_output_iterator(
                                        [&](const auto& v) { out.push_back(v.second); }));
  std::sort(out.begin(), out.end());
  return out;
}

Result<Catalog> Catalog::LoadFile(const std::string& path, const LoadOptions& options,
                                  std::vector<LoadProblem>* problems) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, ec)) {
    if (problems) problems->push_back({path, -1, "", "cannot open the file"});
    return Status::Error("cannot open zone catalog " + path +
                         ": no such file or not readable (give a catalog name such as "
                         "ua-hromadas or a path to a GeoJSON file)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::Error("cannot read zone catalog " + path);
  auto result = LoadText(text.str(), path, options, problems);
  if (result.ok()) result->impl_->name = FileStem(path);
  return result;
}

Result<Catalog> Catalog::LoadText(const std::string& geojson, const std::string& source_name,
                                  const LoadOptions& options,
                                  std::vector<LoadProblem>* problems_out) {
  std::vector<LoadProblem> problems;
  internal::ParsedZones parsed = internal::ParseZonesGeoJson(geojson, source_name, &problems);
  if (problems_out) problems_out->insert(problems_out->end(), problems.begin(), problems.end());
  if (parsed.fatal || (!problems.empty() && !options.skip_invalid_features))
    return ProblemsStatus(source_name, problems);
  if (parsed.zones.empty())
    return Status::Error("cannot load zone catalog " + source_name +
                         ": it has no valid zones (a catalog needs at least one feature)");

  auto impl = std::make_unique<Impl>();
  impl->name = FileStem(source_name);
  impl->zones = std::move(parsed.zones);
  const size_t n = impl->zones.size();
  impl->shapes.reserve(n);
  impl->bg_shapes.reserve(n);
  std::vector<std::pair<BgBox, ZoneIndex>> boxes;
  boxes.reserve(n);
  impl->has_population = true;
  for (ZoneIndex i = 0; i < n; ++i) {
    Zone& z = impl->zones[i];
    impl->by_id.emplace(z.id, i);
    impl->has_population &= z.population.has_value();
    impl->shapes.emplace_back(z.geometry);
    const internal::ZoneShape& s = impl->shapes.back();
    z.area_km2 = internal::GeodesicAreaKm2(z.geometry);
    z.centroid = RepresentativePoint(z, s);
    impl->shapes.back().SetAnchor(z.centroid, s.Contains(z.centroid.lon, z.centroid.lat),
                                  RadiusAround(z.centroid, s));
    BgMultiPolygon mp;
    for (const Polygon& p : z.geometry) mp.push_back(ToBg(p));
    impl->bg_shapes.push_back(std::move(mp));
    boxes.push_back({BgBox({s.bbox().min_lon, s.bbox().min_lat}, {s.bbox().max_lon, s.bbox().max_lat}), i});
  }
  impl->rtree = RTree(boxes.begin(), boxes.end());  // packed bulk load
  impl->grid.Build(impl->shapes);
  return Catalog(std::move(impl));
}

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Catalog::Catalog(Catalog&&) noexcept = default;
Catalog& Catalog::operator=(Catalog&&) noexcept = default;
Catalog::~Catalog() = default;

const std::string& Catalog::name() const { return impl_->name; }
const std::vector<Zone>& Catalog::zones() const { return impl_->zones; }
bool Catalog::has_population() const { return impl_->has_population; }

std::optional<ZoneIndex> Catalog::Find(const ZoneId& id) const {
  auto it = impl_->by_id.find(id);
  if (it == impl_->by_id.end()) return std::nullopt;
  return it->second;
}

}  // namespace tocsin::zones
