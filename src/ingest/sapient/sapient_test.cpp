#include <utility>  // before Boost.Asio 1.74 (awaitable.hpp needs std::exchange under C++20)

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>

#include "ingest/net/stream_listener.h"
#include "ingest/sapient/convert.h"
#include "ingest/sapient/sapient_ingest.h"

namespace tocsin::ingest::sapient {
namespace {

namespace pb = ::sapient_msg::bsi_flex_335_v2_0;
using net::RejectReason;

const std::string kNode = "a8654cdf-4328-47de-81fa-c495589e30c9";
const std::string kSapientDir = std::string(TOCSIN_SHARED_DIR) + "/data/sapient";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#define REQUIRE_SAPIENT_DATA()                                                                        \
  if (!std::filesystem::exists(kSapientDir + "/Default.DetectionReport.framed.bin"))                  \
  GTEST_SKIP() << "shared SAPIENT samples absent (" << kSapientDir                                    \
               << "); set -DTOCSIN_SHARED_DIR to the shared folder to run this test"

SapientNodes Nodes() {
  auto n = ParseSapientNodes(R"({"nodes":{")" + kNode + R"(":{"sensor":"CAM-01","default_sigma_m":30}},"default_sigma_m":50})",
                             "test");
  EXPECT_TRUE(n.ok()) << n.status().message();
  return std::move(n).value();
}

// A detection report message built in code (independent of the shared sample).
SapientMessage Detection(double unix_time) {
  SapientMessage m;
  m.mutable_timestamp()->set_seconds(static_cast<std::int64_t>(unix_time));
  m.mutable_timestamp()->set_nanos(static_cast<int>((unix_time - std::floor(unix_time)) * 1e9));
  m.set_node_id(kNode);
  auto* d = m.mutable_detection_report();
  d->set_report_id("01GGYFBAXGDG7AGAHRZ6XSNY12");
  d->set_object_id("01GGYFBAXH4VYRQYEX7S3XGK3H");
  auto* loc = d->mutable_location();
  loc->set_x(-1.82237671048);  // longitude
  loc->set_y(51.1739726374);   // latitude
  loc->set_z(788);
  loc->set_x_error(0.0002);
  loc->set_y_error(0.0001);
  loc->set_coordinate_system(pb::LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M);
  loc->set_datum(pb::LOCATION_DATUM_WGS84_E);
  return m;
}

std::string Frame(const std::string& body) {
  std::uint32_t n = static_cast<std::uint32_t>(body.size());
  std::string f{char(n & 0xff), char((n >> 8) & 0xff), char((n >> 16) & 0xff), char((n >> 24) & 0xff)};
  return f + body;
}

TEST(SapientSampleTest, FramedBinaryMatchesTheJsonFieldByField) {
  REQUIRE_SAPIENT_DATA();
  std::string bytes = ReadFile(kSapientDir + "/Default.DetectionReport.framed.bin");
  auto frames = SplitFrames(bytes, 1 << 20);
  ASSERT_TRUE(frames.ok()) << frames.status().message();
  ASSERT_EQ(frames->size(), 1u);
  EXPECT_EQ((*frames)[0].size(), 740u);
  SapientMessage bin;
  Status s = ParseSapientMessage((*frames)[0], &bin);
  ASSERT_TRUE(s.ok()) << s.message();

  SapientMessage from_json;
  auto js = google::protobuf::util::JsonStringToMessage(ReadFile(kSapientDir + "/Default.DetectionReport.json"), &from_json);
  ASSERT_TRUE(js.ok()) << js.ToString();
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(from_json, bin)) << diff;

