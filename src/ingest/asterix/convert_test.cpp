#include "ingest/asterix/convert.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ingest/asterix/asterix_test_util.h"
#include "ingest/asterix/decoder.h"

namespace tocsin::ingest::asterix {
namespace {

constexpr double kMidnight = 1795478400.0;  // 2026-11-24T00:00:00Z, a multiple of 86400

TEST(AsterixTimeOfDay, SameDay) {
  EXPECT_DOUBLE_EQ(ResolveTimeOfDay(3600.5, UnixTime(kMidnight + 3601)).seconds(), kMidnight + 3600.5);
}

TEST(AsterixTimeOfDay, PlotJustBeforeMidnightReceivedJustAfter) {
  EXPECT_DOUBLE_EQ(ResolveTimeOfDay(86399.0, UnixTime(kMidnight + 1)).seconds(), kMidnight - 1);
}

TEST(AsterixTimeOfDay, ReceiverClockBehindAcrossMidnight) {
  EXPECT_DOUBLE_EQ(ResolveTimeOfDay(0.5, UnixTime(kMidnight - 0.25)).seconds(), kMidnight + 0.5);
}

DecodedRecord Plot() {
  Cat048Record p;
  p.source = DataSource{25, 201};
  p.time_of_day_s = 27354.6015625;
  p.range_m = 197.6835938 * kMetresPerNm;
  p.azimuth_deg = 340.1367188;
  p.flight_level = FlightLevel{false, false, 330.0};
  return DecodedRecord{48, 45, p};
}

ReportConfig Config() {
  ReportConfig c;
  c.sensors[{25, 201}] = SensorId("radar-25-201");
  c.sensors[{25, 100}] = SensorId("sdps-25-100");
  c.track_sigma_m = 150.0;
  return c;
}

TEST(AsterixToReport, Cat048PlotIsA2dRadarReport) {
  Result<Report> r = ToReport(Plot(), Config(), UnixTime(kMidnight + 27355));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, ReportKind::kRadar);
  EXPECT_EQ(r->sensor.str(), "radar-25-201");
  EXPECT_DOUBLE_EQ(r->time.seconds(), kMidnight + 27354.6015625);
  EXPECT_NEAR(r->range_m, 197.6835938 * 1852.0, 1e-6);
  EXPECT_NEAR(r->azimuth_deg, 340.1367188, 1e-9);
  EXPECT_FALSE(r->elevation_deg.has_value());
  ASSERT_TRUE(PlotPressureAltitudeM(std::get<Cat048Record>(Plot().record)).has_value());
  EXPECT_NEAR(*PlotPressureAltitudeM(std::get<Cat048Record>(Plot().record)), 33000 * 0.3048, 1e-9);
}

TEST(AsterixToReport, GarbledModeCGivesNoAltitude) {
  Cat048Record p = std::get<Cat048Record>(Plot().record);
  p.flight_level->garbled = true;
  EXPECT_FALSE(PlotPressureAltitudeM(p).has_value());
}

TEST(AsterixToReport, ExtendedRangeUsedWhenErrSet) {
  DecodedRecord d = Plot();
  auto& p = std::get<Cat048Record>(d.record);
  p.descriptor = TargetReportDescriptor048{};
  p.descriptor->err = true;
  p.extended_range_m = 257.0 * kMetresPerNm;
  Result<Report> r = ToReport(d, Config(), UnixTime(kMidnight + 27355));
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->range_m, 257.0 * kMetresPerNm);
}

TEST(AsterixToReport, UnknownSacSicIsRejectedWithAHint) {
  ReportConfig c = Config();
  c.sensors.clear();
  Result<Report> r = ToReport(Plot(), c, UnixTime(kMidnight));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("SAC 25 / SIC 201"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("sensor config"), std::string::npos) << r.status().message();
}

TEST(AsterixToReport, PlotWithoutPositionIsRejected) {
  DecodedRecord d = Plot();
  std::get<Cat048Record>(d.record).range_m.reset();
  Result<Report> r = ToReport(d, Config(), UnixTime(kMidnight));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("I048/040"), std::string::npos);
}

TEST(AsterixToReport, Cat062TrackIsAPositionReport) {
  Cat062Record t;
  t.source = DataSource{25, 100};
  t.time_of_track_s = 30911.6640625;
  t.position = LatLon{44.734413, 13.0415279};
  t.measured_fl = 157.0;
  DecodedRecord d{62, 66, t};
  Result<Report> r = ToReport(d, Config(), UnixTime(kMidnight + 30912));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, ReportKind::kPosition);
  EXPECT_EQ(r->sensor.str(), "sdps-25-100");
  EXPECT_DOUBLE_EQ(r->position.lat, 44.734413);
  ASSERT_TRUE(r->alt_m.has_value());
  EXPECT_NEAR(*r->alt_m, 15700 * 0.3048, 1e-9);
  EXPECT_DOUBLE_EQ(r->sigma_m, 150.0);
  // Geometric altitude wins over the flight level when both are present.
  std::get<Cat062Record>(d.record).geometric_alt_m = 13198.0;
  EXPECT_DOUBLE_EQ(*ToReport(d, Config(), UnixTime(kMidnight + 30912))->alt_m, 13198.0);
}

TEST(AsterixToReports, SampleFilesConvert) {
  TOCSIN_REQUIRE_ASTERIX_SAMPLES();
  const auto bytes = testing::ReadBytes(testing::AsterixDir() / "samples" / "asterix_sample_data_cat062cat065.raw");
  Result<std::vector<DecodedRecord>> recs = DecodeDatagram(bytes);
  ASSERT_TRUE(recs.ok()) << recs.status().message();
  Conversion c = ToReports(*recs, Config(), UnixTime(kMidnight + 30912));
  ASSERT_EQ(c.reports.size(), 2u);
  EXPECT_TRUE(c.rejections.empty());
  EXPECT_NEAR(c.reports[0].position.lat, 44.7344130, 1e-6);
  EXPECT_NEAR(c.reports[0].position.lon, 13.0415279, 1e-6);
  EXPECT_NEAR(*c.reports[0].alt_m, 43300 * 0.3048, 6.25 * 0.3048);  // I062/130
  EXPECT_NEAR(c.reports[0].time.seconds(), kMidnight + 30911.6640625, 1e-6);
}

}  // namespace
}  // namespace tocsin::ingest::asterix
