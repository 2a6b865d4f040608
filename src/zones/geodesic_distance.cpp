#include "zones/geodesic_distance.h"

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/GeodesicLine.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace tocsin::zones::internal {
namespace {

using GeographicLib::Geodesic;
constexpr double kEarthRadius = 6371000.0;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kDeg = M_PI / 180;
// Beyond this the tangent plane is not trusted even for ranking.
constexpr double kPlaneLimit = 300e3;

// Relative error bound of the tangent plane at p for lengths up to d metres.
double PlaneRelativeError(double lat, double d) {
  return (std::abs(std::tan(lat * kDeg)) + 0.5) * d / kEarthRadius * 1.5 + 1e-6;
}

// What a planar distance x (metres, <= kPlaneLimit, rel = PlaneRelativeError for it)
// says for sure about the true distance against d, with 0.5 m for rounding.
bool PlaneSaysWithin(double x, double rel, double d) { return x * (1 + rel) + 0.5 <= d; }
bool PlaneSaysFarther(double x, double rel, double d) { return x * (1 - rel) - 0.5 > d; }

// Exact distance from p to the edge, by Newton steps on the edge parameter
// starting at t0. Returns the least distance seen. With stop_at, it returns as soon
// as a distance seen is <= stop_at: whether the result is <= stop_at is then the
// same as without it (the least can only be lower), the value is not.
double RefineOnEdge(LatLon p, const Edge& e, double t0, double stop_at = -kInf) {
  const Geodesic& g = Geodesic::WGS84();
  double t = std::clamp(t0, 0.0, 1.0), best = kInf;
  for (int iter = 0; iter < 8; ++iter) {
    const double qlat = e.y1 + t * (e.y2 - e.y1), qlon = e.x1 + t * (e.x2 - e.x1);
    double s12 = 0, azi1 = 0, azi2 = 0;
    g.Inverse(p.lat, p.lon, qlat, qlon, s12, azi1, azi2);
    best = std::min(best, s12);
    if (s12 < 1e-3 || s12 <= stop_at) break;
    double mlat = 0, mlon = 0;
    MetresPerDegree(qlat, &mlat, &mlon);
    const double east = (e.x2 - e.x1) * mlon, north = (e.y2 - e.y1) * mlat;
    const double len = std::hypot(east, north);
    if (len < 1e-6) break;
    const double delta = std::atan2(east, north) - azi2 * kDeg;
    const double fp = len * std::cos(delta);                              // d s / d t
    const double fpp = len * len * std::sin(delta) * std::sin(delta) / s12;  // d2 s / d t2
    double step = fpp > 1e-12 * len * len ? -fp / fpp : (fp > 0 ? -1.0 : 1.0);
    const double next = std::clamp(t + step, 0.0, 1.0);
    if (std::abs(next - t) * len < 0.01) break;
    t = next;
  }
  return best;
}

// Far away (or near the poles): bound each edge by its endpoints' exact distances.
// Exact (Inverse) distances are computed only where a chord lower bound says they
// can matter; the result is the same as computing every one of them.
double DistanceFar(const ZoneShape& shape, LatLon p) {
  const Geodesic& g = Geodesic::WGS84();
  const auto& edges = shape.edges();
  const size_t n = edges.size();
  const Ecef pe = ToEcef(p.lat, p.lon);
  // Per edge endpoint: a lower bound, then (once computed) the exact distance.
  thread_local std::vector<double> lb, exact;
  lb.resize(2 * n);
  exact.assign(2 * n, -1.0);
  size_t first = 0;
  for (size_t i = 0; i < n; ++i) {
    lb[2 * i] = ChordLowerBound(pe, shape.edge_end(2 * i));
    lb[2 * i + 1] = ChordLowerBound(pe, shape.edge_end(2 * i + 1));
    if (lb[2 * i] < lb[first]) first = 2 * i;
    if (lb[2 * i + 1] < lb[first]) first = 2 * i + 1;
  }
  auto exact_of = [&](size_t k) {
    if (exact[k] < 0) {
      const Edge& e = edges[k / 2];
      double s = 0;
      if (k % 2 == 0) g.Inverse(p.lat, p.lon, e.y1, e.x1, s);
      else g.Inverse(p.lat, p.lon, e.y2, e.x2, s);
      exact[k] = s;
    }
    return exact[k];
  };
  // The least vertex distance: vertices whose bound is not below it cannot lower it.
  double best = exact_of(first);
  for (size_t k = 0; k < 2 * n; ++k)
    if (lb[k] < best) best = std::min(best, exact_of(k));
  for (size_t i = 0; i < n; ++i) {
    const Edge& e = edges[i];
    double mlat = 0, mlon = 0;
    MetresPerDegree(std::max(std::abs(e.y1), std::abs(e.y2)), &mlat, &mlon);
    double mlat2 = 0, mlon2 = 0;
    MetresPerDegree(std::min(std::abs(e.y1), std::abs(e.y2)), &mlat2, &mlon2);
    // Any point of the edge is within half its length (along it) of an endpoint.
    const double len = std::hypot((e.x2 - e.x1) * std::max(mlon, mlon2), (e.y2 - e.y1) * std::max(mlat, mlat2));
    const double lower_a = exact[2 * i] >= 0 ? exact[2 * i] : lb[2 * i];
    const double lower_b = exact[2 * i + 1] >= 0 ? exact[2 * i + 1] : lb[2 * i + 1];
    if (std::min(lower_a, lower_b) - len * 0.5 * 1.01 > best) continue;  // so is the exact test below
    const double da = exact_of(2 * i), db = exact_of(2 * i + 1);
    if (std::min(da, db) - len * 0.5 * 1.01 > best) continue;
    best = std::min(best, RefineOnEdge(p, e, da < db ? 0.0 : 1.0));
    best = std::min(best, RefineOnEdge(p, e, 0.5));
  }
  return best;
}

// distance(p, zone) <= d for far points: the anchor's bounds first.
bool FarWithin(const ZoneShape& shape, LatLon p, double d) {
  if (std::isfinite(shape.radius())) {
    double dc = 0;
    Geodesic::WGS84().Inverse(p.lat, p.lon, shape.anchor().lat, shape.anchor().lon, dc);
    if (dc - shape.radius() > d) return false;
    if (shape.anchor_inside() && dc <= d) return true;
  }
  return DistanceFar(shape, p) <= d;
}

// Squared planar distances (tangent plane at p) from p to every edge, and the least;
// *nearest (if given) gets the index of the first edge at the least. With
// stop_within >= 0 the pass stops at the first least so far (within kPlaneLimit)
// that PlaneSaysWithin stop_within; d2 is then only partly filled.
double PlanarDistances(const ZoneShape& shape, LatLon p, double kx, double ky,
                       std::vector<double>* d2, size_t* nearest = nullptr, double stop_within = -1) {
  const auto& edges = shape.edges();
  d2->resize(edges.size());
  double best = kInf;
  for (size_t i = 0; i < edges.size(); ++i) {
    const Edge& e = edges[i];
    const double v = PointSegmentDist2(0, 0, (e.x1 - p.lon) * kx, (e.y1 - p.lat) * ky,
                                       (e.x2 - p.lon) * kx, (e.y2 - p.lat) * ky);
    (*d2)[i] = v;
    if (v < best) {
      best = v;
      if (nearest) *nearest = i;
      if (stop_within >= 0) {
        const double pl = std::sqrt(v);
        if (pl <= kPlaneLimit && PlaneSaysWithin(pl, PlaneRelativeError(p.lat, pl), stop_within)) return best;
      }
    }
  }
  return best;
}

// The planar distances from p to the nearest and to the farthest point of the
// zone's box, 1 mm to spare for rounding (every vertex is in the box, so the least
// planar distance to the zone lies between them). near <= 0 when p is in the box.
struct BoxPlaneDistances {
  double near, far;
};
BoxPlaneDistances ToBox(const ZoneShape& shape, LatLon p, double kx, double ky) {
  const BoxLL& box = shape.bbox();
  const double x0 = (box.min_lon - p.lon) * kx, x1 = (box.max_lon - p.lon) * kx;
  const double y0 = (box.min_lat - p.lat) * ky, y1 = (box.max_lat - p.lat) * ky;
  const double fx = std::max(std::abs(x0), std::abs(x1)), fy = std::max(std::abs(y0), std::abs(y1));
  const double nx = x0 > 0 ? x0 : (x1 < 0 ? -x1 : 0), ny = y0 > 0 ? y0 : (y1 < 0 ? -y1 : 0);
  return {std::sqrt(nx * nx + ny * ny) - 1e-3, std::sqrt(fx * fx + fy * fy) + 1e-3};
}

// The box's answer to distance(p, zone) <= d when it decides (nullopt otherwise).
// When the far bound is within kPlaneLimit, FarWithin is never asked, and both plane
// tests grow with the distance up to kPlaneLimit at |lat| <= 80; so when the box's
// bound passes one, the least planar distance passes it too, and the answer is the
// one the edges give.
std::optional<bool> BoxSays(const BoxPlaneDistances& b, double lat, double d) {
  if (b.far > kPlaneLimit) return std::nullopt;
  if (PlaneSaysWithin(b.far, PlaneRelativeError(lat, b.far), d)) return true;
  if (b.near > 0 && PlaneSaysFarther(b.near, PlaneRelativeError(lat, b.near), d)) return false;
  return std::nullopt;
}

// Squared planar distance below which an edge may be the nearest on the ellipsoid,
// when the least planar distance is `planar` (within the plane's error of it).
double CandidateLimit2(double lat, double planar) {
  const double rel = PlaneRelativeError(lat, planar);
  const double limit = (planar * (1 + rel) + 0.5) / (1 - rel);
  return limit * limit;
}

// A lower bound of the distance from pe to every point of edge i: each point of the
// edge is within half its length (along it) of an end, so at least
// (chord_a + chord_b - length) / 2 away.
double EdgeLowerBound(const ZoneShape& shape, const Ecef& pe, size_t i) {
  const double chords = ChordLowerBound(pe, shape.edge_end(2 * i)) + ChordLowerBound(pe, shape.edge_end(2 * i + 1));
  return (chords - shape.edge_length_bound(i)) / 2;
}

// RefineOnEdge from the edge's point nearest p in the tangent plane at p.
double RefineFromPlane(LatLon p, const Edge& e, double kx, double ky, double stop_at = -kInf) {
  double t = 0;
  PointSegmentDist2(0, 0, (e.x1 - p.lon) * kx, (e.y1 - p.lat) * ky, (e.x2 - p.lon) * kx, (e.y2 - p.lat) * ky, &t);
  return RefineOnEdge(p, e, t, stop_at);
}

// The candidate edges for refinement (those within the plane's error of the
// least planar distance), nearest in the plane first, then refined: the least
// refined distance over them. An edge whose lower bound is not below the least
// so far cannot lower it (its refined distance is at least its true distance),
// so it is skipped without changing the result.
// REQUIRES: p outside the zone, |lat| <= 80; d2 holds PlanarDistances' output
// and planar the square root of its least value, <= kPlaneLimit.
double RefinePlanar(const ZoneShape& shape, LatLon p, double kx, double ky, double planar,
                    const std::vector<double>& d2) {
  const double limit2 = CandidateLimit2(p.lat, planar);
  const auto& edges = shape.edges();
  thread_local std::vector<std::pair<double, uint32_t>> near;
  near.clear();
  for (size_t i = 0; i < edges.size(); ++i)
    if (d2[i] <= limit2) near.emplace_back(d2[i], static_cast<uint32_t>(i));
  std::sort(near.begin(), near.end());
  const Ecef pe = ToEcef(p.lat, p.lon);
  double best = kInf;
  for (const auto& [dist2, i] : near) {
    if (best < kInf && EdgeLowerBound(shape, pe, i) >= best) continue;
    best = std::min(best, RefineFromPlane(p, edges[i], kx, ky));
  }
  return best;
}

// RefinePlanar(shape, p, kx, ky, planar, d2) <= d, without its value: the same
// candidate edges, refined until one comes within d. RefinePlanar's least is <= d
// exactly when some candidate's refined distance is (a candidate it skips has a
// lower bound not below a distance it refined), so the order does not matter;
// `nearest` (the edge of the least planar distance) goes first as the likeliest.
// A candidate whose lower bound is above d cannot come within d and is skipped, and
// each refinement stops at its first distance <= d (RefineOnEdge's stop_at).
// REQUIRES: as RefinePlanar; d2[nearest] is the least of d2.
bool RefinePlanarWithin(const ZoneShape& shape, LatLon p, double kx, double ky, double planar,
                        const std::vector<double>& d2, size_t nearest, double d) {
  const double limit2 = CandidateLimit2(p.lat, planar);
  const auto& edges = shape.edges();
  const Ecef pe = ToEcef(p.lat, p.lon);
  auto comes_within = [&](size_t i) {
    return EdgeLowerBound(shape, pe, i) <= d && RefineFromPlane(p, edges[i], kx, ky, d) <= d;
  };
  if (comes_within(nearest)) return true;
  for (size_t i = 0; i < edges.size(); ++i)
    if (i != nearest && d2[i] <= limit2 && comes_within(i)) return true;
  return false;
}

// Distance from p (outside the zone) to the zone.
double DistanceOutside(const ZoneShape& shape, LatLon p) {
  if (std::abs(p.lat) > 80) return DistanceFar(shape, p);
  double ky = 0, kx = 0;
  MetresPerDegree(p.lat, &ky, &kx);
  thread_local std::vector<double> d2;
  const double planar = std::sqrt(PlanarDistances(shape, p, kx, ky, &d2));
  if (planar > kPlaneLimit) return DistanceFar(shape, p);
  return RefinePlanar(shape, p, kx, ky, planar, d2);
}

// distance(p, zone) <= d for p outside the zone, |lat| <= 80, from the least planar
// distance (and d2 / nearest as PlanarDistances gives them): the plane's sure
// answers, else the candidate edges refined (RefinePlanarWithin; exact: the exact
// least, DistanceOutside, as the reference does).
bool WithinFromPlanar(const ZoneShape& shape, LatLon p, double kx, double ky, double planar,
                      const std::vector<double>& d2, size_t nearest, double d, bool exact) {
  if (planar > kPlaneLimit) return FarWithin(shape, p, d);
  const double rel = PlaneRelativeError(p.lat, planar);
  if (PlaneSaysFarther(planar, rel, d)) return false;
  if (PlaneSaysWithin(planar, rel, d)) return true;
  if (exact) return DistanceOutside(shape, p) <= d;
  return RefinePlanarWithin(shape, p, kx, ky, planar, d2, nearest, d);
}

// ZoneWithinDistance for p outside the zone, |lat| <= 80. shortcuts: answer
// from the zone's box when it decides, stop the planar pass at the first edge the
// plane says is within d (the least, no larger, says so too), and refine from this
// pass's planar distances (the same values DistanceOutside would compute again);
// false: the reference (every edge's planar distance, DistanceOutside near the
// threshold).
bool WithinDistanceOutside(const ZoneShape& shape, LatLon p, double d, bool shortcuts) {
  double ky = 0, kx = 0;
  MetresPerDegree(p.lat, &ky, &kx);
  if (shortcuts)
    if (auto box = BoxSays(ToBox(shape, p, kx, ky), p.lat, d)) return *box;
  thread_local std::vector<double> d2;
  size_t nearest = 0;
  const double planar = std::sqrt(PlanarDistances(shape, p, kx, ky, &d2, &nearest, shortcuts ? d : -1));
  return WithinFromPlanar(shape, p, kx, ky, planar, d2, nearest, d, !shortcuts);
}

}  // namespace

void MetresPerDegree(double lat, double* m_lat, double* m_lon) {
  constexpr double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f);
  const double s = std::sin(lat * kDeg);
  const double w = std::sqrt(1 - e2 * s * s);
  *m_lat = a * (1 - e2) / (w * w * w) * kDeg;
  *m_lon = a / w * std::cos(lat * kDeg) * kDeg;
}