  // And the fields the converter reads, spelled out.
  EXPECT_EQ(bin.node_id(), kNode);
  EXPECT_EQ(bin.destination_id(), "a8654cdf-4328-47de-81fa-c495589e30c1");
  EXPECT_EQ(bin.timestamp().seconds(), 1688733857);  // 2023-07-07T12:44:17Z
  EXPECT_EQ(bin.timestamp().nanos(), 27638700);
  ASSERT_EQ(bin.content_case(), SapientMessage::kDetectionReport);
  const DetectionReport& d = bin.detection_report();
  EXPECT_EQ(d.report_id(), "01GGYFBAXGDG7AGAHRZ6XSNY12");
  EXPECT_EQ(d.object_id(), "01GGYFBAXH4VYRQYEX7S3XGK3H");
  EXPECT_EQ(d.task_id(), "01GGYFBAXHNV9DN0N74DFX2952");
  EXPECT_EQ(d.state(), "TestState");
  ASSERT_EQ(d.location_oneof_case(), DetectionReport::kLocation);
  EXPECT_DOUBLE_EQ(d.location().x(), 51.1739726374);
  EXPECT_DOUBLE_EQ(d.location().y(), -1.82237671048);
  EXPECT_DOUBLE_EQ(d.location().z(), 788);
  EXPECT_DOUBLE_EQ(d.location().x_error(), 5);
  EXPECT_DOUBLE_EQ(d.location().y_error(), 5);
  EXPECT_DOUBLE_EQ(d.location().z_error(), 5);
  EXPECT_EQ(d.location().coordinate_system(), pb::LOCATION_COORDINATE_SYSTEM_UTM_M);
  EXPECT_EQ(d.location().datum(), pb::LOCATION_DATUM_WGS84_E);
  EXPECT_EQ(d.location().utm_zone(), "30U");
  EXPECT_FLOAT_EQ(d.detection_confidence(), 0.99f);
  ASSERT_EQ(d.classification_size(), 1);
  EXPECT_EQ(d.classification(0).type(), "Human");
  EXPECT_FLOAT_EQ(d.classification(0).confidence(), 0.8f);
  ASSERT_EQ(d.classification(0).sub_class_size(), 1);
  EXPECT_EQ(d.classification(0).sub_class(0).type(), "Male");
  EXPECT_EQ(d.classification(0).sub_class(0).level(), 1);
  EXPECT_DOUBLE_EQ(d.enu_velocity().north_rate(), 2.0);
  EXPECT_EQ(d.colour(), "Red");
  EXPECT_EQ(d.id(), "01H4R63D7NVN8444Z5M77WEBY3");
}

TEST(SapientSampleTest, SampleUtmLocationHoldingLatLonIsRefusedAsMalformed) {
  REQUIRE_SAPIENT_DATA();
  std::string bytes = ReadFile(kSapientDir + "/Default.DetectionReport.framed.bin");
  SapientNodes nodes = Nodes();
  SapientOutcome out = DecodeSapientFrame(std::string_view(bytes).substr(4), nodes, nullptr);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.reason, RejectReason::kMalformed);
  EXPECT_EQ(out.content, "detection_report");
  EXPECT_NE(out.message.find("LAT_LNG_DEG_M"), std::string::npos) << out.message;
  EXPECT_NE(out.message.find("01GGYFBAXGDG7AGAHRZ6XSNY12"), std::string::npos) << out.message;
}

TEST(SapientConvertTest, LatLonLocationBecomesAPositionReport) {
  SapientNodes nodes = Nodes();
  SapientOutcome out = ToReport(Detection(1757203325.5), nodes, nullptr);
  ASSERT_TRUE(out.ok()) << out.message;
  const Report& r = *out.report;
  EXPECT_EQ(r.sensor.str(), "CAM-01");
  EXPECT_EQ(r.kind, ReportKind::kPosition);
  EXPECT_NEAR(r.time.seconds(), 1757203325.5, 1e-6);
  EXPECT_DOUBLE_EQ(r.position.lat, 51.1739726374);
  EXPECT_DOUBLE_EQ(r.position.lon, -1.82237671048);
  EXPECT_DOUBLE_EQ(*r.alt_m, 788);
  // max(0.0001 deg of latitude, 0.0002 deg of longitude * cos 51.17 deg) in metres.
  EXPECT_NEAR(r.sigma_m, 0.0002 * 111320 * std::cos(51.1739726374 * M_PI / 180), 0.01);
  EXPECT_FALSE(r.class_hint);
}

TEST(SapientConvertTest, MissingErrorsTakeTheNodeDefaultSigma) {
  SapientMessage m = Detection(1757203325);
  m.mutable_detection_report()->mutable_location()->clear_x_error();
  m.mutable_detection_report()->mutable_location()->clear_y_error();
  SapientOutcome out = ToReport(m, Nodes(), nullptr);
  ASSERT_TRUE(out.ok()) << out.message;
  EXPECT_DOUBLE_EQ(out.report->sigma_m, 30.0);
}

