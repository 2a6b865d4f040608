// Decoded ASTERIX records: CAT048 (monoradar target reports, ed. 1.21/1.23) and
// CAT062 (SDPS system tracks, ed. 1.18; 1.12-1.17 share its layout for the items
// below). Every item is optional (present exactly when the record carried it).
//
// Units: SI where natural (metres, metres per second, degrees, seconds of the
// UTC day); flight levels stay in FL (hundreds of feet, as transmitted; see
// FlightLevelToMetres); codes, flags, identities and numbers stay raw as on the
// wire. Thread-safety: plain data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/geo.h"

namespace tocsin::ingest::asterix {

inline constexpr double kMetresPerNm = 1852.0;
inline constexpr double kMetresPerFoot = 0.3048;

// Flight level (hundreds of feet of pressure altitude, standard atmosphere) to metres.
inline double FlightLevelToMetres(double fl) { return fl * 100.0 * kMetresPerFoot; }

struct DataSource {  // I048/010, I062/010, I062/340 SID, I062/390 TAG
  std::uint8_t sac = 0;
  std::uint8_t sic = 0;
  friend bool operator==(const DataSource&, const DataSource&) = default;
};

struct ModeCode {  // I048/070, I062/060, I062/340 MDA: Mode-3/A
  bool not_validated = false;  // V
  bool garbled = false;        // G
  bool flag = false;           // L (CAT048, 340 MDA: smoothed) or CH (CAT062/060: changed)
  std::uint16_t code = 0;      // 12 bits; octal digits ABCD = code in base 8
};

struct FlightLevel {  // I048/090, I062/340 MDC
  bool not_validated = false;  // V
  bool garbled = false;        // G
  double fl = 0.0;             // 1/4 FL resolution
};

// ---------------------------------------------------------------- CAT048

struct TargetReportDescriptor048 {  // I048/020
  std::uint8_t typ = 0;  // 0 none, 1 PSR, 2 SSR, 3 SSR+PSR, 4 all-call, 5 roll-call, 6, 7
  bool sim = false, rdp = false, spi = false, rab = false;
  bool has_extension = false;  // first extent present
  bool tst = false;
  bool err = false;  // ed. 1.23: extended range, true range in RE/ERR (spare in 1.21)
  bool xpp = false, me = false, mi = false;
  std::uint8_t foe_fri = 0;
};

struct PlotCharacteristics048 {  // I048/130
  std::optional<double> srl_deg;   // SSR plot runlength
  std::optional<int> srr;          // number of received SSR replies
  std::optional<int> sam_dbm;      // SSR reply amplitude
  std::optional<double> prl_deg;   // PSR plot runlength
  std::optional<int> pam_dbm;      // PSR amplitude
  std::optional<double> rpd_m;     // range difference PSR - SSR
  std::optional<double> apd_deg;   // azimuth difference PSR - SSR
};

struct ModeSMessage {  // one element of I048/250
  std::array<std::uint8_t, 7> mb{};  // 56-bit Comm-B message
  std::uint8_t bds1 = 0, bds2 = 0;   // register number, e.g. 4,0
};

struct TrackStatus048 {  // I048/170
  bool cnf = false;
  std::uint8_t rad = 0;
  bool dou = false, mah = false;
  std::uint8_t cdm = 0;
  bool has_extension = false;
  bool tre = false, gho = false, sup = false, tcc = false;
};

struct TrackQuality048 {  // I048/210
  double sigma_x_m = 0, sigma_y_m = 0, sigma_v_mps = 0, sigma_h_deg = 0;
};

struct CommsCapability048 {  // I048/230
  std::uint8_t com = 0, stat = 0;
  bool si = false, mssc = false, arc = false, aic = false, b1a = false;
  std::uint8_t b1b = 0;
};

struct Cat048Record {
  std::optional<DataSource> source;                       // 010
  std::optional<double> time_of_day_s;                    // 140, [0, 86400)
  std::optional<TargetReportDescriptor048> descriptor;    // 020
  std::optional<double> range_m;                          // 040 RHO (saturates at 256 NM)
  std::optional<double> azimuth_deg;                      // 040 THETA, [0, 360)
  std::optional<double> extended_range_m;                 // RE/ERR (ed. 1.23), when beyond 256 NM
  std::optional<ModeCode> mode3a;                         // 070
  std::optional<FlightLevel> flight_level;                // 090
  std::optional<PlotCharacteristics048> plot;             // 130
  std::optional<std::uint32_t> aircraft_address;          // 220, 24 bits
  std::optional<std::string> identification;              // 240, 8 chars, trailing spaces kept
  std::vector<ModeSMessage> mode_s;                       // 250
  std::optional<std::uint16_t> track_number;              // 161, 12 bits
  std::optional<double> x_m, y_m;                         // 042
  std::optional<double> ground_speed_mps;                 // 200
  std::optional<double> heading_deg;                      // 200
  std::optional<TrackStatus048> track_status;             // 170
  std::optional<TrackQuality048> track_quality;           // 210
  std::vector<std::uint8_t> warnings;                     // 030, WE codes
  std::optional<std::uint16_t> mode3a_confidence;         // 080, raw
  std::optional<std::uint32_t> mode_c_gray;               // 100, raw
  std::optional<double> height_3d_m;                      // 110
  std::optional<double> doppler_speed_mps;                // 120 CAL (signed, m/s)
  std::optional<bool> doppler_doubtful;                   // 120 CAL D bit
  std::optional<CommsCapability048> comms;                // 230
  std::optional<std::array<std::uint8_t, 7>> acas_ra;     // 260, raw
  std::optional<std::uint8_t> mode1;                      // 055, raw
  std::optional<std::uint16_t> mode2;                     // 050, raw
  bool has_special_purpose = false;                       // SP (skipped)
  bool has_reserved_expansion = false;                    // RE (only ERR decoded)
};

// ---------------------------------------------------------------- CAT062

struct AircraftDerived062 {  // I062/380 (the subfields decoded; others walked)
  std::optional<std::uint32_t> address;        // ADR
  std::optional<std::string> identification;   // ID, 8 chars
  std::optional<double> magnetic_heading_deg;  // MHG
  std::optional<bool> ias_is_mach;             // IAS: IM
  std::optional<double> ias_or_mach;           // IAS: NM/s (IM=0) or Mach (IM=1)
  std::optional<int> true_airspeed_kt;         // TAS
  std::optional<double> selected_alt_ft;       // SAL (raw 25 ft steps)
  std::optional<double> final_selected_alt_ft; // FSS
  std::optional<bool> fss_mv, fss_ah, fss_am;
  std::optional<CommsCapability048> comms;     // COM: same bits as I048/230 minus SI
  std::optional<double> baro_vertical_rate_ft_min;  // BVR
  std::optional<double> geo_vertical_rate_ft_min;   // GVR
  std::optional<double> ground_speed_nm_s;          // GSP
  std::optional<double> track_angle_deg;            // TAN
  std::optional<LatLon> position;                   // POS
  std::optional<double> geometric_alt_ft;           // GAL
  std::optional<int> indicated_airspeed_kt;         // IAR
  std::optional<double> mach;                       // MAC
};

struct TrackStatus062 {  // I062/080, first four octets decoded
  std::vector<std::uint8_t> raw;  // every octet as received
  bool mon = false, spi = false, mrh = false;
  std::uint8_t src = 0;
  bool cnf = false;
  bool sim = false, tse = false, tsb = false, fpc = false, aff = false, stp = false, kos = false;
  bool ama = false;
  std::uint8_t md4 = 0;
  bool me = false, mi = false;
  std::uint8_t md5 = 0;
  bool cst = false, psr = false, ssr = false, mds = false, ads = false, suc = false, aac = false;
};

struct ModeOfMovement062 {  // I062/200
  std::uint8_t trans = 0, longi = 0, vert = 0;
  bool adf = false;
};

struct FlightPlan062 {  // I062/390 (subfields decoded; others walked)
  std::optional<DataSource> tag;           // TAG
  std::optional<std::string> callsign;     // CSN, 7 chars
  std::optional<std::uint8_t> ifi_typ;     // IFI
  std::optional<std::uint32_t> ifi_number;
  std::optional<std::uint8_t> fct_gat_oat, fct_fr1fr2, fct_rvsm;  // FCT
  std::optional<bool> fct_hpr;
  std::optional<std::string> aircraft_type;  // TAC, 4 chars
  std::optional<char> wake_category;         // WTC
  std::optional<std::string> departure;      // DEP
  std::optional<std::string> destination;    // DST
  std::optional<double> cleared_fl;          // CFL, FL
};

struct Accuracy062 {  // I062/500
  std::optional<double> x_m, y_m;              // APC
  std::optional<double> lat_deg, lon_deg;      // APW
  std::optional<double> geometric_alt_ft;      // AGA
  std::optional<double> baro_alt_fl;           // ABA
  std::optional<double> vx_mps, vy_mps;        // ATV
  std::optional<double> ax_mps2, ay_mps2;      // AA
  std::optional<double> rate_of_climb_ft_min;  // ARC
};

struct Measured062 {  // I062/340
  std::optional<DataSource> sensor;         // SID
  std::optional<double> range_m;            // POS RHO
  std::optional<double> azimuth_deg;        // POS THETA
  std::optional<double> height_m;           // HEI (3D height, 25 ft steps)
  std::optional<FlightLevel> mode_c;        // MDC (flag = not validated / garbled)
  std::optional<ModeCode> mode3a;           // MDA
  std::optional<std::uint8_t> typ;          // TYP
  std::optional<bool> sim, rab, tst;
};

struct ComposedTrack062 {  // one element of I062/510
  std::uint8_t system_unit = 0;
  std::uint16_t track_number = 0;  // 15 bits
};

struct Cat062Record {
  std::optional<DataSource> source;                 // 010
  std::optional<std::uint8_t> service_id;           // 015
  std::optional<double> time_of_track_s;            // 070, [0, 86400)
  std::optional<LatLon> position;                   // 105, WGS-84
  std::optional<double> x_m, y_m;                   // 100, system cartesian
  std::optional<double> vx_mps, vy_mps;             // 185
  std::optional<double> ax_mps2, ay_mps2;           // 210
  std::optional<ModeCode> mode3a;                   // 060 (flag = CH)
  std::optional<std::uint8_t> target_id_source;     // 245 STI
  std::optional<std::string> target_id;             // 245, 8 chars
  std::optional<AircraftDerived062> aircraft;       // 380
  std::optional<std::uint16_t> track_number;        // 040
  std::optional<TrackStatus062> status;             // 080
  std::array<std::optional<double>, 11> update_ages_s{};  // 290 by subfield 1..10 (index)
  std::optional<ModeOfMovement062> movement;        // 200
  std::array<std::optional<double>, 32> data_ages_s{};    // 295 by subfield 1..31 (index)
  std::optional<double> measured_fl;                // 136, FL
  std::optional<double> geometric_alt_m;            // 130
  std::optional<bool> baro_qnh_corrected;           // 135 QNH
  std::optional<double> baro_alt_fl;                // 135 CTBA, FL
  std::optional<double> rate_of_climb_mps;          // 220
  std::optional<FlightPlan062> flight_plan;         // 390
  std::optional<std::uint16_t> mode2;               // 120, raw
  std::vector<ComposedTrack062> composed;           // 510
  std::optional<Accuracy062> accuracy;              // 500
  std::optional<Measured062> measured;              // 340
  bool has_target_size = false;                     // 270 (walked)
  bool has_fleet_id = false;                        // 300 (walked)
  bool has_mode5 = false;                           // 110 (walked)
  bool has_special_purpose = false;                 // SP (skipped)
  bool has_reserved_expansion = false;              // RE (skipped)
};

// One record of a data block.
struct DecodedRecord {
  std::uint8_t category = 0;  // 48 or 62
  std::size_t length = 0;     // bytes of the record (FSPEC included)
  std::variant<Cat048Record, Cat062Record> record;
};

// The four octal digits of a Mode-3/A code ("7621").
std::string OctalCode(std::uint16_t code);

}  // namespace tocsin::ingest::asterix
