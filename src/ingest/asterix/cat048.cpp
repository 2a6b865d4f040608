// CAT048 record decoding: UAP of editions 1.21 and 1.23 (identical item layout;
// 1.23 gives I048/020 bit 7 of the first extent the meaning ERR and adds the
// extended range subfield ERR to the RE item).
#include <cmath>
#include <string>

#include "ingest/asterix/category_decoders.h"
#include "ingest/asterix/uap.h"

namespace tocsin::ingest::asterix {
namespace {

constexpr SubSpec k130[] = {{Rule::kFixed, 1}, {Rule::kFixed, 1}, {Rule::kFixed, 1},
                            {Rule::kFixed, 1}, {Rule::kFixed, 1}, {Rule::kFixed, 1},
                            {Rule::kFixed, 1}};
constexpr SubSpec k120[] = {{Rule::kFixed, 2}, {Rule::kRepetitive, 6}};

constexpr ItemSpec kUap048[] = {
    {"I048/010", Rule::kFixed, 2, {}},        {"I048/140", Rule::kFixed, 3, {}},
    {"I048/020", Rule::kExtended, 1, {}},     {"I048/040", Rule::kFixed, 4, {}},
    {"I048/070", Rule::kFixed, 2, {}},        {"I048/090", Rule::kFixed, 2, {}},
    {"I048/130", Rule::kCompound, 0, k130},   {"I048/220", Rule::kFixed, 3, {}},
    {"I048/240", Rule::kFixed, 6, {}},        {"I048/250", Rule::kRepetitive, 8, {}},
    {"I048/161", Rule::kFixed, 2, {}},        {"I048/042", Rule::kFixed, 4, {}},
    {"I048/200", Rule::kFixed, 4, {}},        {"I048/170", Rule::kExtended, 1, {}},
    {"I048/210", Rule::kFixed, 4, {}},        {"I048/030", Rule::kExtended, 1, {}},
    {"I048/080", Rule::kFixed, 2, {}},        {"I048/100", Rule::kFixed, 4, {}},
    {"I048/110", Rule::kFixed, 2, {}},        {"I048/120", Rule::kCompound, 0, k120},
    {"I048/230", Rule::kFixed, 2, {}},        {"I048/260", Rule::kFixed, 7, {}},
    {"I048/055", Rule::kFixed, 1, {}},        {"I048/050", Rule::kFixed, 2, {}},
    {"I048/065", Rule::kFixed, 1, {}},        {"I048/060", Rule::kFixed, 2, {}},
    {"SP", Rule::kExplicit, 0, {}},           {"RE", Rule::kExplicit, 0, {}},
};

std::uint64_t Value(Bytes b) {
  std::uint64_t v = 0;
  for (std::uint8_t x : b) v = (v << 8) | x;
  return v;
}

ModeCode DecodeModeCode(std::uint64_t v) {
  return ModeCode{Bit(v, 16), Bit(v, 15), Bit(v, 14), static_cast<std::uint16_t>(Bits(v, 12, 1))};
}

}  // namespace

Status DecodeCat048Record(Cursor& c, Cat048Record* out) {
  ItemSpans items;
  if (Status s = WalkRecord(c, kUap048, "CAT048", &items); !s.ok()) return s;
  Cat048Record& r = *out;
  r = Cat048Record{};

  if (Bytes b = items[1]; !b.empty()) r.source = DataSource{b[0], b[1]};
  if (Bytes b = items[2]; !b.empty()) {
    const double tod = static_cast<double>(Value(b)) / 128.0;
    if (tod >= 86400.0) {
      return Status::Error("CAT048 item I048/140 time of day " + std::to_string(tod) +
                           " s is not below 86400: the record does not follow the CAT048"
                           " ed. 1.21/1.23 UAP (another edition or corrupt data)");
    }
    r.time_of_day_s = tod;
  }
  if (Bytes b = items[3]; !b.empty()) {
    TargetReportDescriptor048 d;
    d.typ = static_cast<std::uint8_t>(Bits(b[0], 8, 6));
    d.sim = Bit(b[0], 5);
    d.rdp = Bit(b[0], 4);
    d.spi = Bit(b[0], 3);
    d.rab = Bit(b[0], 2);
    if (b.size() >= 2) {
      d.has_extension = true;
      d.tst = Bit(b[1], 8);
      d.err = Bit(b[1], 7);
      d.xpp = Bit(b[1], 6);
      d.me = Bit(b[1], 5);
      d.mi = Bit(b[1], 4);
      d.foe_fri = static_cast<std::uint8_t>(Bits(b[1], 3, 2));
    }
    r.descriptor = d;
  }
  if (Bytes b = items[4]; !b.empty()) {
    const std::uint64_t v = Value(b);
    r.range_m = static_cast<double>(Bits(v, 32, 17)) / 256.0 * kMetresPerNm;
    r.azimuth_deg = static_cast<double>(Bits(v, 16, 1)) * 360.0 / 65536.0;
  }
  if (Bytes b = items[5]; !b.empty()) r.mode3a = DecodeModeCode(Value(b));
  if (Bytes b = items[6]; !b.empty()) {
    const std::uint64_t v = Value(b);
    r.flight_level = FlightLevel{Bit(v, 16), Bit(v, 15),
                                 static_cast<double>(SignExtend(Bits(v, 14, 1), 14)) / 4.0};
  }
  if (Bytes b = items[7]; !b.empty()) {
    const SubSpans sub = SplitCompound(b, k130);
    PlotCharacteristics048 p;
    if (!sub[1].empty()) p.srl_deg = sub[1][0] * 360.0 / 8192.0;
    if (!sub[2].empty()) p.srr = sub[2][0];
    if (!sub[3].empty()) p.sam_dbm = static_cast<int>(SignExtend(sub[3][0], 8));
    if (!sub[4].empty()) p.prl_deg = sub[4][0] * 360.0 / 8192.0;
    if (!sub[5].empty()) p.pam_dbm = static_cast<int>(SignExtend(sub[5][0], 8));
    if (!sub[6].empty()) p.rpd_m = SignExtend(sub[6][0], 8) / 256.0 * kMetresPerNm;
    if (!sub[7].empty()) p.apd_deg = SignExtend(sub[7][0], 8) * 360.0 / 16384.0;
    r.plot = p;
  }
  if (Bytes b = items[8]; !b.empty()) r.aircraft_address = static_cast<std::uint32_t>(Value(b));
  if (Bytes b = items[9]; !b.empty()) r.identification = IcaoChars(b, 8);
  if (Bytes b = items[10]; !b.empty()) {
    const std::size_t n = b[0];
    r.mode_s.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      Bytes e = b.subspan(1 + i * 8, 8);
      ModeSMessage m;
      for (int k = 0; k < 7; ++k) m.mb[k] = e[k];
      m.bds1 = static_cast<std::uint8_t>(e[7] >> 4);
      m.bds2 = static_cast<std::uint8_t>(e[7] & 0x0F);
      r.mode_s.push_back(m);
    }
  }
  if (Bytes b = items[11]; !b.empty()) {
    r.track_number = static_cast<std::uint16_t>(Bits(Value(b), 12, 1));
  }
  if (Bytes b = items[12]; !b.empty()) {
    const std::uint64_t v = Value(b);
    r.x_m = SignExtend(Bits(v, 32, 17), 16) / 128.0 * kMetresPerNm;
    r.y_m = SignExtend(Bits(v, 16, 1), 16) / 128.0 * kMetresPerNm;
  }
  if (Bytes b = items[13]; !b.empty()) {
    const std::uint64_t v = Value(b);
    r.ground_speed_mps = static_cast<double>(Bits(v, 32, 17)) / 16384.0 * kMetresPerNm;
    r.heading_deg = static_cast<double>(Bits(v, 16, 1)) * 360.0 / 65536.0;
  }
  if (Bytes b = items[14]; !b.empty()) {
    TrackStatus048 t;
    t.cnf = Bit(b[0], 8);
    t.rad = static_cast<std::uint8_t>(Bits(b[0], 7, 6));
    t.dou = Bit(b[0], 5);
    t.mah = Bit(b[0], 4);
    t.cdm = static_cast<std::uint8_t>(Bits(b[0], 3, 2));
    if (b.size() >= 2) {
      t.has_extension = true;
      t.tre = Bit(b[1], 8);
      t.gho = Bit(b[1], 7);
      t.sup = Bit(b[1], 6);
      t.tcc = Bit(b[1], 5);
    }
    r.track_status = t;
  }
  if (Bytes b = items[15]; !b.empty()) {
    r.track_quality = TrackQuality048{b[0] / 128.0 * kMetresPerNm, b[1] / 128.0 * kMetresPerNm,
                                      b[2] / 16384.0 * kMetresPerNm, b[3] * 360.0 / 4096.0};
  }
  if (Bytes b = items[16]; !b.empty()) {
    for (std::uint8_t x : b) r.warnings.push_back(static_cast<std::uint8_t>(x >> 1));
  }
  if (Bytes b = items[17]; !b.empty()) r.mode3a_confidence = static_cast<std::uint16_t>(Value(b));
  if (Bytes b = items[18]; !b.empty()) r.mode_c_gray = static_cast<std::uint32_t>(Value(b));
  if (Bytes b = items[19]; !b.empty()) {
    r.height_3d_m = SignExtend(Bits(Value(b), 14, 1), 14) * 25.0 * kMetresPerFoot;
  }
  if (Bytes b = items[20]; !b.empty()) {
    const SubSpans sub = SplitCompound(b, k120);
    if (!sub[1].empty()) {
      const std::uint64_t v = Value(sub[1]);
      r.doppler_doubtful = Bit(v, 16);
      r.doppler_speed_mps = static_cast<double>(SignExtend(Bits(v, 10, 1), 10));
    }
  }
  if (Bytes b = items[21]; !b.empty()) {
    const std::uint64_t v = Value(b);
    CommsCapability048 m;
    m.com = static_cast<std::uint8_t>(Bits(v, 16, 14));
    m.stat = static_cast<std::uint8_t>(Bits(v, 13, 11));
    m.si = Bit(v, 10);
    m.mssc = Bit(v, 8);
    m.arc = Bit(v, 7);
    m.aic = Bit(v, 6);
    m.b1a = Bit(v, 5);
    m.b1b = static_cast<std::uint8_t>(Bits(v, 4, 1));
    r.comms = m;
  }
  if (Bytes b = items[22]; !b.empty()) {
    std::array<std::uint8_t, 7> a{};
    for (int k = 0; k < 7; ++k) a[k] = b[k];
    r.acas_ra = a;
  }
  if (Bytes b = items[23]; !b.empty()) r.mode1 = b[0];
  if (Bytes b = items[24]; !b.empty()) r.mode2 = static_cast<std::uint16_t>(Value(b));
  r.has_special_purpose = !items[27].empty();
  if (Bytes b = items[28]; !b.empty()) {
    r.has_reserved_expansion = true;
    // RE (ed. 1.23): LEN, then a compound MD5, M5N, M4E, RPC, ERR, RTC, CPC. Only
    // ERR (3 octets, RHO in 1/256 NM) is decoded, and only when none of the four
    // subfields before it (whose layouts are not decoded here) is present.
    if (b.size() >= 5 && (b[1] & 0xF8) == 0x08) {
      r.extended_range_m = static_cast<double>(Value(b.subspan(2, 3))) / 256.0 * kMetresPerNm;
    }
  }
  return Status::Ok();
}

}  // namespace tocsin::ingest::asterix