TEST(SapientConvertTest, UtmLocationIsConverted) {
  SapientMessage m = Detection(1757203325);
  auto* loc = m.mutable_detection_report()->mutable_location();
  loc->set_coordinate_system(pb::LOCATION_COORDINATE_SYSTEM_UTM_M);
  loc->set_utm_zone("30U");
  loc->set_x(600000);
  loc->set_y(5670000);
  loc->set_x_error(5);
  loc->set_y_error(7);
  SapientOutcome out = ToReport(m, Nodes(), nullptr);
  ASSERT_TRUE(out.ok()) << out.message;
  EXPECT_NEAR(out.report->position.lat, 51.172676, 1e-5);
  EXPECT_NEAR(out.report->position.lon, -1.569534, 1e-5);
  EXPECT_DOUBLE_EQ(out.report->sigma_m, 7.0);
  loc->set_utm_zone("30");
  EXPECT_EQ(ToReport(m, Nodes(), nullptr).reason, RejectReason::kMalformed);
  loc->set_utm_zone("30C");  // southern band: the latitude would not fall in it
  EXPECT_EQ(ToReport(m, Nodes(), nullptr).reason, RejectReason::kMalformed);
}

TEST(SapientConvertTest, RangeBearingBecomesRadarOrBearing) {
  SapientMessage m = Detection(1757203325);
  auto* rb = m.mutable_detection_report()->mutable_range_bearing();
  rb->set_azimuth(-10.0);
  rb->set_elevation(2.5);
  rb->set_range(1.5);
  rb->set_coordinate_system(pb::RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_KM);
  rb->set_datum(pb::RANGE_BEARING_DATUM_TRUE);
  SapientOutcome out = ToReport(m, Nodes(), nullptr);
  ASSERT_TRUE(out.ok()) << out.message;
  EXPECT_EQ(out.report->kind, ReportKind::kRadar);
  EXPECT_DOUBLE_EQ(out.report->range_m, 1500.0);
  EXPECT_DOUBLE_EQ(out.report->azimuth_deg, 350.0);
  EXPECT_DOUBLE_EQ(*out.report->elevation_deg, 2.5);

  rb->set_coordinate_system(pb::RANGE_BEARING_COORDINATE_SYSTEM_RADIANS_M);
  rb->set_azimuth(M_PI / 2);
  rb->clear_elevation();
  rb->clear_range();
  out = ToReport(m, Nodes(), nullptr);
  ASSERT_TRUE(out.ok()) << out.message;
  EXPECT_EQ(out.report->kind, ReportKind::kBearing);
  EXPECT_NEAR(out.report->azimuth_deg, 90.0, 1e-9);
  EXPECT_FALSE(out.report->elevation_deg);

  // An acoustic sensor's range is not a radar plot: a bearing.
  rb->set_range(800);
  SensorDescription acoustic;
  acoustic.id = SensorId("CAM-01");
  acoustic.type = SensorType::kAcoustic;
  SensorIndex index({acoustic});
  out = ToReport(m, Nodes(), &index);
  ASSERT_TRUE(out.ok()) << out.message;
  EXPECT_EQ(out.report->kind, ReportKind::kBearing);

  rb->set_datum(pb::RANGE_BEARING_DATUM_MAGNETIC);
  out = ToReport(m, Nodes(), nullptr);
  EXPECT_EQ(out.reason, RejectReason::kUnsupported);
  EXPECT_NE(out.message.find("MAGNETIC"), std::string::npos);
  rb->set_datum(pb::RANGE_BEARING_DATUM_TRUE);
  rb->set_range(-5);
  EXPECT_EQ(ToReport(m, Nodes(), nullptr).reason, RejectReason::kMalformed);
}

TEST(SapientConvertTest, ClassificationMapsToSpecCategories) {
  EXPECT_EQ(CategoryOfClassification("UAV"), ThreatCategory::kDrone);
  EXPECT_EQ(CategoryOfClassification(" Quadcopter "), ThreatCategory::kDrone);
  EXPECT_EQ(CategoryOfClassification("Fixed_Wing"), ThreatCategory::kAircraft);
  EXPECT_EQ(CategoryOfClassification("Cruise Missile"), ThreatCategory::kCruiseMissile);
  EXPECT_FALSE(CategoryOfClassification("Human"));
  EXPECT_FALSE(CategoryOfClassification("Vehicle"));

  SapientMessage m = Detection(1757203325);
  auto* d = m.mutable_detection_report();
  auto* human = d->add_classification();
  human->set_type("Human");
  human->set_confidence(0.9f);
  auto* air = d->add_classification();
  air->set_type("Air Vehicle");
  air->set_confidence(0.7f);
  auto* sub = air->add_sub_class();
  sub->set_type("UAV");
  sub->set_confidence(0.6f);
  sub->set_level(1);
  auto* plane = d->add_classification();
  plane->set_type("Aircraft");
  plane->set_confidence(0.2f);
  SapientOutcome out = ToReport(m, Nodes(), nullptr);
  ASSERT_TRUE(out.ok()) << out.message;
  EXPECT_EQ(out.report->class_hint, ThreatCategory::kDrone);
}

