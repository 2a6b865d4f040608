// Validation of polygon geometry as read from GeoJSON (internal to tocsin_zones).
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "zones/geometry.h"

namespace tocsin::zones::internal {

// Checks one polygon whose rings are already closed and have >= 4 positions:
// no ring is degenerate (zero area, all collinear), no ring crosses itself (two of
// its edges cross at a point interior to both), no two rings cross, and every hole
// lies inside the outer ring. Touching is allowed, within a ring (a vertex on
// another edge, a zero-width spike) and between rings: the shipped il-areas has
// six such rings (self-touching at a vertex, one 0.1 m spike), they are harmless
// for the even-odd rule, and OGC-style rejection would drop real alert areas.
// Not detected: a ring passing exactly through one of its own vertices to the
// other side (a crossing at a vertex).
// Returns "" when valid, else the reason (naming the ring and a position).
std::string CheckPolygon(const Polygon& polygon);

// Checks that no two polygons of a MultiPolygon cross each other (edges of
// different polygons may touch but not cross properly). Returns "" or the reason.
std::string CheckPolygonsDoNotCross(const MultiPolygon& polygons);

}  // namespace tocsin::zones::internal
