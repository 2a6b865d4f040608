// Plain geometry on the ground, as the contracts give it: WGS84 lat/lon vertices.
// Edges are straight lines in lon/lat (RFC 7946 section 3.1.1), which is how
// point-in-polygon is decided; distances are geodesic metres.
#pragma once

#include <vector>

#include "core/geo.h"

namespace tocsin::zones {

// A closed ring: first vertex == last vertex, at least 4 vertices.
using Ring = std::vector<LatLon>;

struct Polygon {
  Ring outer;               // counter-clockwise or clockwise; both are accepted
  std::vector<Ring> holes;  // each inside `outer`
};

using MultiPolygon = std::vector<Polygon>;

}  // namespace tocsin::zones
