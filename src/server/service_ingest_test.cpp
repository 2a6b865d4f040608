// End-to-end ingest tests of `tocsin serve`: an in-process Service on ephemeral
// ports with every ingest listener on (JSON lines over TCP, UDP and TLS, ASTERIX over
// UDP, SAPIENT over TLS). Real clients send VALID input of each kind and the tests
// check, through GET /metrics and GET /api/tracks, that it reaches the pipeline (not
// only a counter); hostile input (unknown certificates, bad MACs, garbage framing,
// oversized lines and frames, the mismatched-edition ASTERIX capture) is refused,
// counted with its reason, and the server keeps serving everyone else.
//
// Needs the `openssl` program (test certificates are made at test time) and, for the
// ASTERIX recordings, the shared data (TOCSIN_SHARED_DIR); tests skip with a message
// otherwise.
#include <utility>  // before Boost.Asio 1.74 (awaitable.hpp needs std::exchange under C++20)

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <GeographicLib/LocalCartesian.hpp>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "alert/test_catalog.h"
#include "ingest/asterix/asterix_test_util.h"
#include "ingest/asterix/convert.h"
#include "ingest/asterix/decoder.h"
#include "ingest/net/hmac.h"
#include "ingest/net/line_ingest.h"
#include "ingest/sapient/convert.h"
#include "publish/test_support.h"
#include "server/http/test_util.h"
#include "server/service.h"
#include "server/service_test_util.h"

