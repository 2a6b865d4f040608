// Tracker settings with documented defaults. Units: SI (metres, seconds, m/s);
// process-noise densities q are white-acceleration spectral densities, m^2/s^3
// (the acceleration 1-sigma over 1 s is sqrt(q) m/s^2).
//
// Thread-safety: plain data.
#pragma once

namespace tocsin::track {

struct TrackerConfig {
  // --- association (gating + nearest neighbour) ---
  // Gate: squared Mahalanobis distance thresholds by measurement dimension
  // (chi-square 99.9 %): 1-D bearings, 2-D plots/positions, 3-D plots.
  double gate_chi2_1d = 10.83;
  double gate_chi2_2d = 13.82;
  double gate_chi2_3d = 16.27;
  // Tentative tracks gate tighter (x 0.7: about 99 %), so that clutter lines up into
  // confirmed tracks less often.
  double tentative_gate_factor = 0.7;
  // A track takes at most one plot per radar scan: a track updated by a radar less
  // than this fraction of its period ago is not a candidate for that radar's plots.
  double same_scan_fraction = 0.5;
  // Spatial hash cell (metres, on the Earth's surface projection) used to find the
  // candidate tracks of a report; must exceed a slow track's gate + drift.
  double grid_cell_m = 20000.0;
  // Tracks faster than this are kept in a short list checked for every report
  // (they may move more than a cell between updates).
  double fast_track_speed_mps = 350.0;
  // ... and so are confirmed tracks whose horizontal velocity sigma exceeds this.
  double vague_velocity_sigma_mps = 150.0;
  // Tracks whose predicted position sigma (root of the trace) exceeds this take only
  // observer reports (their gate would swallow clutter plots and stray bearings).
  double vague_position_sigma_m = 10000.0;

  // --- initiation and confirmation ---
  // A tentative track is confirmed after `confirm_m` associated measurements within
  // `confirm_n` periods (of the sensor that started it) of its first one.
  int confirm_m = 3;
  int confirm_n = 5;
  // Tracks faster than ballistic_speed_mps need more hits (clutter at radar ranges
  // lines up as fast tracks more easily than as slow ones).
  int confirm_m_fast = 4;
  // Periods here are a sensor's mean time between reports of one target: period_s,
  // and for observers period_s / p_detect.
  // Velocity prior of a one-point track (two-point initialisation happens through the
  // filter: the second plot fixes the velocity). Large enough for ballistic targets.
  double init_velocity_sigma_mps = 2000.0;
  // Same for tracks started by an observer (they report low, slow threats).
  double observer_velocity_sigma_mps = 80.0;
  // ... when the observer reports a cruise missile, an aircraft or an unknown threat.
  double observer_fast_velocity_sigma_mps = 300.0;
  // An observer whose false_per_scan is at most this confirms a track at its first
  // report (one false report per ~75 minutes at 0.02 per 90 s).
  double trusted_false_per_period = 0.05;
  // Two bearings of one acoustic sensor within this many of its periods, agreeing
  // within 3 sigma, start a single-sensor track when no other sensor pairs with them.
  double single_sensor_pair_periods = 2.5;
  // Altitude prior when a sensor does not measure it (2D radar, bearing, observer).
  double default_alt_m = 1000.0;
  double default_alt_sigma_m = 1500.0;
  // Tracks whose altitude no sensor has measured get this altitude prior as a
  // pseudo-measurement at each update (keeps 2D-radar/bearing tracks from drifting).
  double alt_prior_sigma_m = 3000.0;
  // A bearing from a sensor with a hearing range (max_range_m) is used as azimuth +
  // a loose range (0.6 +/- 0.35 of the hearing range) for association and update.
  bool bearing_range_constraint = true;
  // Bearings from two acoustic sensors within this time triangulate a new track.
  double bearing_pair_window_s = 6.0;
  // ... and only when the crossing lies within this factor of both sensors' range.
  double triangulation_range_factor = 1.3;

