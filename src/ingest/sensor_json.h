// Reading and writing sensor lists (sensors.json): either {"epoch": T0, "sensors": [...]}
// (scenario.md) or a bare array of sensors (sensor-reports.md).
//
// Validation (every failure names the source, the sensor's index and id, the field,
// and what to do):
//  - id: non-empty string, unique; type: "radar" | "acoustic" | "observer";
//  - lat, lon: required for radar and acoustic, optional (both or neither) for an
//    observer; valid ranges; alt_m optional (default 0), finite;
//  - sigma: object of non-negative numbers; radar needs range_m and azimuth_deg
//    (elevation_deg absent = 2D radar), acoustic needs azimuth_deg, observer needs
//    position_m; unknown sigma fields are ignored;
//  - max_range_m >= 0 (> 0 for radar and acoustic; 0 for an observer = no limit),
//    period_s > 0, p_detect in [0, 1], false_per_scan >= 0: all required;
//  - min_elevation_deg: optional, default 0, in [-90, 90].
// Unknown top-level sensor fields are ignored (forward compatible).
// Thread-safety: pure functions.
#pragma once

#include <ostream>
#include <string>

#include "core/status.h"
#include "ingest/sensor.h"

namespace tocsin::ingest {

// Parses sensor-list text. `source_name` names the input in messages.
Result<SensorList> ParseSensorList(const std::string& text, const std::string& source_name);

// Reads and parses a sensor-list file.
Result<SensorList> ReadSensorListFile(const std::string& path);

// Writes {"epoch": T0, "sensors": [...]} with one sensor per line (or a bare array
// when the list has no epoch). Only the fields that are set are written; output
// reads back through ParseSensorList to an equal list.
void WriteSensorList(const SensorList& list, std::ostream& out);

// One sensor as compact JSON (no newline).
std::string SensorToJson(const SensorDescription& s);

}  // namespace tocsin::ingest