double EdgeLengthBound(const Edge& e) {
  const double hi = std::max(std::abs(e.y1), std::abs(e.y2));
  const double lo = (e.y1 < 0) != (e.y2 < 0) ? 0.0 : std::min(std::abs(e.y1), std::abs(e.y2));
  double mlat = 0, mlon = 0, mlat2 = 0, mlon2 = 0;
  MetresPerDegree(hi, &mlat, &mlon);
  MetresPerDegree(lo, &mlat2, &mlon2);
  return std::hypot((e.x2 - e.x1) * std::max(mlon, mlon2), (e.y2 - e.y1) * std::max(mlat, mlat2)) * 1.01;
}

double DistanceToZone(const ZoneShape& shape, LatLon p) {
  if (shape.edges().empty()) return kInf;
  if (shape.Contains(p.lon, p.lat)) return 0;
  return DistanceOutside(shape, p);
}

namespace {

bool ZoneWithin(const ZoneShape& shape, LatLon p, double d, bool shortcuts) {
  if (shape.edges().empty()) return false;
  if (shape.Contains(p.lon, p.lat)) return true;
  if (std::abs(p.lat) > 80) return FarWithin(shape, p, d);
  return WithinDistanceOutside(shape, p, d, shortcuts);
}

}  // namespace

bool ZoneWithinDistance(const ZoneShape& shape, LatLon p, double d) { return ZoneWithin(shape, p, d, true); }

