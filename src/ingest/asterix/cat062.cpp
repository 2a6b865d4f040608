// CAT062 record decoding: UAP of edition 1.18 (editions 1.12-1.17 use the same
// item layout for everything decoded here; later subfields are walked by rule).
#include <cmath>
#include <string>

#include "ingest/asterix/category_decoders.h"
#include "ingest/asterix/uap.h"

namespace tocsin::ingest::asterix {
namespace {

constexpr SubSpec F(std::uint8_t n) { return {Rule::kFixed, n}; }
constexpr SubSpec kExt1{Rule::kExtended, 1};

// I062/380 Aircraft Derived Data: ADR ID MHG IAS TAS SAL FSS | TIS TID COM SAB ACS
// BVR GVR | RAN TAR TAN GSP VUN MET EMC | POS GAL PUN MB IAR MAC BPS.
constexpr SubSpec k380[] = {F(3), F(6), F(2), F(2), F(2), F(2), F(2),
                            kExt1, {Rule::kRepetitive, 15}, F(2), F(2), F(7), F(2), F(2),
                            F(2), F(2), F(2), F(2), F(1), F(8), F(1),
                            F(6), F(2), F(1), {Rule::kRepetitive, 8}, F(2), F(2), F(2)};
// I062/290 System Track Update Ages: TRK PSR SSR MDS ADS ES VDL | UAT LOP MLT.
constexpr SubSpec k290[] = {F(1), F(1), F(1), F(1), F(2), F(1), F(1), F(1), F(1), F(1)};
// I062/295 Track Data Ages: 31 one-octet ages.
constexpr SubSpec k295[] = {F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1),
                            F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1),
                            F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1), F(1)};
// I062/390 Flight Plan Related Data: TAG CSN IFI FCT TAC WTC DEP | DST RDS CFL CTL
// TOD AST STS | STD STA PEM PEC.
constexpr SubSpec k390[] = {F(2), F(7), F(4), F(1), F(4), F(1), F(4),
                            F(4), F(3), F(2), F(2), {Rule::kRepetitive, 4}, F(6), F(1),
                            F(7), F(7), F(2), F(7)};
// I062/110 Mode 5: SUM PMN POS GA EM1 TOS XP.
constexpr SubSpec k110[] = {F(1), F(4), F(6), F(2), F(2), F(1), F(1)};
// I062/500 Estimated Accuracies: APC COV APW AGA ABA ATV AA | ARC.
constexpr SubSpec k500[] = {F(4), F(2), F(4), F(1), F(1), F(2), F(2), F(1)};
// I062/340 Measured Information: SID POS HEI MDC MDA TYP.
constexpr SubSpec k340[] = {F(2), F(4), F(2), F(2), F(2), F(1)};

constexpr ItemSpec kUap062[] = {
    {"I062/010", Rule::kFixed, 2, {}},      {nullptr, Rule::kAbsent, 0, {}},
    {"I062/015", Rule::kFixed, 1, {}},      {"I062/070", Rule::kFixed, 3, {}},
    {"I062/105", Rule::kFixed, 8, {}},      {"I062/100", Rule::kFixed, 6, {}},
    {"I062/185", Rule::kFixed, 4, {}},      {"I062/210", Rule::kFixed, 2, {}},
    {"I062/060", Rule::kFixed, 2, {}},      {"I062/245", Rule::kFixed, 7, {}},
    {"I062/380", Rule::kCompound, 0, k380}, {"I062/040", Rule::kFixed, 2, {}},
    {"I062/080", Rule::kExtended, 1, {}},   {"I062/290", Rule::kCompound, 0, k290},
    {"I062/200", Rule::kFixed, 1, {}},      {"I062/295", Rule::kCompound, 0, k295},
    {"I062/136", Rule::kFixed, 2, {}},      {"I062/130", Rule::kFixed, 2, {}},
    {"I062/135", Rule::kFixed, 2, {}},      {"I062/220", Rule::kFixed, 2, {}},
    {"I062/390", Rule::kCompound, 0, k390}, {"I062/270", Rule::kExtended, 1, {}},
    {"I062/300", Rule::kFixed, 1, {}},      {"I062/110", Rule::kCompound, 0, k110},
    {"I062/120", Rule::kFixed, 2, {}},      {"I062/510", Rule::kExtended, 3, {}},
    {"I062/500", Rule::kCompound, 0, k500}, {"I062/340", Rule::kCompound, 0, k340},
    {nullptr, Rule::kAbsent, 0, {}},        {nullptr, Rule::kAbsent, 0, {}},
    {nullptr, Rule::kAbsent, 0, {}},        {nullptr, Rule::kAbsent, 0, {}},
    {nullptr, Rule::kAbsent, 0, {}},        {"RE", Rule::kExplicit, 0, {}},
    {"SP", Rule::kExplicit, 0, {}},
};

