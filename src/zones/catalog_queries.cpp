// Catalog queries: point location, distances, polygons, corridors, ellipses.
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/GeodesicLine.hpp>
#include <algorithm>
#include <cmath>

#include "zones/catalog_impl.h"
#include "zones/geodesic_distance.h"

namespace tocsin::zones {
namespace {

constexpr double kMaxPieceLength = 10e3;  // corridor pieces, metres

// The lon/lat box around [min, max] that contains every point within d metres
// (geodesic) of it, with a small safety margin.
BgBox ExpandedBox(double min_lon, double min_lat, double max_lon, double max_lat, double d) {
  const double dlat = d / 110000.0 + 1e-7;  // >= 110,574 m per degree everywhere
  const double lat_lo = std::max(-90.0, min_lat - dlat), lat_hi = std::min(90.0, max_lat + dlat);
  const double poleward = std::max(std::abs(lat_lo), std::abs(lat_hi));
  double lon_lo = -180, lon_hi = 180;
  if (poleward < 89) {
    const double dlon = d / (111000.0 * std::cos(poleward * M_PI / 180)) + 1e-7;
    lon_lo = min_lon - dlon, lon_hi = max_lon + dlon;
  }
  return BgBox({lon_lo, lat_lo}, {lon_hi, lat_hi});
}

// True when the closed ring turns the same way at every vertex (no collinear or
// reflex vertex, no repeated point) and winds once: a strictly convex polygon.
bool IsStrictlyConvex(const Ring& ring) {
  const size_t n = ring.size() - 1;  // closed: last == first
  if (n < 3) return false;
  int sign = 0;
  double turned = 0;
  for (size_t i = 0; i < n; ++i) {
    const LatLon& a = ring[i];
    const LatLon& b = ring[(i + 1) % n];
    const LatLon& c = ring[(i + 2) % n];
    const double cross = internal::Orient(a.lon, a.lat, b.lon, b.lat, c.lon, c.lat);
    const int s = cross > 0 ? 1 : (cross < 0 ? -1 : 0);
    if (s == 0 || (sign != 0 && s != sign)) return false;
    sign = s;
    turned += std::atan2(cross, (b.lon - a.lon) * (c.lon - b.lon) + (b.lat - a.lat) * (c.lat - b.lat));
  }
  return std::abs(std::abs(turned) - 2 * M_PI) < 1e-6;  // once around, not a star
}

// For a strictly convex closed ring: p is on the inner side of every edge.
bool StrictlyInsideConvex(const Ring& ring, LatLon p) {
  const size_t n = ring.size() - 1;
  int sign = 0;
  for (size_t i = 0; i < n; ++i) {
    const double cross = internal::Orient(ring[i].lon, ring[i].lat, ring[i + 1].lon, ring[i + 1].lat, p.lon, p.lat);
    const int s = cross > 0 ? 1 : (cross < 0 ? -1 : 0);
    if (s == 0 || (sign != 0 && s != sign)) return false;
    sign = s;
  }
  return true;
}

}  // namespace

std::optional<ZoneIndex> Catalog::ZoneAt(LatLon p) const {
  if (!IsValidLatLon(p.lat, p.lon)) return std::nullopt;
  return impl_->grid.Locate(p.lon, p.lat, impl_->shapes);
}

Metres Catalog::DistanceTo(ZoneIndex zone, LatLon p) const {
  if (!IsValidLatLon(p.lat, p.lon)) return Metres(INFINITY);
  return Metres(internal::DistanceToZone(impl_->shapes.at(zone), p));
}

std::vector<ZoneIndex> Catalog::ZonesWithin(LatLon p, Metres distance) const {
  std::vector<ZoneIndex> out;
  const double d = distance.value();
  if (!IsValidLatLon(p.lat, p.lon) || !(d >= 0)) return out;
  for (ZoneIndex z : impl_->Candidates(ExpandedBox(p.lon, p.lat, p.lon, p.lat, d))) {
    const auto& s = impl_->shapes[z];
    if (d == 0 ? s.Contains(p.lon, p.lat) : internal::ZoneWithinDistance(s, p, d)) out.push_back(z);
  }
  return out;
}

std::vector<std::vector<ZoneIndex>> Catalog::ZonesWithinEach(LatLon p, std::span<const Metres> distances) const {
  const size_t n = distances.size();
  std::vector<std::vector<ZoneIndex>> out(n);
  if (!IsValidLatLon(p.lat, p.lon)) return out;
  // Per distance: its value (< 0 when ZonesWithin would return nothing) and the box
  // ZonesWithin would search; the widest box is searched once.
  std::vector<double> ds(n, -1);
  std::vector<BgBox> boxes(n);
  double widest = -1;
  for (size_t k = 0; k < n; ++k) {
    const double d = distances[k].value();
    if (!(d >= 0)) continue;
    ds[k] = d;
    boxes[k] = ExpandedBox(p.lon, p.lat, p.lon, p.lat, d);
    widest = std::max(widest, d);
  }
  if (widest < 0) return out;
  std::vector<double> asked(n);
  std::vector<char> within(n);
  for (ZoneIndex z : impl_->Candidates(ExpandedBox(p.lon, p.lat, p.lon, p.lat, widest))) {
    const auto& s = impl_->shapes[z];
    const BgBox zone_box({s.bbox().min_lon, s.bbox().min_lat}, {s.bbox().max_lon, s.bbox().max_lat});
    // The distances whose own search would have found this zone (the R-tree's test).
    for (size_t k = 0; k < n; ++k) asked[k] = ds[k] >= 0 && bg::intersects(zone_box, boxes[k]) ? ds[k] : -1;
    internal::ZoneWithinDistances(s, p, asked, within);
    for (size_t k = 0; k < n; ++k)
      if (asked[k] >= 0 && within[k]) out[k].push_back(z);
  }
  return out;
}

std::vector<ZoneIndex> Catalog::ZonesTouching(const Polygon& area) const {
  std::vector<ZoneIndex> out;
  if (area.outer.size() < 3) return out;
  double min_lon = INFINITY, min_lat = INFINITY, max_lon = -INFINITY, max_lat = -INFINITY;
  for (const LatLon& v : area.outer) {
    if (!IsValidLatLon(v.lat, v.lon)) return out;
    min_lon = std::min(min_lon, v.lon), max_lon = std::max(max_lon, v.lon);
    min_lat = std::min(min_lat, v.lat), max_lat = std::max(max_lat, v.lat);
  }
  Polygon closed = area;
  if (!(closed.outer.front() == closed.outer.back())) closed.outer.push_back(closed.outer.front());
  for (Ring& h : closed.holes)
    if (!h.empty() && !(h.front() == h.back())) h.push_back(h.front());
  const BgPolygon query = ToBg(closed);
  // Cheap certain answers before Boost's general test: a zone that contains a vertex
  // of the query touches it; so does a zone whose inside point lies strictly inside a
  // convex query without holes (an ellipse, a disc).
  const bool convex = closed.holes.empty() && IsStrictlyConvex(closed.outer);
  for (ZoneIndex z : impl_->Candidates(BgBox({min_lon, min_lat}, {max_lon, max_lat}))) {
    const auto& shape = impl_->shapes[z];
    if (shape.Contains(closed.outer.front().lon, closed.outer.front().lat) ||
        (convex && shape.anchor_inside() && StrictlyInsideConvex(closed.outer, shape.anchor()))) {
      out.push_back(z);
      continue;
    }
    bool touches = true;  // when Boost cannot decide (invalid query polygon), err on alerting
    try {
      touches = bg::intersects(query, impl_->bg_shapes[z]);
    } catch (...) {
    }
    if (touches) out.push_back(z);
  }
  return out;
}

std::vector<ZoneIndex> Catalog::ZonesTouchingCorridor(std::span<const LatLon> polyline,
                                                      Metres half_width) const {
  std::vector<ZoneIndex> out;
  const double w = std::max(0.0, half_width.value());
  if (polyline.empty() || !std::isfinite(w)) return out;
  for (const LatLon& p : polyline)
    if (!IsValidLatLon(p.lat, p.lon)) return out;
  if (polyline.size() == 1) return ZonesWithin(polyline[0], Metres(w));

  const auto& g = GeographicLib::Geodesic::WGS84();
  std::vector<char> found(impl_->zones.size(), 0);
  auto test_piece = [&](const internal::GeodesicPiece& piece) {
    const double margin = w + 0.002 * piece.length + 50;  // geodesic bulge and rounding
    const BgBox box = ExpandedBox(std::min(piece.a.lon, piece.b.lon), std::min(piece.a.lat, piece.b.lat),
                                  std::max(piece.a.lon, piece.b.lon), std::max(piece.a.lat, piece.b.lat),
                                  margin);
    impl_->rtree.query(bgi::intersects(box), boost::make_function_output_iterator([&](const auto& v) {
                         const ZoneIndex z = v.second;
                         if (found[z]) return;
                         if (internal::PieceWithinDistance(impl_->shapes[z], piece, w)) {
                           found[z] = 1;
                           out.push_back(z);
                         }
                       }));
  };
  for (size_t i = 0; i + 1 < polyline.size(); ++i) {
    const LatLon a = polyline[i], b = polyline[i + 1];
    double s12 = 0, azi1 = 0, azi2 = 0;
    g.Inverse(a.lat, a.lon, b.lat, b.lon, s12, azi1, azi2);
    const int k = std::max(1, static_cast<int>(std::ceil(s12 / kMaxPieceLength)));
    if (k == 1) {
      test_piece({a, b, azi1, s12});
      continue;
    }
    const GeographicLib::GeodesicLine line(g, a.lat, a.lon, azi1);
    LatLon prev = a;
    double prev_azi = azi1;
    for (int j = 1; j <= k; ++j) {
      LatLon next = b;
      double azi = 0;
      if (j < k) line.Position(s12 * j / k, next.lat, next.lon, azi);
      test_piece({prev, next, prev_azi, s12 / k});
      prev = next, prev_azi = azi;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<ZoneIndex> Catalog::ZonesTouchingEllipse(LatLon centre, Metres semi_major,
                                                     Metres semi_minor,
                                                     double major_azimuth_deg) const {
  const double a = std::max(semi_major.value(), semi_minor.value());
  const double b = std::min(semi_major.value(), semi_minor.value());
  if (!IsValidLatLon(centre.lat, centre.lon) || !std::isfinite(a) || !std::isfinite(major_azimuth_deg))
    return {};
  if (b < 1) {  // a segment (or a point): a corridor along the major axis
    const LatLon ends[2] = {GeodesicDestination(centre, major_azimuth_deg + 180, Metres(std::max(a, 0.0))),
                            GeodesicDestination(centre, major_azimuth_deg, Metres(std::max(a, 0.0)))};
    return ZonesTouchingCorridor(ends, Metres(std::max(b, 0.0)));
  }
  // Too large for a lon/lat polygon (it could wrap around a pole or the
  // antimeridian): the circle of the major semi-axis, which contains the ellipse.
  constexpr double kMaxPolygonRadius = 1000e3;
  if (a > kMaxPolygonRadius) return ZonesWithin(centre, Metres(a));
  // A polygon drawn around the ellipse (vertices just outside it, so that no
  // part of the ellipse is cut off), each vertex at its exact geodesic distance.
  constexpr int kVertices = 72;
  const double inflate = 1 / std::cos(M_PI / kVertices);
  Polygon poly;
  for (int k = 0; k < kVertices; ++k) {
    const double phi = 2 * M_PI * k / kVertices;
    const double r = a * b / std::hypot(b * std::cos(phi), a * std::sin(phi)) * inflate;
    poly.outer.push_back(GeodesicDestination(centre, major_azimuth_deg + phi * 180 / M_PI, Metres(r)));
  }
  poly.outer.push_back(poly.outer.front());
  double min_lon = 180, max_lon = -180;
  for (const LatLon& v : poly.outer) min_lon = std::min(min_lon, v.lon), max_lon = std::max(max_lon, v.lon);
  if (max_lon - min_lon > 180) return ZonesWithin(centre, Metres(a));  // across the antimeridian
  return ZonesTouching(poly);
}

}  // namespace tocsin::zones