  // --- deletion ---
  // Tentative tracks die after this many periods (of their last sensor) of silence
  // (3.5: up to N - M = 2 missed scans, then a third chance).
  double tentative_silence_periods = 3.5;
  // Confirmed tracks end after max(confirmed_silence_s, confirmed_silence_periods x
  // last sensor period) without an update.
  double confirmed_silence_s = 90.0;
  double confirmed_silence_periods = 4.0;
  // Ballistic/rocket tracks end sooner (no loitering) and end as kImpact when their
  // predicted altitude reaches the ground.
  double ballistic_silence_s = 20.0;
  // Deletion sweeps run at most this often (scenario seconds).
  double sweep_interval_s = 1.0;

  // --- motion models (IMM) ---
  double q_cv_horizontal = 0.3;   // drones/cruise: nearly constant velocity
  double q_cv_vertical = 0.3;
  double q_ct = 0.3;              // coordinated-turn modes
  double ct_turn_rate_deg_s = 3.0;  // +/- turn rate of the two CT modes
  double q_maneuver = 100.0;      // high-noise CV mode (dives, climbs, speed changes, boosts)
  double q_ballistic = 2.0;       // ballistic (gravity + drag) mode
  double q_boost = 2000.0;        // boost-phase mode of ballistic tracks
  double ballistic_coefficient = 20000.0;  // kg/m^2 for drag
  // IMM: probability of staying in a mode per second.
  double imm_stay_per_s = 0.97;

  // --- classification ---
  double ballistic_speed_mps = 650.0;  // faster: ballistic or rocket
  // Faster than 200 m/s and |vz| / speed above this (27 deg; cruise missiles dive at
  // 20 deg): ballistic or rocket.
  double ballistic_min_steepness = 0.45;
  // Faster than 200 m/s and climbing faster than this: a rocket's boost (gaza-rockets:
  // 324-408 m/s climbing at 110-145 m/s, 20 degrees, were classified cruise missiles
  // and drew 60-70 km corridors). Cruise missiles climb slower (pop-up: ~50 m/s);
  // their 20-degree terminal DIVES stay below ballistic_min_steepness.
  double ballistic_min_climb_mps = 90.0;
  // Ballistic-like, never faster than this and never higher: rocket (short-range
  // artillery rockets fly lower and slower than Iskander/S-300-class missiles, whose
  // short flights reach 12-20 km). Otherwise: ballistic missile.
  double rocket_max_speed_mps = 1050.0;
  double rocket_max_alt_m = 11000.0;
  double hint_confusion = 0.15;        // probability that a class hint is wrong
  // Kinematic gate: a confirmed track classified drone with at least this confidence
  // takes a position report (observer, 3D radar) only if it could have flown there
  // since its last update at max(drone_gate_speed_mps, 1.5 x its speed), + 3 sigma.
  // A track silent for minutes has a statistical gate of tens of km; observer reports
  // of other drones in it turned a Shahed track into a 254 m/s "drone" heading the
  // wrong way (kyiv-combined-night seed 3: its zone's alert ended with the drone inside).
  double drone_gate_speed_mps = 90.0;
  double drone_gate_min_confidence = 0.9;
  // Same for an observer's report joining any other non-ballistic track, at the
  // fastest air-breather: observers report low, slow threats, and two observer reports
  // 40 km and 48 s apart made an 825 m/s "unknown" corridor 200 km long (odesa-drones
  // seed 3).
  double air_gate_speed_mps = 400.0;
  // The air gate applies to tentative tracks too: a one-plot radar track (velocity prior
  // 2 km/s) silently swallowed sightings tens of km away.

  // --- output ---
  // Emit updates of tentative tracks too (status kTentative). Default: confirmed only;
  // a tentative track that dies is never reported.
  bool emit_tentative = false;
  // Sensors listed in TrackUpdate::sensors: those that updated the track this recently.
  double recent_sensor_s = 30.0;
};

}  // namespace tocsin::track