std::uint64_t Value(Bytes b) {
  std::uint64_t v = 0;
  for (std::uint8_t x : b) v = (v << 8) | x;
  return v;
}
double Signed(Bytes b) { return static_cast<double>(SignExtend(Value(b), 8 * static_cast<int>(b.size()))); }

Status Mismatch(const char* item, const std::string& what) {
  return Status::Error(std::string("CAT062 item ") + item + " " + what +
                       ": the record does not follow the CAT062 ed. 1.18 UAP (another edition"
                       " or corrupt data)");
}

AircraftDerived062 Decode380(Bytes b) {
  const SubSpans s = SplitCompound(b, k380);
  AircraftDerived062 a;
  if (!s[1].empty()) a.address = static_cast<std::uint32_t>(Value(s[1]));
  if (!s[2].empty()) a.identification = IcaoChars(s[2], 8);
  if (!s[3].empty()) a.magnetic_heading_deg = Value(s[3]) * 360.0 / 65536.0;
  if (!s[4].empty()) {
    const std::uint64_t v = Value(s[4]);
    a.ias_is_mach = Bit(v, 16);
    a.ias_or_mach = Bit(v, 16) ? Bits(v, 15, 1) * 0.001 : Bits(v, 15, 1) / 16384.0;
  }
  if (!s[5].empty()) a.true_airspeed_kt = static_cast<int>(Value(s[5]));
  if (!s[6].empty()) a.selected_alt_ft = SignExtend(Bits(Value(s[6]), 13, 1), 13) * 25.0;
  if (!s[7].empty()) {
    const std::uint64_t v = Value(s[7]);
    a.fss_mv = Bit(v, 16);
    a.fss_ah = Bit(v, 15);
    a.fss_am = Bit(v, 14);
    a.final_selected_alt_ft = SignExtend(Bits(v, 13, 1), 13) * 25.0;
  }
  if (!s[10].empty()) {
    const std::uint64_t v = Value(s[10]);
    CommsCapability048 m;
    m.com = static_cast<std::uint8_t>(Bits(v, 16, 14));
    m.stat = static_cast<std::uint8_t>(Bits(v, 13, 11));
    m.mssc = Bit(v, 8);
    m.arc = Bit(v, 7);
    m.aic = Bit(v, 6);
    m.b1a = Bit(v, 5);
    m.b1b = static_cast<std::uint8_t>(Bits(v, 4, 1));
    a.comms = m;
  }
  if (!s[13].empty()) a.baro_vertical_rate_ft_min = Signed(s[13]) * 6.25;
  if (!s[14].empty()) a.geo_vertical_rate_ft_min = Signed(s[14]) * 6.25;
  if (!s[17].empty()) a.track_angle_deg = Value(s[17]) * 360.0 / 65536.0;
  if (!s[18].empty()) a.ground_speed_nm_s = Signed(s[18]) / 16384.0;
  if (!s[22].empty()) {
    const std::uint64_t v = Value(s[22]);
    a.position = LatLon{SignExtend(Bits(v, 48, 25), 24) * 180.0 / 8388608.0,
                        SignExtend(Bits(v, 24, 1), 24) * 180.0 / 8388608.0};
  }
  if (!s[23].empty()) a.geometric_alt_ft = Signed(s[23]) * 6.25;
  if (!s[26].empty()) a.indicated_airspeed_kt = static_cast<int>(Value(s[26]));
  if (!s[27].empty()) a.mach = Value(s[27]) * 0.008;
  return a;
}