void ZoneWithinDistances(const ZoneShape& shape, LatLon p, std::span<const double> ds, std::span<char> within) {
  const size_t n = ds.size();
  // Catalog::ZonesWithin's and ZoneWithin's preamble, then WithinDistanceOutside's
  // steps (with shortcuts) for each distance still open, in the same order. Only its
  // early stop of the pass over the edges is left out: the pass is done once, in
  // full, and its "certainly within" test below answers what that stop would.
  const bool empty = shape.edges().empty();
  const bool inside = !empty && shape.Contains(p.lon, p.lat);
  thread_local std::vector<size_t> open;
  open.clear();
  for (size_t k = 0; k < n; ++k) {
    if (!(ds[k] >= 0)) continue;
    if (ds[k] == 0) within[k] = inside;
    else if (empty || inside) within[k] = !empty;
    else if (std::abs(p.lat) > 80) within[k] = FarWithin(shape, p, ds[k]);
    else open.push_back(k);
  }
  if (open.empty()) return;
  double ky = 0, kx = 0;
  MetresPerDegree(p.lat, &ky, &kx);
  const BoxPlaneDistances box = ToBox(shape, p, kx, ky);
  size_t still = 0;
  for (size_t k : open) {
    if (auto b = BoxSays(box, p.lat, ds[k])) within[k] = *b;
    else open[still++] = k;
  }
  open.resize(still);
  if (open.empty()) return;
  thread_local std::vector<double> d2;
  size_t nearest = 0;
  const double planar = std::sqrt(PlanarDistances(shape, p, kx, ky, &d2, &nearest));
  for (size_t k : open) within[k] = WithinFromPlanar(shape, p, kx, ky, planar, d2, nearest, ds[k], false);
}