namespace tocsin::server {
namespace {

namespace asio = boost::asio;
namespace pb = ::sapient_msg::bsi_flex_335_v2_0;
namespace httptest = http::httptest;
using asio::ip::tcp;
using nlohmann::json;
using publish::testing::HaveProgram;
using publish::testing::RunCommand;
using publish::testing::TempDir;
using namespace std::chrono_literals;

constexpr double T0 = 1757203200.0;  // 2025-09-07 00:00:00 UTC
constexpr const char* kKeyHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
// A sensor with an HMAC key that is not in the sensor list.
constexpr const char* kUnlistedKeyHex = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
constexpr const char* kOpenssl = "/usr/bin/openssl";
const std::string kCamNode = "a8654cdf-4328-47de-81fa-c495589e30c9";  // SAPIENT node of CAM-1
const std::string kStrangerNode = "00000000-0000-4000-8000-000000000000";  // not configured

using servicetest::kRadarAlt;
using servicetest::kRadarLat;
using servicetest::kRadarLon;
using servicetest::Metric;
using servicetest::RadarLine;

json Sensor(const std::string& id, const std::string& type, double lat, double lon, double max_range_m) {
  json s = {{"id", id},        {"type", type},      {"lat", lat},        {"lon", lon},
            {"alt_m", 100},    {"max_range_m", max_range_m},             {"period_s", 1},
            {"p_detect", 0.9}, {"false_per_scan", 0}};
  if (type == "radar") s["sigma"] = {{"range_m", 50}, {"azimuth_deg", 0.1}, {"elevation_deg", 0.2}};
  else s["sigma"] = {{"position_m", 30}};
  return s;
}

// ---- Small clients -------------------------------------------------------------

struct HttpAnswer {
  int code = 0;
  std::string body;
  json Json() const { return json::parse(body, nullptr, false); }
};

// GET over a raw loopback socket (Connection: close), de-chunking if needed.
HttpAnswer HttpGet(std::uint16_t port, const std::string& path) {
  const std::string raw = httptest::RawExchange(
      port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5000ms);
  HttpAnswer a;
  const auto sep = raw.find("\r\n\r\n");
  if (sep == std::string::npos || raw.size() < 12) return a;
  a.code = std::atoi(raw.c_str() + 9);
  std::string headers = raw.substr(0, sep);
  for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string body = raw.substr(sep + 4);
  if (headers.find("transfer-encoding: chunked") != std::string::npos) {
    std::string out;
    std::size_t p = 0;
    while (p < body.size()) {
      const auto nl = body.find("\r\n", p);
      if (nl == std::string::npos) break;
      const std::size_t n = std::stoul(body.substr(p, nl - p), nullptr, 16);
      if (n == 0) break;
      out += body.substr(nl + 2, n);
      p = nl + 2 + n + 2;
    }
    body = out;
  }
  a.body = std::move(body);
  return a;
}

double Accepted(const std::string& m, const std::string& listener, const std::string& sensor) {
  return Metric(m, "tocsin_ingest_accepted_total", "listener=\"" + listener + "\",sensor=\"" + sensor + "\"");
}
double Rejected(const std::string& m, const std::string& listener, const std::string& reason) {
  return Metric(m, "tocsin_ingest_rejected_total", "listener=\"" + listener + "\",reason=\"" + reason + "\"");
}
double SensorRejected(const std::string& m, const std::string& listener, const std::string& sensor,
                      const std::string& reason) {
  return Metric(m, "tocsin_ingest_sensor_rejected_total",
                "listener=\"" + listener + "\",sensor=\"" + sensor + "\",reason=\"" + reason + "\"");
}

void SetReceiveTimeout(int fd, std::chrono::milliseconds t) {
  timeval tv{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>((t.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// A TLS client with an optional client certificate (`name`.crt/.key in `dir`).
class TlsClient {
 public:
  TlsClient(const std::string& dir, const std::string& name) : ctx_(asio::ssl::context::tls_client) {
    ctx_.set_verify_mode(asio::ssl::verify_none);  // the tests check the server's checks, not the client's
    if (!name.empty()) {
      ctx_.use_certificate_file(dir + "/" + name + ".crt", asio::ssl::context::pem);
      ctx_.use_private_key_file(dir + "/" + name + ".key", asio::ssl::context::pem);
    }
    stream_ = std::make_unique<asio::ssl::stream<tcp::socket>>(io_, ctx_);
  }
  // Connects and handshakes; false when either fails client-side (with TLS 1.3 a
  // refused certificate may only show at the first read).
  bool Connect(std::uint16_t port) {
    boost::system::error_code ec;
    stream_->lowest_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) return false;
    stream_->handshake(asio::ssl::stream_base::client, ec);
    return !ec;
  }
  bool Write(const std::string& data) {
    boost::system::error_code ec;
    asio::write(*stream_, asio::buffer(data), ec);
    return !ec;
  }
  // True when the server ends the connection (close, reset, TLS alert) within `t`.
  bool ClosedByServer(std::chrono::milliseconds t = 5000ms) {
    SetReceiveTimeout(stream_->lowest_layer().native_handle(), t);
    char buf[256];
    boost::system::error_code ec;
    const auto until = std::chrono::steady_clock::now() + t + 500ms;
    while (std::chrono::steady_clock::now() < until) {
      stream_->read_some(asio::buffer(buf), ec);
      if (!ec) continue;  // data: keep reading
      return ec != asio::error::would_block && ec != asio::error::try_again && ec != asio::error::timed_out;
    }
    return false;
  }

 private:
  asio::io_context io_;
  asio::ssl::context ctx_;
  std::unique_ptr<asio::ssl::stream<tcp::socket>> stream_;
};

// A plain TCP client (raw fd).
class TcpClient {
 public:
  explicit TcpClient(std::uint16_t port) : fd_(httptest::ConnectLoopback(port)) {}
  ~TcpClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  bool Write(const std::string& d) { return httptest::SendAll(fd_, d); }
  bool ClosedByServer(std::chrono::milliseconds t = 5000ms) {
    bool closed = false;
    httptest::ReadFor(fd_, t, "", &closed);
    return closed;
  }

 private:
  int fd_;
};

void SendUdp(std::uint16_t port, const std::string& datagram) {
  asio::io_context io;
  asio::ip::udp::socket s(io, asio::ip::udp::v4());
  s.send_to(asio::buffer(datagram), {asio::ip::make_address("127.0.0.1"), port});
}

std::string Bytes(const std::vector<std::uint8_t>& v) { return std::string(v.begin(), v.end()); }


// A drone 300 m up flying east at 40 m/s along lat 48.05, `i` seconds after it was
// 20 km west of Z0: where it is.
LatLon DroneAt(int i) { return LocalTangentPlane({48.05, 30.0}).Reverse(-20000.0 + 40.0 * i, 0); }

// A SAPIENT DetectionReport of a drone seen by `node` at (lat, lon), framed.
std::string SapientFrame(const std::string& node, double t, double lat, double lon, int n) {
  ingest::sapient::SapientMessage m;
  m.mutable_timestamp()->set_seconds(static_cast<std::int64_t>(t));
  m.mutable_timestamp()->set_nanos(static_cast<int>((t - std::floor(t)) * 1e9));
  m.set_node_id(node);
  auto* d = m.mutable_detection_report();
  d->set_report_id("01J00000000000000000000" + std::to_string(100 + n));
  d->set_object_id("01J0000000000000000000OBJ1");
  auto* loc = d->mutable_location();
  loc->set_x(lon);
  loc->set_y(lat);
  loc->set_z(300);
  loc->set_x_error(0.0003);
  loc->set_y_error(0.0002);
  loc->set_coordinate_system(pb::LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M);
  loc->set_datum(pb::LOCATION_DATUM_WGS84_E);
  auto* c = d->add_classification();
  c->set_type("UAV");
  c->set_confidence(0.9f);
  const std::string body = m.SerializeAsString();
  const auto len = static_cast<std::uint32_t>(body.size());
  std::string f{static_cast<char>(len & 0xff), static_cast<char>((len >> 8) & 0xff),
                static_cast<char>((len >> 16) & 0xff), static_cast<char>((len >> 24) & 0xff)};
  return f + body;
}

// ---- Fixture -------------------------------------------------------------------

// Certificates made with the openssl program: a sensor CA signing RAD-1, CAM-1 and
// GHOST-9 (not in the sensor list); another CA signing a second "RAD-1"; the server's
// self-signed certificate.
bool MakePki(const std::string& dir, std::string* error) {
  const std::string d = "cd '" + dir + "' && ";
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
  std::vector<std::string> cmds = {
      "openssl req -x509" + ec + "-days 2 -subj '/CN=Tocsin test sensor CA' -keyout ca.key -out ca.crt",
      "openssl req -x509" + ec + "-days 2 -subj '/CN=Another CA' -keyout other-ca.key -out other-ca.crt",
      "openssl req -x509" + ec + "-days 2 -subj '/CN=localhost' -keyout server.key -out server.crt"};
  auto sign = [&](const std::string& name, const std::string& cn, const std::string& ca) {
    cmds.push_back("openssl req" + ec + "-subj '/CN=" + cn + "' -keyout " + name + ".key -out " + name + ".csr");
    cmds.push_back("openssl x509 -req -in " + name + ".csr -CA " + ca + ".crt -CAkey " + ca + ".key -CAcreateserial -days 2 -out " +
                   name + ".crt");
  };
  sign("rad1", "RAD-1", "ca");
  sign("cam1", "CAM-1", "ca");
  sign("ghost", "GHOST-9", "ca");
  sign("rad1-other-ca", "RAD-1", "other-ca");
  for (const auto& c : cmds) {
    auto r = RunCommand(d + c);
    if (r.exit_code != 0) {
      *error = c + ": " + r.output;
      return false;
    }
  }
  return true;
}

class ServiceIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveProgram(kOpenssl))
      GTEST_SKIP() << kOpenssl << " is missing (apt-get install openssl); these tests make TLS certificates with it";
    std::string error;
    ASSERT_TRUE(MakePki(dir_.path(), &error)) << error;
    catalog_ = dir_.Write("squares.geojson", alert::testing::SquareCatalogJson(alert::testing::RowZones(6, 3)));
    keys_ = dir_.Write("keys.json", json{{"sensors",
                                          {{"RAD-1", {{"hmac_key", kKeyHex}}},
                                           {"UNLISTED-1", {{"hmac_key", kUnlistedKeyHex}}}}}}
                                        .dump());
    sensors_ = {Sensor("RAD-1", "radar", kRadarLat, kRadarLon, 150000), Sensor("CAM-1", "observer", 48.05, 29.9, 30000)};
  }

  // Starts a Service with every listener on an ephemeral port; `tweak` edits the
  // config first (after the sensors file is written from sensors_).
  void StartService(const std::function<void(ServeConfig&)>& tweak = {}) {
    ServeConfig c;
    c.zones = catalog_;
    c.sensors = dir_.Write("sensors.json", sensors_.dump());
    c.keys = keys_;
    c.store = ":memory:";
    c.http_port = c.tcp_port = c.udp_port = c.tls_port = c.asterix_port = c.sapient_port = -1;
    c.tls_cert = dir_.path() + "/server.crt";
    c.tls_key = dir_.path() + "/server.key";
    c.tls_ca = dir_.path() + "/ca.crt";
    c.sapient_nodes_json = json{{"nodes", {{kCamNode, {{"sensor", "CAM-1"}}}}}}.dump();
    c.clock_start = T0;
    c.web_dir = dir_.path();
    if (tweak) tweak(c);
    c.live.mode = c.mode;
    clock_start_ = *c.clock_start;
    started_at_ = std::chrono::steady_clock::now();
    auto s = Service::Create(c, log_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    service_ = std::move(s).value();
    const Status st = service_->Start();
    ASSERT_TRUE(st.ok()) << st.message();
    ep_ = service_->endpoints();
    ASSERT_NE(ep_.http, 0);
    ASSERT_NE(ep_.tcp, 0);
    ASSERT_NE(ep_.udp, 0);
    ASSERT_NE(ep_.tls, 0);
    ASSERT_NE(ep_.asterix, 0);
    ASSERT_NE(ep_.sapient, 0);
  }
  void TearDown() override {
    if (service_) service_->Stop();
  }

  double ServerNow() const { return service_->clock().Now().seconds(); }
  std::string Metrics() { return HttpGet(ep_.http, "/metrics").body; }
  // Polls /metrics until pred holds (or 5 s); returns the last text.
  std::string WaitMetrics(const std::function<bool(const std::string&)>& pred) {
    std::string m;
    for (int i = 0; i < 100; ++i) {
      m = Metrics();
      if (pred(m)) break;
      std::this_thread::sleep_for(50ms);
    }
    return m;
  }
  // Polls GET /api/tracks until a track satisfies pred (or 5 s).
  json WaitTrack(const std::function<bool(const json&)>& pred) {
    for (int i = 0; i < 100; ++i) {
      const json t = HttpGet(ep_.http, "/api/tracks").Json();
      if (t.is_object() && t.contains("tracks"))
        for (const auto& trk : t["tracks"])
          if (pred(trk)) return trk;
      std::this_thread::sleep_for(50ms);
    }
    return json();
  }
  bool ServerHealthy() {
    auto h = HttpGet(ep_.http, "/api/health");
    return h.code == 200 && h.Json().is_object();
  }
  std::string Tracks() { return HttpGet(ep_.http, "/api/tracks").body; }

  TempDir dir_;
  std::string catalog_, keys_;
  json sensors_;
  std::ostringstream log_;
  std::unique_ptr<Service> service_;
  ServiceEndpoints ep_;
  double clock_start_ = T0;
  std::chrono::steady_clock::time_point started_at_;
};

bool Near(const json& trk, LatLon p, double deg) {
  return trk.is_object() && std::abs(trk.value("lat", 0.0) - p.lat) < deg && std::abs(trk.value("lon", 0.0) - p.lon) < deg;
}

// ---- JSON lines over TLS (client certificates) -----------------------------------

TEST_F(ServiceIngestTest, TlsLinesAreAcceptedFromTheSensorsCertificateAndStrangersAreRefused) {
  StartService();
  // RAD-1's certificate (signed by the sensor CA): 10 unsigned plots of a drone, then
  // one line claiming another sensor.
  TlsClient rad1(dir_.path(), "rad1");
  ASSERT_TRUE(rad1.Connect(ep_.tls));
  const double t0 = ServerNow() - 10;
  std::string lines;
  for (int i = 0; i < 10; ++i) {
    const LatLon p = DroneAt(i);
    lines += RadarLine(t0 + i, p.lat, p.lon, 300) + "\n";
  }
  lines += R"({"sensor":"CAM-1","time":)" + std::to_string(t0 + 9) + R"(,"kind":"position","lat":48.05,"lon":29.8,"sigma_m":50})" + "\n";
  ASSERT_TRUE(rad1.Write(lines));
  std::string m = WaitMetrics([](const std::string& m) {
    return Accepted(m, "json", "RAD-1") >= 10 && Rejected(m, "json", "sensor_mismatch") >= 1 &&
           Metric(m, "tocsin_reports_processed_total") >= 10;
  });
  EXPECT_EQ(Accepted(m, "json", "RAD-1"), 10) << m;
  EXPECT_EQ(Rejected(m, "json", "sensor_mismatch"), 1) << m;
  EXPECT_EQ(SensorRejected(m, "json", "RAD-1", "sensor_mismatch"), 1) << m;
  EXPECT_GE(Metric(m, "tocsin_reports_processed_total"), 10) << m;
  // The plots reach the tracker: a track where the drone is.
  const json trk = WaitTrack([](const json& t) { return Near(t, DroneAt(9), 0.05); });
  EXPECT_TRUE(trk.is_object()) << "no track near the drone from 10 TLS plots: " << Tracks() << "\n" << m;

  // A CA-signed certificate whose CN is not a known sensor: the handshake succeeds,
  // its lines are refused as unknown_sensor.
  TlsClient ghost(dir_.path(), "ghost");
  ASSERT_TRUE(ghost.Connect(ep_.tls));
  ASSERT_TRUE(ghost.Write(R"({"sensor":"GHOST-9","time":)" + std::to_string(ServerNow()) +
                          R"(,"kind":"radar","range_m":1000,"azimuth_deg":10,"elevation_deg":1})" + "\n"));
  m = WaitMetrics([](const std::string& m) { return Rejected(m, "json", "unknown_sensor") >= 1; });
  EXPECT_EQ(Rejected(m, "json", "unknown_sensor"), 1) << m;
  EXPECT_EQ(Accepted(m, "json", "GHOST-9"), 0) << m;
  // Over TLS a MAC is optional, but one that is present is checked.
  ASSERT_TRUE(rad1.Write(RadarLine(ServerNow(), 48.0, 29.9, 300) + "\thmac=" + std::string(64, 'a') + "\n"));
  m = WaitMetrics([](const std::string& m) { return Rejected(m, "json", "bad_mac") >= 1; });
  EXPECT_EQ(Rejected(m, "json", "bad_mac"), 1) << m;

  // "RAD-1" certified by another CA, no certificate at all, plain TCP on the TLS port:
  // refused at the handshake, nothing reaches ingest.
  const double hs_before = Rejected(m, "json", "tls_handshake");
  {
    TlsClient other(dir_.path(), "rad1-other-ca");
    if (other.Connect(ep_.tls)) other.Write(RadarLine(ServerNow(), 48.0, 29.9, 300) + "\n");
    EXPECT_TRUE(other.ClosedByServer()) << "a certificate of another CA was not refused";
    TlsClient none(dir_.path(), "");
    if (none.Connect(ep_.tls)) none.Write(RadarLine(ServerNow(), 48.0, 29.8, 300) + "\n");
    EXPECT_TRUE(none.ClosedByServer()) << "a client without a certificate was not refused";
    TcpClient plain(ep_.tls);
    ASSERT_TRUE(plain.ok());
    plain.Write(RadarLine(ServerNow(), 48.0, 29.7, 300) + "\n");
    EXPECT_TRUE(plain.ClosedByServer());
  }
  // An oversized line from a certified sensor: too_long, and its connection is closed.
  {
    TlsClient big(dir_.path(), "rad1");
    ASSERT_TRUE(big.Connect(ep_.tls));
    big.Write(std::string(70000, 'x') + "\n");
    EXPECT_TRUE(big.ClosedByServer()) << "an oversized TLS line did not close the connection";
  }
  m = WaitMetrics([&](const std::string& m) {
    return Rejected(m, "json", "tls_handshake") >= hs_before + 3 && Rejected(m, "json", "too_long") >= 1;
  });
  EXPECT_EQ(Rejected(m, "json", "tls_handshake"), hs_before + 3) << m;
  EXPECT_EQ(Rejected(m, "json", "too_long"), 1) << m;
  EXPECT_EQ(Accepted(m, "json", "RAD-1"), 10) << "a refused connection's line was accepted:\n" << m;

  // The server keeps serving: health, and RAD-1's open connection still delivers.
  EXPECT_TRUE(ServerHealthy());
  const LatLon p = DroneAt(10);
  ASSERT_TRUE(rad1.Write(RadarLine(ServerNow(), p.lat, p.lon, 300) + "\n"));
  m = WaitMetrics([](const std::string& m) { return Accepted(m, "json", "RAD-1") >= 11; });
  EXPECT_EQ(Accepted(m, "json", "RAD-1"), 11) << m;
}

// ---- SAPIENT over TLS ------------------------------------------------------------

TEST_F(ServiceIngestTest, SapientDetectionReportsReachTheTrackerAndBadFramesCloseOnlyTheirConnection) {
  StartService();
  // CAM-1 (node kCamNode) reports a drone 8 times, once a second.
  TlsClient cam(dir_.path(), "cam1");
  ASSERT_TRUE(cam.Connect(ep_.sapient));
  const double t0 = ServerNow() - 8;
  std::string frames;
  for (int i = 0; i < 8; ++i) {
    const LatLon p = DroneAt(i);
    frames += SapientFrame(kCamNode, t0 + i, p.lat, p.lon, i);
  }
  ASSERT_TRUE(cam.Write(frames));
  std::string m = WaitMetrics([](const std::string& m) { return Accepted(m, "sapient", "CAM-1") >= 8; });
  EXPECT_EQ(Accepted(m, "sapient", "CAM-1"), 8) << m << "\nlog:\n" << log_.str();
  const json trk = WaitTrack([](const json& t) { return Near(t, DroneAt(7), 0.05); });
  ASSERT_TRUE(trk.is_object()) << "no track from 8 SAPIENT detections: " << Tracks() << "\n" << m;
  EXPECT_EQ(trk.value("category", ""), "drone") << trk.dump();

  // A frame of an unconfigured node, and RAD-1's certificate sending CAM-1's node:
  // refused and counted; those connections stay open.
  ASSERT_TRUE(cam.Write(SapientFrame(kStrangerNode, ServerNow(), 48.05, 29.9, 50)));
  TlsClient rad1(dir_.path(), "rad1");
  ASSERT_TRUE(rad1.Connect(ep_.sapient));
  ASSERT_TRUE(rad1.Write(SapientFrame(kCamNode, ServerNow(), 48.05, 29.9, 51)));
  // A body that is not protobuf: malformed.
  ASSERT_TRUE(rad1.Write(std::string("\x06\x00\x00\x00garbag", 10)));
  m = WaitMetrics([](const std::string& m) {
    return Rejected(m, "sapient", "unknown_node") >= 1 && Rejected(m, "sapient", "sensor_mismatch") >= 1 &&
           Rejected(m, "sapient", "malformed") >= 1;
  });
  EXPECT_EQ(Rejected(m, "sapient", "unknown_node"), 1) << m;
  EXPECT_EQ(Rejected(m, "sapient", "sensor_mismatch"), 1) << m;
  EXPECT_EQ(Rejected(m, "sapient", "malformed"), 1) << m;

  // Garbage framing (an HTTP request read as a 541 MB length) and an oversized length
  // prefix: too_long, and the server closes that connection.
  {
    TlsClient g(dir_.path(), "cam1");
    ASSERT_TRUE(g.Connect(ep_.sapient));
    g.Write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(g.ClosedByServer()) << "garbage framing did not close the connection";
    TlsClient big(dir_.path(), "cam1");
    ASSERT_TRUE(big.Connect(ep_.sapient));
    big.Write(std::string("\xff\xff\xff\x7f", 4) + std::string(1000, 'a'));
    EXPECT_TRUE(big.ClosedByServer()) << "an oversized length prefix did not close the connection";
    // Plain TCP on the TLS SAPIENT port.
    TcpClient plain(ep_.sapient);
    ASSERT_TRUE(plain.ok());
    plain.Write(SapientFrame(kCamNode, ServerNow(), 48.05, 29.9, 52));
    EXPECT_TRUE(plain.ClosedByServer());
  }
  m = WaitMetrics([](const std::string& m) {
    return Rejected(m, "sapient", "too_long") >= 2 && Rejected(m, "sapient", "tls_handshake") >= 1;
  });
  EXPECT_EQ(Rejected(m, "sapient", "too_long"), 2) << m;
  EXPECT_EQ(Rejected(m, "sapient", "tls_handshake"), 1) << m;

  // Everyone else is still served: CAM-1's first connection delivers more.
  EXPECT_TRUE(ServerHealthy());
  const LatLon p = DroneAt(9);
  ASSERT_TRUE(cam.Write(SapientFrame(kCamNode, ServerNow(), p.lat, p.lon, 9)));
  m = WaitMetrics([](const std::string& m) { return Accepted(m, "sapient", "CAM-1") >= 9; });
  EXPECT_EQ(Accepted(m, "sapient", "CAM-1"), 9) << m;
}

// ---- HMAC JSON lines over TCP and UDP ----------------------------------------------

TEST_F(ServiceIngestTest, HmacLinesOverTcpAndUdpAreAcceptedAndEachBadLineIsCountedWithItsReason) {
  // 4 KiB lines at most, so that an oversized line fits in one UDP datagram.
  StartService([](ServeConfig& c) { c.max_line_bytes = 4096; });
  const ingest::net::HmacKey key(*ingest::net::HexDecode(kKeyHex));
  const ingest::net::HmacKey unlisted_key(*ingest::net::HexDecode(kUnlistedKeyHex));
  // A drone seen by RAD-1 for 12 s: the first 6 plots over TCP, the rest over UDP, two per datagram.
  const double t0 = ServerNow() - 12;
  std::string tcp_lines;
  for (int i = 0; i < 6; ++i) {
    const LatLon p = DroneAt(i);
    tcp_lines += ingest::net::SignLine(RadarLine(t0 + i, p.lat, p.lon, 300), key) + "\n";
  }
  {
    TcpClient c(ep_.tcp);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.Write(tcp_lines));
    std::string m = WaitMetrics([](const std::string& m) { return Accepted(m, "json", "RAD-1") >= 6; });
    EXPECT_EQ(Accepted(m, "json", "RAD-1"), 6) << m;
  }
  for (int i = 6; i < 12; i += 2) {
    const LatLon p = DroneAt(i), q = DroneAt(i + 1);
    SendUdp(ep_.udp, ingest::net::SignLine(RadarLine(t0 + i, p.lat, p.lon, 300), key) + "\n" +
                         ingest::net::SignLine(RadarLine(t0 + i + 1, q.lat, q.lon, 300), key) + "\n");
  }
  std::string m = WaitMetrics([](const std::string& m) { return Accepted(m, "json", "RAD-1") >= 12; });
  EXPECT_EQ(Accepted(m, "json", "RAD-1"), 12) << m;
  // Enough plots of one target: it is tracked.
  const json trk = WaitTrack([](const json& t) { return Near(t, DroneAt(11), 0.05); });
  ASSERT_TRUE(trk.is_object()) << "no track from 12 signed plots: " << Tracks() << "\n" << m;
  EXPECT_NEAR(trk.value("heading_deg", 0.0), 90, 20) << trk.dump();

  // Hostile lines, each on TCP and on UDP.
  const double now = ServerNow();
  const std::string good = RadarLine(now - 1, 48.0, 29.9, 300);
  std::string ghost = good;
  ghost.replace(ghost.find("RAD-1"), 5, "GHOST");
  std::string unlisted = good;
  unlisted.replace(unlisted.find("RAD-1"), 5, "UNLISTED-1");
  std::vector<std::pair<std::string, std::string>> hostile = {
      {"bad_mac", good + "\thmac=" + std::string(64, '0')},
      {"bad_mac", good + "\thmac=nothex"},
      {"unknown_sensor", ingest::net::SignLine(ghost, key)},              // no key, not listed
      {"unknown_sensor", ingest::net::SignLine(unlisted, unlisted_key)},  // has a key, not in the sensor list
      {"missing_mac", RadarLine(now - 1, 48.0, 29.8, 300)},
      {"malformed", ingest::net::SignLine("{\"sensor\":\"RAD-1\",\"time\":", key)},  // truncated JSON, signed
      {"malformed", "[1,2,3]"},                                            // no sensor at all
  };
  std::map<std::string, double> want;
  std::string tcp_bad;
  for (const auto& [reason, line] : hostile) {
    tcp_bad += line + "\n";
    SendUdp(ep_.udp, line + "\n");
    want[reason] += 2;
  }
  // Authenticated but not a valid report: malformed, counted under the sensor.
  const std::string bad_fields = R"({"sensor":"RAD-1","time":)" + std::to_string(now) + R"(,"kind":"radar","range_m":-5})";
  tcp_bad += ingest::net::SignLine(bad_fields, key) + "\n";
  want["malformed"] += 1;
  {
    TcpClient c(ep_.tcp);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.Write(tcp_bad));
    // Every line was refused, none closes the connection; the next good line is accepted.
    const LatLon p = DroneAt(12);
    ASSERT_TRUE(c.Write(ingest::net::SignLine(RadarLine(ServerNow(), p.lat, p.lon, 300), key) + "\n"));
    m = WaitMetrics([](const std::string& m) { return Accepted(m, "json", "RAD-1") >= 13; });
    EXPECT_EQ(Accepted(m, "json", "RAD-1"), 13) << m;
  }
  // Oversized: a 5,000-byte line closes its TCP connection; an oversized line in a
  // UDP datagram is dropped.
  {
    TcpClient c(ep_.tcp);
    ASSERT_TRUE(c.ok());
    c.Write(ingest::net::SignLine("{\"sensor\":\"RAD-1\",\"pad\":\"" + std::string(5000, 'x') + "\"}", key) + "\n");
    EXPECT_TRUE(c.ClosedByServer()) << "an oversized line did not close the connection";
  }
  SendUdp(ep_.udp, "{\"sensor\":\"RAD-1\",\"pad\":\"" + std::string(5000, 'y') + "\"}\n");
  want["too_long"] = 2;
  m = WaitMetrics([&](const std::string& m) {
    for (const auto& [reason, n] : want)
      if (Rejected(m, "json", reason) < n) return false;
    return true;
  });
  for (const auto& [reason, n] : want) EXPECT_EQ(Rejected(m, "json", reason), n) << reason << "\n" << m;
  // Unauthenticated rejections are counted under sensor "-", never under the id they claim.
  EXPECT_EQ(SensorRejected(m, "json", "-", "bad_mac"), 4) << m;
  EXPECT_EQ(SensorRejected(m, "json", "-", "unknown_sensor"), 4) << m;
  EXPECT_EQ(SensorRejected(m, "json", "GHOST", "unknown_sensor"), 0) << m;
  // Authenticated lines that do not parse are counted under their sensor.
  EXPECT_EQ(SensorRejected(m, "json", "RAD-1", "malformed"), 3) << m;
  EXPECT_EQ(Accepted(m, "json", "RAD-1"), 13) << m;
  EXPECT_TRUE(ServerHealthy());
}

// ---- ASTERIX over UDP (real recordings) ----------------------------------------------

using ingest::asterix::DecodedRecord;
using ingest::asterix::testing::AsterixDir;
using ingest::asterix::testing::Payloads;

std::optional<ingest::asterix::DataSource> SourceOf(const DecodedRecord& r) {
  if (const auto* p = std::get_if<ingest::asterix::Cat048Record>(&r.record)) return p->source;
  return std::get<ingest::asterix::Cat062Record>(r.record).source;
}
std::optional<double> TimeOfDay(const DecodedRecord& r) {
  if (const auto* p = std::get_if<ingest::asterix::Cat048Record>(&r.record)) return p->time_of_day_s;
  return std::get<ingest::asterix::Cat062Record>(r.record).time_of_track_s;
}
std::string SensorFor(const ingest::asterix::DataSource& s) {
  return "ASX-" + std::to_string(s.sac) + "-" + std::to_string(s.sic);
}

// What the server should make of some datagrams: counted as the server counts.
struct AsterixExpectation {
  double records = 0, unknown_sensor = 0, unsupported = 0, stale = 0, malformed = 0;
  std::map<std::string, double> accepted;  // sensor -> reports
};

AsterixExpectation Expect(const std::vector<std::vector<std::uint8_t>>& datagrams,
                          const ingest::asterix::ReportConfig& config, UnixTime now, double window) {
  AsterixExpectation e;
  for (const auto& d : datagrams) {
    auto recs = ingest::asterix::DecodeDatagram(d);
    if (!recs.ok()) {
      ++e.malformed;
      continue;
    }
    e.records += static_cast<double>(recs->size());
    for (const auto& rec : *recs) {
      auto src = SourceOf(rec);
      auto rep = ingest::asterix::ToReport(rec, config, now);
      if (!src || !config.sensors.count({src->sac, src->sic})) ++e.unknown_sensor;
      else if (!rep.ok()) ++e.unsupported;
      else if (std::abs(rep->time.seconds() - now.seconds()) > window) ++e.stale;
      else ++e.accepted[rep->sensor.str()];
    }
  }
  return e;
}

// The Unix time on T0's day with this time of day.
double AtTimeOfDay(double tod) { return std::floor(T0 / 86400) * 86400 + tod; }

TEST_F(ServiceIngestTest, AsterixCat048RecordingIsAcceptedRecordForRecord) {
  TOCSIN_REQUIRE_ASTERIX_SAMPLES();
  const auto datagrams = Payloads(AsterixDir() / "samples" / "asterix_sample_data_cat_034_048.pcap");
  ASSERT_EQ(datagrams.size(), 100u);
  // Every CAT048 source but the last one seen is a configured radar (near Zagreb;
  // the recording does not say where its radars are); the last stays unknown.
  std::set<std::pair<int, int>> sources;
  double tod_min = 1e9, tod_max = -1;
  for (const auto& d : datagrams) {
    auto recs = ingest::asterix::DecodeDatagram(d);
    ASSERT_TRUE(recs.ok()) << recs.status().message();
    for (const auto& r : *recs) {
      if (auto s = SourceOf(r)) sources.insert({s->sac, s->sic});
      if (auto t = TimeOfDay(r)) tod_min = std::min(tod_min, *t), tod_max = std::max(tod_max, *t);
    }
  }
  ASSERT_GE(sources.size(), 2u);
  const auto unknown = *sources.rbegin();
  sources.erase(unknown);
  ingest::asterix::ReportConfig rc;
  std::vector<AsterixSource> asx;
  for (const auto& [sac, sic] : sources) {
    const std::string id = SensorFor({static_cast<std::uint8_t>(sac), static_cast<std::uint8_t>(sic)});
    sensors_.push_back(Sensor(id, "radar", 45.8, 16.0, 500000));
    asx.push_back({sac, sic, id});
    rc.sensors[{static_cast<std::uint8_t>(sac), static_cast<std::uint8_t>(sic)}] = SensorId(id);
  }
  // The server's clock in the middle of the recording, with a window covering it.
  const double window = std::max(30.0, (tod_max - tod_min) / 2 + 20);
  StartService([&](ServeConfig& c) {
    c.asterix_sources = asx;
    c.clock_start = AtTimeOfDay((tod_min + tod_max) / 2);
    c.replay_window_s = window;
  });
  const AsterixExpectation want = Expect(datagrams, rc, service_->clock().Now(), window);
  ASSERT_GT(want.records, 100);
  ASSERT_GT(want.unknown_sensor, 0);
  for (const auto& d : datagrams) {
    SendUdp(ep_.asterix, Bytes(d));
    std::this_thread::sleep_for(1ms);  // no burst beyond the socket buffer
  }
  double total = 0;
  for (const auto& [s, n] : want.accepted) total += n;
  const std::string m = WaitMetrics([&](const std::string& m) {
    return Metric(m, "tocsin_asterix_records_total") >= want.records &&
           Metric(m, "tocsin_reports_processed_total") >= total;
  });
  EXPECT_EQ(Metric(m, "tocsin_asterix_records_total"), want.records) << m;
  for (const auto& [sensor, n] : want.accepted) EXPECT_EQ(Accepted(m, "asterix", sensor), n) << sensor << "\n" << m;
  EXPECT_EQ(Rejected(m, "asterix", "unknown_sensor"), want.unknown_sensor) << m;
  EXPECT_EQ(Rejected(m, "asterix", "unsupported"), want.unsupported) << m;
  EXPECT_EQ(Rejected(m, "asterix", "stale"), want.stale) << m;
  EXPECT_EQ(Rejected(m, "asterix", "malformed"), 0) << m;
  EXPECT_EQ(Metric(m, "tocsin_reports_processed_total"), total) << m;
  EXPECT_GT(total, 100);
}

TEST_F(ServiceIngestTest, AsterixCat062TracksAreAcceptedAndTheMismatchedEditionIsRejected) {
  TOCSIN_REQUIRE_ASTERIX_SAMPLES();
  const auto raw = Payloads(AsterixDir() / "samples" / "asterix_sample_data_cat062cat065.raw");
  const auto later = Payloads(AsterixDir() / "samples" / "asterix_sample_data_cat_062_065.pcap");
  const auto mismatched = Payloads(AsterixDir() / "samples" / "install_sample_data_asterix.pcap");
  ASSERT_EQ(raw.size(), 1u);
  ASSERT_EQ(later.size(), 1u);
  ASSERT_EQ(mismatched.size(), 100u);
  // The SDPS of the raw recording is an observer; the server's clock is at its time.
  auto recs = ingest::asterix::DecodeDatagram(raw[0]);
  ASSERT_TRUE(recs.ok()) << recs.status().message();
  ASSERT_FALSE(recs->empty());
  ingest::asterix::ReportConfig rc;
  std::vector<AsterixSource> asx;
  double tod = 0;
  for (const auto& r : *recs) {
    auto s = SourceOf(r);
    ASSERT_TRUE(s.has_value());
    tod = TimeOfDay(r).value_or(tod);
    if (rc.sensors.count({s->sac, s->sic})) continue;
    sensors_.push_back(Sensor(SensorFor(*s), "observer", 45.8, 16.0, 500000));
    asx.push_back({s->sac, s->sic, SensorFor(*s)});
    rc.sensors[{s->sac, s->sic}] = SensorId(SensorFor(*s));
  }
  StartService([&](ServeConfig& c) {
    c.asterix_sources = asx;
    c.clock_start = AtTimeOfDay(tod);
  });
  const UnixTime now = service_->clock().Now();
  const AsterixExpectation want_raw = Expect(raw, rc, now, 30);
  const AsterixExpectation want_later = Expect(later, rc, now, 30);
  ASSERT_EQ(want_raw.records, static_cast<double>(recs->size()));
  double accepted = 0;
  for (const auto& [s, n] : want_raw.accepted) accepted += n;
  ASSERT_EQ(accepted, want_raw.records) << "every CAT062 track of the raw recording should be usable";

  SendUdp(ep_.asterix, Bytes(raw[0]));
  SendUdp(ep_.asterix, Bytes(later[0]));  // hours later in the day: stale or unknown source
  for (const auto& d : mismatched) {
    SendUdp(ep_.asterix, Bytes(d));
    std::this_thread::sleep_for(1ms);
  }
  const double records = want_raw.records + want_later.records;
  const std::string m = WaitMetrics([&](const std::string& m) {
    return Metric(m, "tocsin_asterix_records_total") >= records && Rejected(m, "asterix", "malformed") >= 100;
  });
  EXPECT_EQ(Metric(m, "tocsin_asterix_records_total"), records) << m;
  for (const auto& [sensor, n] : want_raw.accepted) EXPECT_EQ(Accepted(m, "asterix", sensor), n) << m;
  EXPECT_EQ(Rejected(m, "asterix", "stale"), want_later.stale) << m;
  EXPECT_EQ(Rejected(m, "asterix", "unknown_sensor"), want_later.unknown_sensor) << m;
  EXPECT_GT(want_later.stale + want_later.unknown_sensor, 0);
  // The mismatched-edition capture: every datagram refused as malformed, none decoded.
  EXPECT_EQ(Rejected(m, "asterix", "malformed"), 100) << m;
  // The system tracks reach the tracker (the SDPS is a trusted observer).
  const json trk = WaitTrack([](const json& t) { return t.is_object() && t.value("lat", 0.0) > 40; });
  EXPECT_TRUE(trk.is_object()) << "no track from the CAT062 system tracks: " << Tracks() << "\n" << m;
  EXPECT_TRUE(ServerHealthy());
}

TEST_F(ServiceIngestTest, AsterixFromAnAddressOutsideTheAllowListIsDroppedUndecoded) {
  TOCSIN_REQUIRE_ASTERIX_SAMPLES();
  const auto raw = Payloads(AsterixDir() / "samples" / "asterix_sample_data_cat048.raw");
  ASSERT_EQ(raw.size(), 1u);
  StartService([](ServeConfig& c) { c.asterix_allowed_sources = {"192.0.2.7"}; });  // not loopback
  SendUdp(ep_.asterix, Bytes(raw[0]));
  const std::string m = WaitMetrics([](const std::string& m) { return Rejected(m, "asterix", "unknown_source") >= 1; });
  EXPECT_EQ(Rejected(m, "asterix", "unknown_source"), 1) << m;
  EXPECT_EQ(Metric(m, "tocsin_asterix_records_total"), 0) << m;
}

// Regression: a CAT048 plot from a configured radar without a measured position
// (I048/040) was counted as unknown_sensor, like a plot of an unconfigured radar.
TEST_F(ServiceIngestTest, AsterixPlotWithoutPositionIsCountedUnsupportedNotUnknownSensor) {
  sensors_.push_back(Sensor("ASX-1-2", "radar", 48.05, 29.6, 200000));
  StartService([](ServeConfig& c) { c.asterix_sources = {{1, 2, "ASX-1-2"}}; });
  // CAT048, one record: FSPEC 0xC0 (I048/010, I048/140), SAC 1 SIC 2, time of day now.
  const double tod = std::fmod(ServerNow(), 86400.0);
  const auto t = static_cast<std::uint32_t>(tod * 128);
  const std::string no_position{0x30, 0x00, 0x09, static_cast<char>(0xC0), 0x01, 0x02,
                                static_cast<char>((t >> 16) & 0xff), static_cast<char>((t >> 8) & 0xff),
                                static_cast<char>(t & 0xff)};
  auto decoded = ingest::asterix::DecodeDatagram(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(no_position.data()), no_position.size()));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  ASSERT_EQ(decoded->size(), 1u);
  SendUdp(ep_.asterix, no_position);
  std::string other = no_position;
  other[4] = 0x07;  // SAC 7: not configured
  SendUdp(ep_.asterix, other);
  const std::string m = WaitMetrics([](const std::string& m) { return Metric(m, "tocsin_asterix_records_total") >= 2; });
  EXPECT_EQ(Metric(m, "tocsin_asterix_records_total"), 2) << m;
  EXPECT_EQ(Rejected(m, "asterix", "unsupported"), 1) << m;
  EXPECT_EQ(SensorRejected(m, "asterix", "ASX-1-2", "unsupported"), 1) << m;
  EXPECT_EQ(Rejected(m, "asterix", "unknown_sensor"), 1) << m;
}

}  // namespace
}  // namespace tocsin::server