FlightPlan062 Decode390(Bytes b) {
  const SubSpans s = SplitCompound(b, k390);
  FlightPlan062 f;
  if (!s[1].empty()) f.tag = DataSource{s[1][0], s[1][1]};
  if (!s[2].empty()) f.callsign = AsciiChars(s[2]);
  if (!s[3].empty()) {
    const std::uint64_t v = Value(s[3]);
    f.ifi_typ = static_cast<std::uint8_t>(Bits(v, 32, 31));
    f.ifi_number = static_cast<std::uint32_t>(Bits(v, 27, 1));
  }
  if (!s[4].empty()) {
    f.fct_gat_oat = static_cast<std::uint8_t>(Bits(s[4][0], 8, 7));
    f.fct_fr1fr2 = static_cast<std::uint8_t>(Bits(s[4][0], 6, 5));
    f.fct_rvsm = static_cast<std::uint8_t>(Bits(s[4][0], 4, 3));
    f.fct_hpr = Bit(s[4][0], 2);
  }
  if (!s[5].empty()) f.aircraft_type = AsciiChars(s[5]);
  if (!s[6].empty()) f.wake_category = AsciiChars(s[6])[0];
  if (!s[7].empty()) f.departure = AsciiChars(s[7]);
  if (!s[8].empty()) f.destination = AsciiChars(s[8]);
  if (!s[10].empty()) f.cleared_fl = Value(s[10]) / 4.0;
  return f;
}

Accuracy062 Decode500(Bytes b) {
  const SubSpans s = SplitCompound(b, k500);
  Accuracy062 a;
  if (!s[1].empty()) {
    a.x_m = Value(s[1].first(2)) * 0.5;
    a.y_m = Value(s[1].subspan(2)) * 0.5;
  }
  if (!s[3].empty()) {
    a.lat_deg = Value(s[3].first(2)) * 180.0 / 33554432.0;
    a.lon_deg = Value(s[3].subspan(2)) * 180.0 / 33554432.0;
  }
  if (!s[4].empty()) a.geometric_alt_ft = s[4][0] * 6.25;
  if (!s[5].empty()) a.baro_alt_fl = s[5][0] * 0.25;
  if (!s[6].empty()) {
    a.vx_mps = s[6][0] * 0.25;
    a.vy_mps = s[6][1] * 0.25;
  }
  if (!s[7].empty()) {
    a.ax_mps2 = s[7][0] * 0.25;
    a.ay_mps2 = s[7][1] * 0.25;
  }
  if (!s[8].empty()) a.rate_of_climb_ft_min = s[8][0] * 6.25;
  return a;
}

