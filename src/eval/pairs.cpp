#include "eval/pairs.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>
#include <optional>
#include <system_error>
#include <thread>

namespace tocsin::eval {
namespace {

const double kR = kDangerDistance.value();

// An upper bound on the ground length (m) of the path from a to b when it is linear
// in lat and lon: on WGS84 a degree of latitude is at most 111,694 m and a degree of
// longitude at most 111,695 m x cos(lat) (both at the pole), taken at the lowest |lat|
// on the way; the speed along the path is below that everywhere. Distance to a zone
// changes by at most the ground length travelled, which makes this a Lipschitz bound.
double PathLengthBound(LatLon a, LatLon b) {
  const double min_abs_lat =
      (a.lat > 0) != (b.lat > 0) ? 0.0 : std::min(std::abs(a.lat), std::abs(b.lat));
  const double kLat = 111700.0;
  const double kLon = 111700.0 * std::cos(min_abs_lat * std::numbers::pi / 180.0);
  const double dy = (b.lat - a.lat) * kLat;
  const double dx = (b.lon - a.lon) * kLon;
  return std::sqrt(dx * dx + dy * dy) * 1.001;
}

// A flight's ground track with prefix sums of PathLengthBound. Times may be negated
// and the order reversed (for the last crossing); then `time` is still increasing.
struct Track {
  std::vector<double> time;
  std::vector<LatLon> pos;
  std::vector<double> cum;  // cum[i]: bound on the path length from point 0 to point i

  void Finish() {
    cum.assign(pos.size(), 0.0);
    for (std::size_t i = 1; i < pos.size(); ++i) cum[i] = cum[i - 1] + PathLengthBound(pos[i - 1], pos[i]);
  }
};

// The track of a threat; with `midpoints`, each segment's midpoint is added as a point.
Track MakeTrack(const TruthThreat& threat, bool reversed, bool midpoints) {
  Track t;
  const std::size_t n = threat.points.size();
  const std::size_t samples = midpoints ? 2 * n - 1 : n;
  t.time.reserve(samples);
  t.pos.reserve(samples);
  for (std::size_t i = 0; i < n; ++i) {
    const TruthPoint& p = threat.points[reversed ? n - 1 - i : i];
    if (midpoints && i > 0) {
      const TruthPoint& q = threat.points[reversed ? n - i : i - 1];
      const double tm = (p.time + q.time) / 2;
      t.time.push_back(reversed ? -tm : tm);
      t.pos.push_back({(p.position.lat + q.position.lat) / 2, (p.position.lon + q.position.lon) / 2});
    }
    t.time.push_back(reversed ? -p.time : p.time);
    t.pos.push_back(p.position);
  }
  t.Finish();
  return t;
}

// A lon/lat box around a zone, for cheap lower bounds on the distance to it.
struct Box {
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
};

Box BoxOf(const zones::Zone& zone) {
  Box b;
  for (const zones::Polygon& poly : zone.geometry) {
    for (const LatLon& v : poly.outer) {
      b.min_lat = std::min(b.min_lat, v.lat), b.max_lat = std::max(b.max_lat, v.lat);
      b.min_lon = std::min(b.min_lon, v.lon), b.max_lon = std::max(b.max_lon, v.lon);
    }
  }
  return b;
}

// A lower bound on the geodesic distance (m) from p to anything inside the box, capped
// at kBoundCap: a degree of latitude is at least 110,574 m; a degree of longitude at
// least 111,319 m x cos(lat) at the most poleward latitude the way can reach. Below the
// cap a shortest path bulges poleward by under 0.1 degree at mid latitudes; 2 degrees
// are allowed.
constexpr double kBoundCap = 500e3;
double LowerBoundToBox(const Box& b, LatLon p) {
  const double dlat = std::max({0.0, b.min_lat - p.lat, p.lat - b.max_lat});
  const double dlon = std::max({0.0, b.min_lon - p.lon, p.lon - b.max_lon});
  const double poleward =
      std::min(90.0, std::max({std::abs(p.lat), std::abs(b.min_lat), std::abs(b.max_lat)}) + 2.0);
  const double lon_m = dlon * 111319.0 * std::cos(poleward * std::numbers::pi / 180.0);
  return std::min(kBoundCap, std::max(dlat * 110574.0, lon_m));
}

// Within this of kR, bisection hands over to the Illinois method (seconds; metres).
constexpr double kBracketTime = 0.5;
constexpr double kBracketLength = 20.0;
// Beyond kR + this, the box bound stands in for the exact distance.
constexpr double kFarMargin = 10000.0;

class CrossingFinder {
 public:
  // `samples_only`: consider the track's points only, not the segments between them.
  CrossingFinder(const zones::Catalog& catalog, zones::ZoneIndex zone, bool samples_only)
      : catalog_(catalog), zone_(zone), box_(BoxOf(catalog.zone(zone))), samples_only_(samples_only) {}

