// Geodesic distances between points, corridor pieces and zones (internal to
// tocsin_zones). Zone edges are straight in lon/lat; distances are on the WGS84
// ellipsoid (GeographicLib), accurate to about 1 m.
//
// Method: a local tangent plane centred on the query ranks the edges cheaply; it
// is linear in lon/lat, so edges stay straight in it, but its lengths are off by
// about tan(lat) * D / R (relative) at distance D. Every edge that may be the
// nearest given that error is then refined exactly: Newton steps along the edge on
// the true geodesic distance (GeographicLib Inverse).
// Thread-safety: pure functions.
#pragma once

#include <span>

#include "core/geo.h"
#include "zones/zone_shape.h"

namespace tocsin::zones::internal {

// Geodesic distance in metres from p to the zone (0 inside it). +inf if empty.
double DistanceToZone(const ZoneShape& shape, LatLon p);

// distance(p, zone) <= d, computed exactly only near the threshold.
bool ZoneWithinDistance(const ZoneShape& shape, LatLon p, double d);

// within[k] = ZoneWithinDistance(shape, p, d[k]) for every d[k] >= 0 (0: p inside
// the zone, as Catalog::ZonesWithin asks it); within[k] is left alone for other d[k].
// The parts that do not depend on the distance (the box, the pass over the edges)
// are computed once. REQUIRES: within.size() >= d.size().
void ZoneWithinDistances(const ZoneShape& shape, LatLon p, std::span<const double> d, std::span<char> within);

// A piece of a geodesic polyline, at most a few tens of km long.
struct GeodesicPiece {
  LatLon a, b;
  double azimuth_at_a = 0;  // degrees
  double length = 0;        // metres
};

// The zone comes within half_width of the piece (touching or inside counts).
// Accurate to a few metres around the threshold.
bool PieceWithinDistance(const ZoneShape& shape, const GeodesicPiece& piece, double half_width);

// ZoneWithinDistance and PieceWithinDistance without their shortcuts (here no
// answer from the zone's box alone, the pass over the edges not stopped early, the
// planar distances computed a second time and the nearest edges refined to the
// exact least distance near the threshold; a piece is not answered from the zone's
// box or anchor, and its search takes all of its first five samples even when one
// is within the width): the reference for tests; the answers must be exactly the same.
bool ZoneWithinDistanceReference(const ZoneShape& shape, LatLon p, double d);
bool PieceWithinDistanceReference(const ZoneShape& shape, const GeodesicPiece& piece, double half_width);

// Metres per degree of latitude and of longitude at a latitude (WGS84).
void MetresPerDegree(double lat, double* m_lat, double* m_lon);

// An upper bound of the length of an edge (straight in lon/lat) on the ellipsoid,
// with 1% to spare: the largest metres-per-degree along it, per axis. ZoneShape
// keeps it per edge (ZoneShape::edge_length_bound).
double EdgeLengthBound(const Edge& e);

}  // namespace tocsin::zones::internal