Measured062 Decode340(Bytes b) {
  const SubSpans s = SplitCompound(b, k340);
  Measured062 m;
  if (!s[1].empty()) m.sensor = DataSource{s[1][0], s[1][1]};
  if (!s[2].empty()) {
    m.range_m = Value(s[2].first(2)) / 256.0 * kMetresPerNm;
    m.azimuth_deg = Value(s[2].subspan(2)) * 360.0 / 65536.0;
  }
  if (!s[3].empty()) m.height_m = Signed(s[3]) * 25.0 * kMetresPerFoot;
  if (!s[4].empty()) {
    const std::uint64_t v = Value(s[4]);
    m.mode_c = FlightLevel{Bit(v, 16), Bit(v, 15),
                           static_cast<double>(SignExtend(Bits(v, 14, 1), 14)) / 4.0};
  }
  if (!s[5].empty()) {
    const std::uint64_t v = Value(s[5]);
    m.mode3a = ModeCode{Bit(v, 16), Bit(v, 15), Bit(v, 14), static_cast<std::uint16_t>(Bits(v, 12, 1))};
  }
  if (!s[6].empty()) {
    m.typ = static_cast<std::uint8_t>(Bits(s[6][0], 8, 6));
    m.sim = Bit(s[6][0], 5);
    m.rab = Bit(s[6][0], 4);
    m.tst = Bit(s[6][0], 3);
  }
  return m;
}

}  // namespace

