// Simulated sensors: what radars, acoustic sensors and observers report about a set of
// flights, with the noise, detection probability, coverage and clutter their
// SensorDescription declares.
//
// Models (see docs/simulator.md):
//  - radar: scans every period_s from a random phase; a target's plot is timed when
//    the rotating beam crosses its azimuth. Reported when the slant range <= max_range_m
//    and its apparent elevation on a 4/3-earth (standard refraction) is >= min_elevation_deg
//    and above the radar horizon (-ingest::HorizonDipDeg, ingest/radar_cover.h), so the earth's bulge hides low flyers
//    far away; then it is reported with probability p_detect.
//    Reported values: slant range, azimuth and GEOMETRIC elevation (WGS84 local frame of
//    the radar, as GeographicLib::LocalCartesian gives) plus gaussian noise of the declared
//    sigmas; a 2D radar (no sigma.elevation_deg) reports no elevation; radial velocity
//    only when sigma.radial_velocity_mps is declared. Clutter: Poisson(false_per_scan)
//    plots per scan, uniform in the coverage disc, elevation in [min_el, min_el + 1.5].
//  - acoustic: every period_s (random phase); hears drones, cruise missiles and aircraft
//    within max_range_m slant range with probability p_detect; bearing with gaussian
//    noise (and elevation when sigma.elevation_deg is declared); a class_hint that is
//    wrong with probability class_confusion; false alarms Poisson(false_per_scan) per period.
//  - observer: one position report per period_s per low flyer (drone, cruise missile,
//    aircraft below 5 km) with probability p_detect, within max_range_m of the observer
//    when it has a position and max_range_m > 0; east and north errors gaussian with
//    sigma position_m each (sigma_m in the report).
// Arrival: every sensor has a fixed latency plus jitter, below max_latency_s in total
// (radars a fifth of it), never reordering one sensor's own reports; the stream is in
// arrival order, so sensors interleave and arrive up to max_latency_s out of order.
// Determinism: each (sensor, flight) pair draws from its own std::mt19937_64 seeded from
// (seed, sensor index, flight index); results do not depend on the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ingest/sensor.h"
#include "sim/flight.h"
#include "sim/scenario.h"

namespace tocsin::sim {

struct SensorSimOptions {
  double epoch = 0;     // clutter and scans start here
  double end_time = 0;  // ... and stop here
  std::uint64_t seed = 1;
  double max_latency_s = 3.0;
  // Per sensor (same order as the sensor list): probability that an acoustic class
  // hint is wrong. Missing entries use 0.15.
  std::vector<double> class_confusion;
  int threads = 2;
  // Called after each work item with the (estimated) fraction of the work done, from one
  // thread at a time.
  std::function<void(double fraction)> progress;
};

// Generates every sensor's reports, in arrival order, and sets each flight's first_seen.
std::vector<SimReport> SimulateSensors(const ingest::SensorList& sensors, std::vector<Flight>* flights,
                                       const SensorSimOptions& options);

// A std::mt19937_64 seeded from (seed, a, b) by SplitMix64 mixing.
std::uint64_t MixSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b);

}  // namespace tocsin::sim