bool ZoneWithinDistanceReference(const ZoneShape& shape, LatLon p, double d) {
  return ZoneWithin(shape, p, d, /*shortcuts=*/false);
}

namespace {

// PieceWithinDistance; reference: without the early exits among the search's
// first samples (the reference for tests).
bool PieceWithin(const ZoneShape& shape, const GeodesicPiece& piece, double w, bool reference) {
  if (shape.edges().empty()) return false;
  if (shape.Contains(piece.a.lon, piece.a.lat) || shape.Contains(piece.b.lon, piece.b.lat))
    return true;
  const LatLon m{(piece.a.lat + piece.b.lat) / 2, (piece.a.lon + piece.b.lon) / 2};
  std::optional<GeographicLib::GeodesicLine> line;  // built only when needed
  auto exact_at = [&](double u) {
    if (!line) line.emplace(Geodesic::WGS84(), piece.a.lat, piece.a.lon, piece.azimuth_at_a);
    LatLon q;
    line->Position(piece.length * u, q.lat, q.lon);
    return DistanceToZone(shape, q);
  };
  // Least exact distance along the piece in [lo, hi] around u0 (golden section);
  // stops early once it is <= w, or once no point left in [lo, hi] can come
  // within w: the distance to the zone changes by at most the arc length moved
  // along the piece, so between two samples it is at least (fa + fb - gap) / 2
  // (with 1 m to spare for the refinement's rounding). Either way the answer
  // (best <= w) is the one the full search gives.
  // The answer only asks whether the least is <= w, so the search also stops at
  // the first of its first five samples within w (the least can only be lower).
  auto minimise = [&](double lo, double hi, double u0) {
    const bool stop = !reference;
    double flo = exact_at(lo);
    if (stop && flo <= w) return flo;
    double fhi = exact_at(hi);
    if (stop && fhi <= w) return fhi;
    const double f0 = exact_at(u0);
    if (stop && f0 <= w) return f0;
    double best = std::min({flo, fhi, f0});
    const double r = (std::sqrt(5.0) - 1) / 2;
    double c = hi - r * (hi - lo), d = lo + r * (hi - lo);
    double fc = exact_at(c);
    if (stop && fc <= w) return fc;
    double fd = exact_at(d);
    best = std::min({best, fc, fd});
    auto floor_between = [&](double ua, double fa, double ub, double fb) {
      return (fa + fb - (ub - ua) * piece.length) / 2;
    };
    for (int i = 0; i < 40 && best > w && (hi - lo) * piece.length > 0.5; ++i) {
      if (std::min({floor_between(lo, flo, c, fc), floor_between(c, fc, d, fd), floor_between(d, fd, hi, fhi)}) >
          w + 1.0)
        break;
      if (fc < fd) {
        hi = d, fhi = fd, d = c, fd = fc, c = hi - r * (hi - lo), fc = exact_at(c);
      } else {
        lo = c, flo = fc, c = d, fc = fd, d = lo + r * (hi - lo), fd = exact_at(d);
      }
      best = std::min({best, fc, fd});
    }
    return best;
  };
  if (std::abs(m.lat) > 80 || piece.length / 2 + w > kPlaneLimit) {
    // Rare (wide corridors, polar regions): exact distances only. Any point of
    // the piece is within length/2 of its middle.
    if (std::isfinite(shape.radius())) {
      // The zone's anchor first (one Inverse, not one per vertex): every point of
      // the zone is within radius of it, and it is a point of the zone when inside.
      if (!line) line.emplace(Geodesic::WGS84(), piece.a.lat, piece.a.lon, piece.azimuth_at_a);
      LatLon q;
      line->Position(piece.length * 0.5, q.lat, q.lon);
      double dc = 0;
      Geodesic::WGS84().Inverse(q.lat, q.lon, shape.anchor().lat, shape.anchor().lon, dc);
      if (shape.anchor_inside() && dc <= w) return true;
      if (dc - shape.radius() - piece.length / 2 > w) return false;
    }
    const double mid = exact_at(0.5);
    if (mid <= w) return true;
    if (mid - piece.length / 2 > w) return false;
    const int n = std::max(2, static_cast<int>(std::ceil(piece.length / 500.0)));
    double best = mid, best_u = 0.5;
    for (int i = 0; i <= n; ++i) {
      const double d = exact_at(static_cast<double>(i) / n);
      if (d <= w) return true;  // what the search below would answer
      if (d < best) best = d, best_u = static_cast<double>(i) / n;
    }
    if (best <= w) return true;
    return minimise(std::max(0.0, best_u - 1.0 / n), std::min(1.0, best_u + 1.0 / n), best_u) <= w;
  }
  double ky = 0, kx = 0;
  MetresPerDegree(m.lat, &ky, &kx);
  const double ax = (piece.a.lon - m.lon) * kx, ay = (piece.a.lat - m.lat) * ky;
  const double bx = (piece.b.lon - m.lon) * kx, by = (piece.b.lat - m.lat) * ky;
  const double reach = piece.length / 2 + w + 200;
  const double tol = PlaneRelativeError(m.lat, reach) * reach + 2;
  const double margin = w + tol;
  const double min_x = std::min(ax, bx) - margin, max_x = std::max(ax, bx) + margin;
  const double min_y = std::min(ay, by) - margin, max_y = std::max(ay, by) + margin;
  const double inside2 = (w - tol) > 0 ? (w - tol) * (w - tol) : -1;
  if (!reference) {
    // Answers the pass over the edges below would give, from the zone's box and
    // anchor (1 mm to spare for rounding, where a bound is compared):
    // - every edge lies in the zone's box (the plane is linear in lon/lat), so a
    //   box outside the pass's window [min_x, max_x] x [min_y, max_y] leaves no
    //   edge in it, and a box farther than the margin from the piece leaves none
    //   within the margin: either way the least distance found exceeds w + tol.
    // - the anchor, when inside the zone and within w - tol of the piece: the piece
    //   (its ends are outside) either crosses the boundary or, from its point
    //   nearest the anchor, the boundary lies on the way to the anchor; either way
    //   an edge is within w - tol of it.
    const BoxLL& box = shape.bbox();
    const double rx0 = (box.min_lon - m.lon) * kx, rx1 = (box.max_lon - m.lon) * kx;
    const double ry0 = (box.min_lat - m.lat) * ky, ry1 = (box.max_lat - m.lat) * ky;
    if (rx1 < min_x || rx0 > max_x || ry1 < min_y || ry0 > max_y) return false;
    auto in_box = [&](double x, double y) { return x >= rx0 && x <= rx1 && y >= ry0 && y <= ry1; };
    if (!in_box(ax, ay) && !in_box(bx, by)) {
      double ta = 0, tb = 0;
      const double to_box2 = std::min({SegmentSegmentDist2(ax, ay, bx, by, rx0, ry0, rx1, ry0, &ta, &tb),
                                       SegmentSegmentDist2(ax, ay, bx, by, rx1, ry0, rx1, ry1, &ta, &tb),
                                       SegmentSegmentDist2(ax, ay, bx, by, rx1, ry1, rx0, ry1, &ta, &tb),
                                       SegmentSegmentDist2(ax, ay, bx, by, rx0, ry1, rx0, ry0, &ta, &tb)});
      if (std::sqrt(to_box2) - 1e-3 > margin) return false;
    }
    const double sure = w - tol - 1e-3;
    if (shape.anchor_inside() && sure > 0) {
      const LatLon c = shape.anchor();
      const double cx = (c.lon - m.lon) * kx, cy = (c.lat - m.lat) * ky;
      if (PointSegmentDist2(cx, cy, ax, ay, bx, by) <= sure * sure) return true;
    }
  }
  double best2 = kInf, best_u = 0;
  shape.ForEachEdgeNearLat(m.lat + min_y / ky, m.lat + max_y / ky, [&](const Edge& e) {
    const double x1 = (e.x1 - m.lon) * kx, y1 = (e.y1 - m.lat) * ky;
    const double x2 = (e.x2 - m.lon) * kx, y2 = (e.y2 - m.lat) * ky;
    if (std::max(x1, x2) < min_x || std::min(x1, x2) > max_x || std::max(y1, y2) < min_y ||
        std::min(y1, y2) > max_y)
      return true;
    double ta = 0, tb = 0;
    const double d2 = SegmentSegmentDist2(ax, ay, bx, by, x1, y1, x2, y2, &ta, &tb);
    if (d2 < best2) best2 = d2, best_u = ta;
    return best2 > inside2;
  });
  const double planar = std::sqrt(best2);
  if (planar <= w - tol) return true;
  if (planar > w + tol) return false;
  // Near the threshold: minimise the exact distance along the geodesic piece
  // around the planar nearest point.
  const double window = (2000 + 10 * tol) / std::max(piece.length, 1.0);
  return minimise(std::max(0.0, best_u - window), std::min(1.0, best_u + window), best_u) <= w;
}

}  // namespace

bool PieceWithinDistance(const ZoneShape& shape, const GeodesicPiece& piece, double w) {
  return PieceWithin(shape, piece, w, false);
}

bool PieceWithinDistanceReference(const ZoneShape& shape, const GeodesicPiece& piece, double w) {
  return PieceWithin(shape, piece, w, true);
}

}  // namespace tocsin::zones::internal
