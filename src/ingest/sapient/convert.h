// SAPIENT (BSI Flex 335 v2.0) messages -> ingest::Report.
//
// A SapientMessage holding a DetectionReport becomes one report of the sensor its
// node_id maps to (node_config.h), at the message's timestamp:
//   location, LAT_LNG_DEG_M / LAT_LNG_RAD_M  -> kPosition (x = longitude, y = latitude,
//       z = altitude; as location.proto says), sigma_m = the larger of the x/y errors
//       converted to metres, or the node's default sigma when both are absent;
//   location, UTM_M -> kPosition via GeographicLib from utm_zone ("30U": zone and
//       latitude band; required), errors in metres. An easting outside 100-900 km or
//       a latitude outside the zone's band is refused as malformed (the dstl sample
//       Default.DetectionReport puts latitude/longitude into a UTM location);
//   range_bearing with a range -> kRadar (slant range, azimuth, elevation) when the
//       sensor is a radar in the sensor list (or no list is given), else kBearing;
//   range_bearing without a range -> kBearing. Units from the coordinate system
//       (degrees or radians, metres or km); azimuths must be from true north (datum
//       TRUE, or UNSPECIFIED taken as true): MAGNETIC, GRID and PLATFORM are refused
//       as unsupported, since the node's declination/heading is not known here.
//   classification -> class_hint: the most confident classification (or
//       sub-classification) whose type names a spec category: drone/UAV/UAS/
//       quadcopter/multirotor -> drone, aircraft/fixed wing/helicopter/airplane ->
//       aircraft, cruise missile, ballistic missile, rocket. Other types (human,
//       vehicle, bird) give no class_hint.
// Heights with datum WGS84_G (geoid) are taken as given (no geoid model; <= ~100 m).
// Any other content (registration, status report, task ack, ...) is `ignored`: valid,
// nothing to track. Messages are never trusted: every number is checked for range.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/net/reject_reason.h"
#include "ingest/report.h"
#include "ingest/sapient/node_config.h"
#include "ingest/sensor.h"
#include "sapient_msg/bsi_flex_335_v2_0/sapient_message.pb.h"

namespace tocsin::ingest::sapient {

using SapientMessage = ::sapient_msg::bsi_flex_335_v2_0::SapientMessage;
using DetectionReport = ::sapient_msg::bsi_flex_335_v2_0::DetectionReport;

struct SapientOutcome {
  std::optional<Report> report;   // set when accepted
  bool ignored = false;           // valid message without a detection
  net::RejectReason reason = net::RejectReason::kMalformed;  // when neither report nor ignored
  std::string message;            // what was wrong and what to do
  std::string node_id;            // as sent (may be empty when unparseable)
  std::string content;            // "detection_report", "registration", ... ("" if none)
  bool ok() const { return report.has_value(); }
};

// Parses one frame body (without the 4-byte length) as a SapientMessage.
Status ParseSapientMessage(std::string_view body, SapientMessage* out);

// Converts a parsed message. `sensors` may be null (then range-bearing with a range
// is always kRadar and any mapped sensor id is used as is).
SapientOutcome ToReport(const SapientMessage& m, const SapientNodes& nodes, const SensorIndex* sensors);

// ParseSapientMessage + ToReport.
SapientOutcome DecodeSapientFrame(std::string_view body, const SapientNodes& nodes, const SensorIndex* sensors);

// Splits bytes holding whole frames (uint32 little-endian length + body) into the
// bodies (views into `bytes`). Error when a length exceeds max_frame_bytes or the
// bytes end inside a frame.
Result<std::vector<std::string_view>> SplitFrames(std::string_view bytes, std::size_t max_frame_bytes);

// The spec category a SAPIENT classification type names, if any (case-insensitive).
std::optional<ThreatCategory> CategoryOfClassification(std::string_view type);

}  // namespace tocsin::ingest::sapient