  // Earliest time on the track at which the distance to the zone is <= kR.
  std::optional<double> First(const Track& tr) const {
    const std::size_t n = tr.pos.size();
    std::size_t k = 0;
    double dk = Dist(tr.pos[0]);
    while (true) {
      if (dk <= kR) return tr.time[k];
      if (k + 1 == n) return std::nullopt;
      // Every point whose path position is below `clear` is farther than kR.
      const double clear = tr.cum[k] + (dk - kR);
      const std::size_t first_unclear = static_cast<std::size_t>(
          std::lower_bound(tr.cum.begin() + k, tr.cum.end(), clear) - tr.cum.begin());
      const std::size_t j = first_unclear > k ? first_unclear - 1 : k;  // k when dk is NaN
      if (j > k) {  // points k+1..j and the path up to j are clear: jump
        k = j;
        dk = Dist(tr.pos[k]);
        continue;
      }
      const double d1 = Dist(tr.pos[k + 1]);
      if (samples_only_) {
        if (d1 <= kR) return tr.time[k + 1];
      } else if (auto hit = InSegment(tr, k, tr.time[k], tr.pos[k], dk, tr.time[k + 1], tr.pos[k + 1], d1)) {
        return hit;
      }
      ++k;
      dk = d1;
    }
  }

 private:
  // The distance to the zone, or a lower bound on it when that is beyond kR + kFarMargin.
  // Every use below is sound with a lower bound that exceeds kR.
  double Dist(LatLon p) const {
    const double bound = LowerBoundToBox(box_, p);
    if (bound > kR + kFarMargin) return bound;
    return catalog_.DistanceTo(zone_, p).value();
  }

  static LatLon At(const Track& tr, std::size_t seg, double t) {
    const double t0 = tr.time[seg], t1 = tr.time[seg + 1];
    const double u = t1 > t0 ? (t - t0) / (t1 - t0) : 1.0;
    const LatLon a = tr.pos[seg], b = tr.pos[seg + 1];
    return {a.lat + u * (b.lat - a.lat), a.lon + u * (b.lon - a.lon)};
  }

  // Earliest time in [ta, tb] (part of segment `seg`) within kR, given the distances
  // at both ends; nullopt when there is none (to within kCrossingTolerance). Branch and
  // bound by halving; a short interval that brackets a crossing goes to Illinois.
  std::optional<double> InSegment(const Track& tr, std::size_t seg, double ta, LatLon pa, double da,
                                  double tb, LatLon pb, double db) const {
    if (da <= kR) return ta;
    const double length = PathLengthBound(pa, pb);
    if ((da + db - length) / 2 > kR) return std::nullopt;
    if (tb - ta <= kCrossingTolerance) {
      if (db <= kR) return tb;
      return std::nullopt;
    }
    if (db <= kR && (tb - ta <= kBracketTime || length <= kBracketLength)) {
      return Illinois(tr, seg, ta, da, tb, db);
    }
    const double tm = ta + (tb - ta) / 2;
    const LatLon pm = At(tr, seg, tm);
    const double dm = Dist(pm);
    if (auto hit = InSegment(tr, seg, ta, pa, da, tm, pm, dm)) return hit;
    return InSegment(tr, seg, tm, pm, dm, tb, pb, db);
  }

  // The crossing in [a, b] where d(a) > kR >= d(b): regula falsi with the Illinois
  // modification, to kCrossingTolerance or 1 mm of distance.
  double Illinois(const Track& tr, std::size_t seg, double a, double da, double b, double db) const {
    double fa = da - kR, fb = db - kR;
    int side = 0;
    for (int iter = 0; iter < 60 && b - a > kCrossingTolerance; ++iter) {
      double c = (a * fb - b * fa) / (fb - fa);
      if (!(c > a && c < b)) c = a + (b - a) / 2;
      const double fc = Dist(At(tr, seg, c)) - kR;
      if (std::abs(fc) < 1e-3) return c;
      if (fc > 0) {
        a = c, fa = fc;
        if (side == 1) fb /= 2;
        side = 1;
      } else {
        b = c, fb = fc;
        if (side == -1) fa /= 2;
        side = -1;
      }
    }
    return b;
  }

