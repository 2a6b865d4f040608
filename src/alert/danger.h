// A danger: where one track's threat can be on the ground, and when. The predictor
// hands one Danger per track to the alert engine.
//
// A danger is a list of pieces. Each piece is a shape on the ground plus the time
// window in which the threat can be there, so a long corridor alerts its far end only
// when the threat can actually get there. Shapes, cheapest first for the catalog:
//  - Disc: a point and a radius (Catalog::ZonesWithin).
//  - Corridor: a polyline and a half-width (Catalog::ZonesTouchingCorridor); the
//    natural shape for the stretch a drone or cruise missile can fly next.
//  - Ellipse: a ballistic impact ellipse (Catalog::ZonesTouchingEllipse).
//  - zones::Polygon: anything else (Catalog::ZonesTouching).
//
// Thread-safety: plain values.
#pragma once

#include <variant>
#include <vector>

#include "core/category.h"
#include "core/geo.h"
#include "core/ids.h"
#include "core/units.h"
#include "zones/geometry.h"

namespace tocsin::alert {

struct Disc {
  LatLon centre;
  Metres radius;  // >= 0
};

struct Corridor {
  std::vector<LatLon> polyline;  // >= 1 point
  Metres half_width;             // >= 0
};

struct Ellipse {
  LatLon centre;
  Metres semi_major;         // >= semi_minor >= 0
  Metres semi_minor;
  double major_azimuth_deg;  // clockwise from north
};

using AreaShape = std::variant<Disc, Corridor, Ellipse, zones::Polygon>;

struct DangerArea {
  AreaShape shape;
  // The threat can be over the shape from earliest_arrival until latest_departure.
  // A piece whose window has passed no longer touches anything.
  UnixTime earliest_arrival;
  UnixTime latest_departure;
  // True for the wider "may reach" area: it can raise pre-alerts only, never alerts.
  bool prealert_only = false;
};

struct Danger {
  TrackId track;
  ThreatCategory category = ThreatCategory::kUnknown;
  std::vector<DangerArea> areas;
  double confidence = 1.0;          // 0..1 that the track is a real threat of this category
  Metres uncertainty{0};            // 1-sigma position uncertainty now
  std::vector<SensorId> sensors;    // feeds the track depends on (for fail-safe widening)
};

}  // namespace tocsin::alert