Status DecodeCat062Record(Cursor& c, Cat062Record* out) {
  ItemSpans it;
  if (Status s = WalkRecord(c, kUap062, "CAT062", &it); !s.ok()) return s;
  Cat062Record& r = *out;
  r = Cat062Record{};

  if (Bytes b = it[1]; !b.empty()) r.source = DataSource{b[0], b[1]};
  if (Bytes b = it[3]; !b.empty()) r.service_id = b[0];
  if (Bytes b = it[4]; !b.empty()) {
    const double tot = Value(b) / 128.0;
    if (tot >= 86400.0) return Mismatch("I062/070", "time of track " + std::to_string(tot) + " s is not below 86400");
    r.time_of_track_s = tot;
  }
  if (Bytes b = it[5]; !b.empty()) {
    const double lat = Signed(b.first(4)) * 180.0 / 33554432.0;
    const double lon = Signed(b.subspan(4)) * 180.0 / 33554432.0;
    if (!(lat >= -90.0 && lat <= 90.0)) {
      return Mismatch("I062/105", "latitude " + std::to_string(lat) + " deg is outside [-90, 90]");
    }
    if (!(lon >= -180.0 && lon <= 180.0)) {
      return Mismatch("I062/105", "longitude " + std::to_string(lon) + " deg is outside [-180, 180]");
    }
    r.position = LatLon{lat, lon};
  }
  if (Bytes b = it[6]; !b.empty()) {
    r.x_m = Signed(b.first(3)) * 0.5;
    r.y_m = Signed(b.subspan(3)) * 0.5;
  }
  if (Bytes b = it[7]; !b.empty()) {
    r.vx_mps = Signed(b.first(2)) * 0.25;
    r.vy_mps = Signed(b.subspan(2)) * 0.25;
  }
  if (Bytes b = it[8]; !b.empty()) {
    r.ax_mps2 = Signed(b.first(1)) * 0.25;
    r.ay_mps2 = Signed(b.subspan(1)) * 0.25;
  }
  if (Bytes b = it[9]; !b.empty()) {
    const std::uint64_t v = Value(b);
    r.mode3a = ModeCode{Bit(v, 16), Bit(v, 15), Bit(v, 14), static_cast<std::uint16_t>(Bits(v, 12, 1))};
  }
  if (Bytes b = it[10]; !b.empty()) {
    r.target_id_source = static_cast<std::uint8_t>(Bits(b[0], 8, 7));
    r.target_id = IcaoChars(b.subspan(1), 8);
  }
  if (Bytes b = it[11]; !b.empty()) r.aircraft = Decode380(b);
  if (Bytes b = it[12]; !b.empty()) r.track_number = static_cast<std::uint16_t>(Value(b));
  if (Bytes b = it[13]; !b.empty()) {
    TrackStatus062 t;
    t.raw.assign(b.begin(), b.end());
    t.mon = Bit(b[0], 8);
    t.spi = Bit(b[0], 7);
    t.mrh = Bit(b[0], 6);
    t.src = static_cast<std::uint8_t>(Bits(b[0], 5, 3));
    t.cnf = Bit(b[0], 2);
    if (b.size() >= 2) {
      t.sim = Bit(b[1], 8);
      t.tse = Bit(b[1], 7);
      t.tsb = Bit(b[1], 6);
      t.fpc = Bit(b[1], 5);
      t.aff = Bit(b[1], 4);
      t.stp = Bit(b[1], 3);
      t.kos = Bit(b[1], 2);
    }
    if (b.size() >= 3) {
      t.ama = Bit(b[2], 8);
      t.md4 = static_cast<std::uint8_t>(Bits(b[2], 7, 6));
      t.me = Bit(b[2], 5);
      t.mi = Bit(b[2], 4);
      t.md5 = static_cast<std::uint8_t>(Bits(b[2], 3, 2));
    }
    if (b.size() >= 4) {
      t.cst = Bit(b[3], 8);
      t.psr = Bit(b[3], 7);
      t.ssr = Bit(b[3], 6);
      t.mds = Bit(b[3], 5);
      t.ads = Bit(b[3], 4);
      t.suc = Bit(b[3], 3);
      t.aac = Bit(b[3], 2);
    }
    r.status = t;
  }
  if (Bytes b = it[14]; !b.empty()) {
    const SubSpans s = SplitCompound(b, k290);
    for (int k = 1; k <= 10; ++k) {
      if (!s[k].empty()) r.update_ages_s[k] = Value(s[k]) * 0.25;
    }
  }
  if (Bytes b = it[15]; !b.empty()) {
    r.movement = ModeOfMovement062{static_cast<std::uint8_t>(Bits(b[0], 8, 7)),
                                   static_cast<std::uint8_t>(Bits(b[0], 6, 5)),
                                   static_cast<std::uint8_t>(Bits(b[0], 4, 3)), Bit(b[0], 2)};
  }
  if (Bytes b = it[16]; !b.empty()) {
    const SubSpans s = SplitCompound(b, k295);
    for (int k = 1; k <= 31; ++k) {
      if (!s[k].empty()) r.data_ages_s[k] = s[k][0] * 0.25;
    }
  }
  if (Bytes b = it[17]; !b.empty()) r.measured_fl = Signed(b) / 4.0;
  if (Bytes b = it[18]; !b.empty()) r.geometric_alt_m = Signed(b) * 6.25 * kMetresPerFoot;
  if (Bytes b = it[19]; !b.empty()) {
    const std::uint64_t v = Value(b);
    r.baro_qnh_corrected = Bit(v, 16);
    r.baro_alt_fl = SignExtend(Bits(v, 15, 1), 15) / 4.0;
  }
  if (Bytes b = it[20]; !b.empty()) r.rate_of_climb_mps = Signed(b) * 6.25 * kMetresPerFoot / 60.0;
  if (Bytes b = it[21]; !b.empty()) r.flight_plan = Decode390(b);
  r.has_target_size = !it[22].empty();
  r.has_fleet_id = !it[23].empty();
  r.has_mode5 = !it[24].empty();
  if (Bytes b = it[25]; !b.empty()) r.mode2 = static_cast<std::uint16_t>(Value(b));
  if (Bytes b = it[26]; !b.empty()) {
    for (std::size_t i = 0; i + 3 <= b.size(); i += 3) {
      const std::uint64_t v = Value(b.subspan(i, 3));
      r.composed.push_back(ComposedTrack062{static_cast<std::uint8_t>(Bits(v, 24, 17)),
                                            static_cast<std::uint16_t>(Bits(v, 16, 2))});
    }
  }
  if (Bytes b = it[27]; !b.empty()) r.accuracy = Decode500(b);
  if (Bytes b = it[28]; !b.empty()) r.measured = Decode340(b);
  r.has_reserved_expansion = !it[34].empty();
  r.has_special_purpose = !it[35].empty();
  return Status::Ok();
}

}  // namespace tocsin::ingest::asterix