TEST(SapientConvertTest, UnknownNodeOtherContentAndGarbage) {
  SapientMessage m = Detection(1757203325);
  m.set_node_id("00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(ToReport(m, Nodes(), nullptr).reason, RejectReason::kUnknownNode);
  m.set_node_id("A8654CDF-4328-47DE-81FA-C495589E30C9");  // UUIDs match case-insensitively
  EXPECT_TRUE(ToReport(m, Nodes(), nullptr).ok());

  SapientMessage reg;
  reg.set_node_id(kNode);
  reg.mutable_registration()->set_icd_version("BSI Flex 335 v2.0");
  SapientOutcome out = ToReport(reg, Nodes(), nullptr);
  EXPECT_TRUE(out.ignored);
  EXPECT_EQ(out.content, "registration");

  SapientMessage no_ts = Detection(1757203325);
  no_ts.clear_timestamp();
  EXPECT_EQ(ToReport(no_ts, Nodes(), nullptr).reason, RejectReason::kMalformed);
  SapientMessage no_loc = Detection(1757203325);
  no_loc.mutable_detection_report()->clear_location();
  EXPECT_EQ(ToReport(no_loc, Nodes(), nullptr).reason, RejectReason::kMalformed);

  EXPECT_EQ(DecodeSapientFrame(std::string("\xff\xff\xff\xff\x0f", 5), Nodes(), nullptr).reason, RejectReason::kMalformed);
  SapientMessage lon_out = Detection(1757203325);
  lon_out.mutable_detection_report()->mutable_location()->set_x(190);
  EXPECT_EQ(ToReport(lon_out, Nodes(), nullptr).reason, RejectReason::kMalformed);
}

TEST(SapientConvertTest, TruncatedAndCorruptedFramesNeverCrash) {
  SapientMessage m = Detection(1757203325);
  m.mutable_detection_report()->add_classification()->set_type("UAV");
  std::string body = m.SerializeAsString();
  SapientNodes nodes = Nodes();
  for (std::size_t n = 0; n < body.size(); ++n) (void)DecodeSapientFrame(body.substr(0, n), nodes, nullptr);
  std::mt19937 rng(42);
  for (int i = 0; i < 5000; ++i) {
    std::string b = body;
    for (int k = 0; k < 3; ++k) b[rng() % b.size()] = static_cast<char>(rng());
    (void)DecodeSapientFrame(b, nodes, nullptr);
  }
  EXPECT_FALSE(SplitFrames(std::string("\x05\x00\x00\x00" "ab", 6), 100).ok());
  EXPECT_FALSE(SplitFrames(std::string("\xff\xff\x00\x00", 4), 100).ok());
  EXPECT_FALSE(SplitFrames(std::string("\x01\x00", 2), 100).ok());
  EXPECT_TRUE(SplitFrames("", 100).ok());
}

TEST(SapientNodesTest, ConfigErrorsNameTheNode) {
  auto bad = ParseSapientNodes(R"({"nodes":{"n1":{}}})", "cfg.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"n1\""), std::string::npos);
  EXPECT_FALSE(ParseSapientNodes(R"({"nodes":{"n1":{"sensor":"S","default_sigma_m":-1}}})", "cfg.json").ok());
  EXPECT_FALSE(ParseSapientNodes("[]", "cfg.json").ok());
}

struct SapientIngestTest : ::testing::Test {
  ManualClock clock{UnixTime(1757203325)};
  std::shared_ptr<net::IngestCounters> counters = std::make_shared<net::IngestCounters>();
  SapientIngest Make(bool allow_unauthenticated) {
    SapientIngestConfig c;
    c.nodes = std::make_shared<SapientNodes>(Nodes());
    c.allow_unauthenticated = allow_unauthenticated;
    return SapientIngest(c, clock, counters);
  }
};

