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

#include "core/geo.h"
#include "zones/zone_shape.h"

namespace tocsin::zones::internal {

// Geodesic distance in metres from p to the zone (0 inside it). +inf if empty.
double DistanceToZone(const ZoneShape& shape, LatLon p);

// distance(p, zone) <= d, computed exactly only near the threshold.
bool ZoneWithinDistance(const ZoneShape& shape, LatLon p, double d);

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
// answer from the zone's box alone, the planar distances computed a second time
// near the threshold, and the search along a piece takes all of its first five
// samples even when one is within the width): the reference for tests; the
// answers must be exactly the same.
bool ZoneWithinDistanceReference(const ZoneShape& shape, LatLon p, double d);
bool PieceWithinDistanceReference(const ZoneShape& shape, const GeodesicPiece& piece, double half_width);

// Metres per degree of latitude and of longitude at a latitude (WGS84).
void MetresPerDegree(double lat, double* m_lat, double* m_lon);

}  // namespace tocsin::zones::internal