  const zones::Catalog& catalog_;
  zones::ZoneIndex zone_;
  Box box_;
  bool samples_only_;
};

// The candidate query needs only a coarse polyline: the track's points thinned so that
// each piece stays within kQuerySimplification of the points it replaces, and cut
// where pieces would be longer than kMaxQueryPiece (the corridor query follows
// geodesics between points, which part from the lat/lon-linear track by about
// L^2 tan(lat) / 8R: 2 m at 10 km). The query's half-width grows by kQuerySlack to
// cover both; candidates are checked exactly afterwards.
constexpr double kMaxQueryPiece = 10000.0;
constexpr double kQuerySimplification = 100.0;
constexpr double kQuerySlack = 150.0;

// Whether every point strictly between anchor and end is within kQuerySimplification
// of the segment anchor-end (planar, in a tangent plane at the anchor).
bool PiecesFit(const Track& tr, std::size_t anchor, std::size_t end) {
  const LatLon a = tr.pos[anchor], b = tr.pos[end];
  const double ky = 111320.0;
  const double kx = 111320.0 * std::cos(a.lat * std::numbers::pi / 180.0);
  const double bx = (b.lon - a.lon) * kx, by = (b.lat - a.lat) * ky;
  const double len2 = bx * bx + by * by;
  const double tol2 = kQuerySimplification * kQuerySimplification;
  for (std::size_t k = anchor + 1; k < end; ++k) {
    const double px = (tr.pos[k].lon - a.lon) * kx, py = (tr.pos[k].lat - a.lat) * ky;
    const double u = len2 > 0 ? std::clamp((px * bx + py * by) / len2, 0.0, 1.0) : 0.0;
    const double dx = px - u * bx, dy = py - u * by;
    if (dx * dx + dy * dy > tol2) return false;
  }
  return true;
}

std::vector<LatLon> QueryPolyline(const Track& tr) {
  const std::vector<LatLon>& pos = tr.pos;
  std::vector<LatLon> out;
  std::size_t anchor = 0;
  out.push_back(pos[0]);
  while (anchor + 1 < pos.size()) {
    // Extend the piece from `anchor` as far as the points in between allow.
    std::size_t end = anchor + 1;
    while (end + 1 < pos.size() && tr.cum[end + 1] - tr.cum[anchor] <= kMaxQueryPiece &&
           PiecesFit(tr, anchor, end + 1)) {
      ++end;
    }
    // A single long segment is cut into pieces of at most kMaxQueryPiece.
    const int pieces = static_cast<int>(std::ceil((tr.cum[end] - tr.cum[anchor]) / kMaxQueryPiece));
    for (int k = 1; k < pieces; ++k) {
      const double u = static_cast<double>(k) / pieces;
      out.push_back({pos[anchor].lat + u * (pos[end].lat - pos[anchor].lat),
                     pos[anchor].lon + u * (pos[end].lon - pos[anchor].lon)});
    }
    out.push_back(pos[end]);
    anchor = end;
  }
  return out;
}

bool EndsOnTheGround(ThreatCategory kind) {
  return kind == ThreatCategory::kBallisticMissile || kind == ThreatCategory::kRocket;
}

}  // namespace

std::vector<Pair> FindThreatPairs(const TruthThreat& threat, std::size_t threat_index,
                                  const zones::Catalog& catalog, CrossingMethod method) {
  std::vector<Pair> pairs;
  if (threat.points.empty()) return pairs;
  if (EndsOnTheGround(threat.kind)) {
    const TruthPoint& last = threat.points.back();
    for (zones::ZoneIndex z : catalog.ZonesWithin(last.position, kDangerDistance)) {
      pairs.push_back({z, threat_index, last.time, last.time});
    }
    return pairs;
  }
  const bool sampled = method == CrossingMethod::kMidpointSamples;
  const Track forward = MakeTrack(threat, /*reversed=*/false, sampled);
  const Track backward = MakeTrack(threat, /*reversed=*/true, sampled);
  const std::vector<LatLon> query = QueryPolyline(forward);
  for (zones::ZoneIndex z : catalog.ZonesTouchingCorridor(query, kDangerDistance + Metres(kQuerySlack))) {
    CrossingFinder finder(catalog, z, sampled);
    auto t_a = finder.First(forward);
    if (!t_a) continue;  // the corridor query may be generous
    auto minus_t_l = finder.First(backward);
    const double t_l = minus_t_l ? std::max(*t_a, -*minus_t_l) : *t_a;
    pairs.push_back({z, threat_index, *t_a, t_l});
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.zone < b.zone; });
  return pairs;
}

std::vector<Pair> FindPairs(const Truth& truth, const zones::Catalog& catalog, CrossingMethod method) {
  const std::size_t n = truth.threats.size();
  std::vector<std::vector<Pair>> per_threat(n);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      per_threat[i] = FindThreatPairs(truth.threats[i], i, catalog, method);
    }
  };
  const unsigned workers = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers && w < n; ++w) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads: the ones running (and this one) do the rest
    }
  }
  work();
  for (auto& t : threads) t.join();
  std::vector<Pair> pairs;
  for (auto& v : per_threat) pairs.insert(pairs.end(), v.begin(), v.end());
  return pairs;
}

}  // namespace tocsin::eval