TEST_F(SapientIngestTest, TlsCertificateMustBeTheNodesSensor) {
  SapientIngest ingest = Make(false);
  std::string body = Detection(1757203325).SerializeAsString();
  net::PeerInfo good{net::Transport::kTls, "127.0.0.1:1", 2, "CAM-01"};
  EXPECT_TRUE(ingest.Process(body, good).ok());
  net::PeerInfo other{net::Transport::kTls, "127.0.0.1:1", 2, "RAD-01"};
  EXPECT_EQ(ingest.Process(body, other).reason, RejectReason::kSensorMismatch);
  net::PeerInfo plain{net::Transport::kTcp, "127.0.0.1:1", 2, ""};
  EXPECT_EQ(ingest.Process(body, plain).reason, RejectReason::kUnauthenticated);
  auto snap = counters->Snapshot();
  EXPECT_EQ(snap.accepted_total, 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kSensorMismatch), 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kUnauthenticated), 1u);
}

TEST_F(SapientIngestTest, StaleDetectionIsRejected) {
  SapientIngest ingest = Make(true);
  net::PeerInfo plain{net::Transport::kTcp, "127.0.0.1:1", 2, ""};
  EXPECT_EQ(ingest.Process(Detection(1757203325 - 60).SerializeAsString(), plain).reason, RejectReason::kStale);
  EXPECT_EQ(counters->Snapshot().rejected_for(RejectReason::kStale), 1u);
}

TEST(SapientOverTcpTest, FramesFromTheSampleAndBuiltMessagesArriveWhole) {
  namespace asio = boost::asio;
  using tcp = asio::ip::tcp;
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });

  SystemClock clock;
  auto counters = std::make_shared<net::IngestCounters>();
  SapientIngestConfig c;
  c.nodes = std::make_shared<SapientNodes>(Nodes());
  c.allow_unauthenticated = true;  // plain TCP in this test; TLS is covered in ingest/net
  SapientIngest ingest(c, clock, counters);
  std::mutex mu;
  std::vector<SapientOutcome> outcomes;
  net::StreamListenerConfig lc;
  lc.framing = net::Framing::kLengthPrefixed;
  lc.max_message_bytes = 1 << 20;
  net::StreamListener listener(io, lc, [&](std::string_view body, const net::PeerInfo& peer) {
    SapientOutcome o = ingest.Process(body, peer);
    std::lock_guard lock(mu);
    outcomes.push_back(std::move(o));
  }, counters);
  ASSERT_TRUE(listener.Start().ok());

  std::string stream;
  SapientMessage m = Detection(clock.Now().seconds());
  m.mutable_detection_report()->add_classification()->set_type("Drone");
  stream += Frame(m.SerializeAsString());
  const bool have_sample = std::filesystem::exists(kSapientDir + "/Default.DetectionReport.framed.bin");
  if (have_sample) stream += ReadFile(kSapientDir + "/Default.DetectionReport.framed.bin");
  stream += Frame("not protobuf at all \xff\xff");
  const std::size_t expected = have_sample ? 3 : 2;

  asio::io_context cio;
  tcp::socket s(cio);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  for (std::size_t i = 0; i < stream.size(); i += 100)
    asio::write(s, asio::buffer(stream.data() + i, std::min<std::size_t>(100, stream.size() - i)));
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard lock(mu);
      if (outcomes.size() >= expected) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  listener.Stop();
  work.reset();
  runner.join();
  ASSERT_EQ(outcomes.size(), expected);
  ASSERT_TRUE(outcomes[0].ok()) << outcomes[0].message;
  EXPECT_EQ(outcomes[0].report->class_hint, ThreatCategory::kDrone);
  if (have_sample) {
    EXPECT_EQ(outcomes[1].content, "detection_report");  // decoded whole; refused for its UTM values
    EXPECT_EQ(outcomes[1].reason, RejectReason::kMalformed);
  }
  EXPECT_EQ(outcomes.back().reason, RejectReason::kMalformed);
  EXPECT_TRUE(outcomes.back().content.empty());
  auto snap = counters->Snapshot();
  EXPECT_EQ(snap.accepted_total, 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kMalformed), expected - 1);
}

}  // namespace
}  // namespace tocsin::ingest::sapient
