// Radar coverage geometry: what a radar described by a SensorDescription can see.
// The model (docs/simulator.md, spec/sensor-reports.md): a target is in cover when its
// slant range <= max_range_m and its apparent elevation on a 4/3-earth (standard
// refraction) is >= min_elevation_deg and above the radar horizon (-HorizonDipDeg):
// the earth's bulge hides low flyers far away. The simulator generates plots with it;
// the predictor uses it to tell a threat that left cover from one that vanished in it.
//
// Units: degrees, metres above the ellipsoid. Pure functions, thread-safe.
#pragma once

#include "core/geo.h"
#include "ingest/sensor.h"

namespace tocsin::ingest {

// Depression angle (degrees, >= 0) of the radar horizon on a 4/3-earth for a radar
// at this height: targets whose apparent elevation is below minus this are hidden.
double HorizonDipDeg(double radar_alt_m);

// Apparent elevation (degrees) of a target seen from a radar on a 4/3-earth, from the
// target's east/north/up offset in the radar's local Cartesian frame and the radar's
// height.
double ApparentElevationDeg(double east, double north, double up, double radar_alt_m);

// True when `radar` can see a target at `p`, `alt_m`. False for a sensor that is not a
// radar or has no position.
bool RadarCovers(const SensorDescription& radar, LatLon p, double alt_m);

}  // namespace tocsin::ingest
