// End-to-end tests of `tocsin serve`: a Service (or the real binary) on ephemeral
// ports, driven and read by real clients — curl, raw SSE sockets, a Boost.Beast
// WebSocket client, mosquitto + mosquitto_sub, xmllint against the CAP 1.2 XSD,
// sqlite3 — and by sensors sending signed and hostile input on every ingest port.
// Tests that need an external program skip with a message when it is missing.
#include "server/service.h"
#include "server/service_test_util.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include <GeographicLib/LocalCartesian.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "alert/test_catalog.h"
#include "ingest/net/hmac.h"
#include "ingest/net/line_ingest.h"
#include "publish/test_support.h"
#include "server/http/test_util.h"
#include "server/operators.h"

namespace tocsin::server {
namespace {

using nlohmann::json;
using publish::testing::HaveProgram;
using publish::testing::RunCommand;
using publish::testing::TempDir;
namespace httptest = http::httptest;
using namespace std::chrono_literals;

constexpr double T0 = 1757203200.0;
constexpr const char* kKeyHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr const char* kCurl = "/usr/bin/curl";
constexpr const char* kXmllint = "/usr/bin/xmllint";
constexpr const char* kBroker = "/usr/sbin/mosquitto";
constexpr const char* kSub = "/usr/bin/mosquitto_sub";
constexpr const char* kSqlite = "/usr/bin/sqlite3";

// Radar RAD-1 west of the row of zones Z0..Z5 (lat 48, lon 30.0 .. 30.6; regions R0 = Z0-Z2, R1 = Z3-Z5).
using servicetest::kRadarAlt;
using servicetest::kRadarLat;
using servicetest::kRadarLon;
using servicetest::Metric;
using servicetest::RadarLine;

#define REQUIRE_PROGRAM(p) \
  if (!HaveProgram(p)) GTEST_SKIP() << p << " is not installed (see scripts/install-deps.sh); skipping"

struct HttpResult {
  int code = 0;
  std::string headers, body;
  std::string Header(const std::string& name) const {
    std::istringstream in(headers);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string k = line.substr(0, colon);
      for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string want = name;
      for (auto& c : want) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (k == want) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
    return "";
  }
  json Json() const { return json::parse(body, nullptr, false); }
};

// Runs curl (a real HTTP client) with `args` (options then URL); headers via -D -.
HttpResult Curl(const std::string& args) {
  auto r = RunCommand(std::string(kCurl) + " -sS -m 10 -D - " + args);
  HttpResult out;
  std::string text = r.output;
  // Skip interim "100 Continue" blocks.
  std::size_t sep;
  while ((sep = text.find("\r\n\r\n")) != std::string::npos) {
    out.headers = text.substr(0, sep);
    out.body = text.substr(sep + 4);
    if (out.headers.rfind("HTTP/1.1 100", 0) == 0) {
      text = out.body;
      continue;
    }
    break;
  }
  if (out.headers.size() > 12) out.code = std::atoi(out.headers.c_str() + 9);
  if (out.code == 0) out.body = r.output;  // curl's own error, for the failure message
  return out;
}

std::string Auth(const std::string& token) { return "-H 'Authorization: Bearer " + token + "' "; }
std::string PostJson(const std::string& body) {
  return "-X POST -H 'Content-Type: application/json' --data '" + body + "' ";
}


// A raw Server-Sent Events client on a loopback socket.
class SseClient {
 public:
  SseClient(std::uint16_t port, const std::string& path) {
    fd_ = httptest::ConnectLoopback(port);
    if (fd_ >= 0)
      httptest::SendAll(fd_, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
  }
  ~SseClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Reads until `pred(alert events so far)` holds or `timeout`.
  bool WaitUntil(const std::function<bool(const std::vector<json>&)>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (pred(Events())) return true;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || fd_ < 0) return false;
      std::string more = httptest::ReadFor(fd_, std::min(left, std::chrono::milliseconds(100)));
      buf_ += more;
    }
  }
  bool WaitForText(const std::string& s, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buf_.find(s) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline || fd_ < 0) return false;
      buf_ += httptest::ReadFor(fd_, 100ms);
    }
    return true;
  }
  void Drain(std::chrono::milliseconds d) { buf_ += httptest::ReadFor(fd_, d); }
  // The `data:` objects of complete `event: alert` messages received so far.
  std::vector<json> Events() const {
    std::vector<json> out;
    std::size_t p = 0;
    while ((p = buf_.find("event: alert\n", p)) != std::string::npos) {
      const auto end = buf_.find("\n\n", p);
      if (end == std::string::npos) break;
      const auto d = buf_.find("data: ", p);
      if (d != std::string::npos && d < end) {
        const auto nl = buf_.find('\n', d);
        out.push_back(json::parse(buf_.substr(d + 6, nl - d - 6), nullptr, false));
      }
      p = end;
    }
    return out;
  }
  const std::string& raw() const { return buf_; }

 private:
  int fd_ = -1;
  std::string buf_;
};

int CountEvents(const std::vector<json>& evs, const std::string& event, const std::string& zone) {
  int n = 0;
  for (const auto& e : evs)
    if (e.is_object() && e.value("event", "") == event && e.value("zone", "") == zone) ++n;
  return n;
}

// A WebSocket client (Boost.Beast) collecting alert messages on its own thread.
class WsClient {
 public:
  WsClient(std::uint16_t port, const std::string& target) {
    namespace beast = boost::beast;
    boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port);
    ws_.next_layer().connect(ep);
    ws_.handshake("127.0.0.1:" + std::to_string(port), target);
    reader_ = std::thread([this] {
      beast::error_code ec;
      while (true) {
        beast::flat_buffer b;
        ws_.read(b, ec);
        if (ec) break;
        auto j = json::parse(beast::buffers_to_string(b.data()), nullptr, false);
        std::lock_guard lock(mu_);
        if (j.is_object() && j.value("type", "") == "alert") events_.push_back(j["event"]);
        else other_.push_back(j);
      }
    });
  }
  ~WsClient() {
    boost::beast::error_code ec;
    ws_.next_layer().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    ws_.next_layer().close(ec);
    reader_.join();
  }
  bool WaitUntil(const std::function<bool(const std::vector<json>&)>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        if (pred(events_)) return true;
      }
      std::this_thread::sleep_for(20ms);
    }
    std::lock_guard lock(mu_);
    return pred(events_);
  }
  std::vector<json> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_{io_};
  std::thread reader_;
  std::mutex mu_;
  std::vector<json> events_, other_;
};

// A mosquitto broker on 127.0.0.1:port (anonymous, no persistence).
class Broker {
 public:
  Broker(const TempDir& dir, int port) {
    std::string conf = "listener " + std::to_string(port) + " 127.0.0.1\nallow_anonymous true\npersistence false\n";
    if (::geteuid() == 0) conf += "user root\n";
    const std::string conf_path = dir.Write("mosquitto.conf", conf);
    const std::string log_path = dir.path() + "/mosquitto.log";
    pid_ = ::fork();
    if (pid_ == 0) {
      if (!std::freopen(log_path.c_str(), "a", stdout) || !std::freopen(log_path.c_str(), "a", stderr)) ::_exit(126);
      ::execl(kBroker, "mosquitto", "-c", conf_path.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      int fd = httptest::ConnectLoopback(static_cast<std::uint16_t>(port));
      if (fd >= 0) {
        ::close(fd);
        up_ = true;
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
  }
  ~Broker() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool up() const { return up_; }

 private:
  pid_t pid_ = -1;
  bool up_ = false;
};

int FreeTcpPort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// Sends `data` on a new TCP connection, then waits a little for the server to read it.
void SendTcp(std::uint16_t port, const std::string& data) {
  int fd = httptest::ConnectLoopback(port);
  ASSERT_GE(fd, 0) << "cannot connect to TCP port " << port;
  httptest::SendAll(fd, data);
  ::shutdown(fd, SHUT_WR);
  httptest::ReadFor(fd, 300ms);  // until the server closes or a moment passed
  ::close(fd);
}

void SendUdp(std::uint16_t port, const std::string& datagram) {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket s(io, boost::asio::ip::udp::v4());
  s.send_to(boost::asio::buffer(datagram), {boost::asio::ip::make_address("127.0.0.1"), port});
}

// The files a server needs, in a temporary directory.
struct ServerFiles {
  TempDir dir;
  std::string catalog, sensors, keys, operators, store;
  ServerFiles() {
    catalog = dir.Write("squares.geojson", alert::testing::SquareCatalogJson(alert::testing::RowZones(6, 3)));
    sensors = dir.Write("sensors.json", json::array({{{"id", "RAD-1"},
                                                      {"type", "radar"},
                                                      {"lat", kRadarLat},
                                                      {"lon", kRadarLon},
                                                      {"alt_m", kRadarAlt},
                                                      {"sigma", {{"range_m", 20}, {"azimuth_deg", 0.1}, {"elevation_deg", 0.1}}},
                                                      {"max_range_m", 150000},
                                                      {"period_s", 1},
                                                      {"p_detect", 0.95},
                                                      {"false_per_scan", 0}}})
                                            .dump());
    keys = dir.Write("keys.json", json{{"sensors", {{"RAD-1", {{"hmac_key", kKeyHex}}}}}}.dump());
    json ops = {{"operators",
                 {{{"name", "alice"}, {"role", "operator"}, {"token_sha256", Sha256Hex("tok-alice")}},
                  {{"name", "bob"}, {"role", "supervisor"}, {"token_sha256", Sha256Hex("tok-bob")}},
                  {{"name", "vic"}, {"role", "viewer"}, {"token_sha256", Sha256Hex("tok-vic")}}}}};
    operators = dir.Write("operators.json", ops.dump());
    store = dir.path() + "/events.db";
  }
};

class ServiceE2ETest : public ::testing::Test {
 protected:
  // Starts a Service with every port on "any free port"; `tweak` edits the config first.
  void StartService(const std::function<void(ServeConfig&)>& tweak = {}) {
    ServeConfig c;
    c.zones = files_.catalog;
    c.sensors = files_.sensors;
    c.keys = files_.keys;
    c.operators = files_.operators;
    c.store = files_.store;
    c.http_port = c.tcp_port = c.udp_port = c.asterix_port = c.sapient_port = -1;
    c.asterix_sources = {{1, 2, "RAD-1"}};
    c.sapient_nodes_json = R"({"nodes":{}})";
    c.clock_start = T0;
    c.web_dir = files_.dir.path();  // no console: "/" explains how to build it
    if (tweak) tweak(c);
    c.live.mode = c.mode;
    started_at_ = std::chrono::steady_clock::now();
    auto s = Service::Create(c, log_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    service_ = std::move(s).value();
    Status st = service_->Start();
    ASSERT_TRUE(st.ok()) << st.message();
    ep_ = service_->endpoints();
    ASSERT_NE(ep_.http, 0);
    base_ = "http://127.0.0.1:" + std::to_string(ep_.http);
  }
  // The server's scenario clock now (clock.start + elapsed), seconds.
  double ServerNow() const {
    return T0 + std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
  }
  HttpResult Get(const std::string& path, const std::string& opts = "") { return Curl(opts + "'" + base_ + path + "'"); }
  HttpResult Post(const std::string& path, const std::string& body, const std::string& token) {
    return Curl((token.empty() ? "" : Auth(token)) + PostJson(body) + "'" + base_ + path + "'");
  }
  std::string IssueOne(const std::string& zone, const std::string& token = "tok-alice") {
    auto r = Post("/api/operator/alerts", R"({"zones":[")" + zone + R"("],"category":"drone","note":"e2e"})", token);
    EXPECT_EQ(r.code, 200) << r.body;
    auto j = r.Json();
    if (!j.is_object() || !j.contains("alerts") || j["alerts"].empty()) {
      ADD_FAILURE() << "no alert id in " << r.body;
      return "";
    }
    return j["alerts"][0];
  }
  std::string Metrics() { return Get("/metrics").body; }

  void TearDown() override {
    if (service_) service_->Stop();
  }

  ServerFiles files_;
  std::ostringstream log_;
  std::unique_ptr<Service> service_;
  ServiceEndpoints ep_;
  std::string base_;
  std::chrono::steady_clock::time_point started_at_;
};

TEST_F(ServiceE2ETest, ApiAndFeedsAnswerCurlAndCapValidatesAgainstTheOfficialXsd) {
  REQUIRE_PROGRAM(kCurl);
  StartService([](ServeConfig& c) { c.alerts_in_ua_tokens = {"ua-secret"}; });

  auto health = Get("/api/health");
  ASSERT_EQ(health.code, 200) << health.body;
  EXPECT_EQ(health.Json()["status"], "ok");
  EXPECT_EQ(health.Json()["mode"], "live");
  EXPECT_NEAR(health.Json()["time"].get<double>(), T0, 60);

  auto zones = Get("/api/zones");
  ASSERT_EQ(zones.code, 200);
  EXPECT_EQ(zones.Json()["type"], "FeatureCollection");
  EXPECT_EQ(zones.Json()["features"].size(), 6u);

  auto active = Get("/api/alerts/active");
  ASSERT_EQ(active.code, 200);
  EXPECT_TRUE(active.Json()["alerts"].empty()) << active.body;

  auto sensors = Get("/api/sensors");
  ASSERT_EQ(sensors.code, 200);
  EXPECT_EQ(sensors.Json()["sensors"][0]["id"], "RAD-1") << sensors.body;

  // alerts.in.ua before any alert: token required.
  EXPECT_EQ(Get("/v1/alerts/active.json").code, 401);
  EXPECT_EQ(Get("/v1/alerts/active.json", Auth("wrong")).code, 401);

  const std::string id = IssueOne("Z1");
  ASSERT_FALSE(id.empty());

  active = Get("/api/alerts/active");
  bool found = false;
  const json active_json = active.Json();
  for (const auto& a : active_json["alerts"])
    if (a["alert"] == id) {
      found = true;
      EXPECT_EQ(a["zone"], "Z1");
      EXPECT_EQ(a["kind"], "alert");
      EXPECT_EQ(a["manual"], true);
      EXPECT_EQ(a["category"], "drone");
    }
  EXPECT_TRUE(found) << id << " not in " << active.body;

  auto metrics = Get("/metrics");
  ASSERT_EQ(metrics.code, 200);
  EXPECT_NE(metrics.Header("Content-Type").find("text/plain"), std::string::npos);
  EXPECT_GE(Metric(metrics.body, "tocsin_active_alerts"), 1) << metrics.body;
  EXPECT_GE(Metric(metrics.body, "tocsin_operator_actions_total"), 1);
  EXPECT_NE(metrics.body.find("# TYPE tocsin_decision_latency_seconds histogram"), std::string::npos);

  // HFC (Pikud HaOref) Alerts.json: the zone under alert is listed.
  auto oref = Get("/warningMessages/alert/Alerts.json");
  ASSERT_EQ(oref.code, 200);
  EXPECT_NE(oref.body.find("Z1"), std::string::npos) << oref.body;
  auto oref_hist = Get("/warningMessages/alert/History/AlertsHistory.json");
  EXPECT_EQ(oref_hist.code, 200);
  EXPECT_FALSE(json::parse(oref_hist.body, nullptr, false).is_discarded()) << oref_hist.body;

  // alerts.in.ua: with the token, then If-Modified-Since -> 304.
  auto ua = Get("/v1/alerts/active.json", Auth("ua-secret"));
  ASSERT_EQ(ua.code, 200) << ua.body;
  EXPECT_FALSE(ua.Json().is_discarded()) << ua.body;
  EXPECT_TRUE(ua.Json().contains("alerts")) << ua.body;
  const std::string lm = ua.Header("Last-Modified");
  ASSERT_FALSE(lm.empty()) << ua.headers;
  auto ua304 = Get("/v1/alerts/active.json", Auth("ua-secret") + "-H 'If-Modified-Since: " + lm + "' ");
  EXPECT_EQ(ua304.code, 304) << ua304.headers;
  EXPECT_TRUE(ua304.body.empty());
  EXPECT_EQ(Get("/v1/alerts/active.json", "-H 'If-Modified-Since: " + lm + "' ").code, 401);

  // CAP: the Atom feed and every CAP message validate against the official XSD.
  auto atom = Get("/cap/atom.xml");
  ASSERT_EQ(atom.code, 200);
  EXPECT_NE(atom.body.find("<feed"), std::string::npos);
  EXPECT_NE(atom.body.find("<status>Actual</status>"), std::string::npos) << atom.body;
  // /cap/alerts/<CAP identifier>.xml serves each message of the feed on its own.
  const std::regex ident_re("<identifier>([^<]*" + id + ")</identifier>");
  std::smatch ident;
  ASSERT_TRUE(std::regex_search(atom.body, ident, ident_re)) << "no CAP identifier for " << id << " in\n" << atom.body;
  auto msg = Get("/cap/alerts/" + ident[1].str() + ".xml");
  ASSERT_EQ(msg.code, 200) << msg.body;
  EXPECT_NE(msg.body.find("<msgType>Alert</msgType>"), std::string::npos) << msg.body;
  EXPECT_EQ(Get("/cap/alerts/A-999999.xml").code, 404);
  const std::string xsd = publish::testing::CapXsd();
  if (!HaveProgram(kXmllint) || ::access(xsd.c_str(), R_OK) != 0) {
    GTEST_SKIP() << "xmllint or " << xsd << " missing: CAP not validated against the XSD";
  }
  // Each <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"> element of the feed, as its own document.
  std::vector<std::string> messages = {msg.body};
  const std::regex alert_re(R"(<(\w+:)?alert\b[^>]*urn:oasis:names:tc:emergency:cap:1\.2[^>]*>)");
  for (std::sregex_iterator it(atom.body.begin(), atom.body.end(), alert_re), end; it != end; ++it) {
    const std::string prefix = (*it)[1].str();
    const std::size_t start = static_cast<std::size_t>(it->position());
    const std::string close = "</" + prefix + "alert>";
    const std::size_t stop = atom.body.find(close, start);
    ASSERT_NE(stop, std::string::npos);
    messages.push_back("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
                       atom.body.substr(start, stop + close.size() - start));
  }
  EXPECT_GE(messages.size(), 2u) << "no CAP message embedded in the Atom feed:\n" << atom.body;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string f = files_.dir.Write("cap-" + std::to_string(i) + ".xml", messages[i]);
    auto v = RunCommand(std::string(kXmllint) + " --noout --schema '" + xsd + "' '" + f + "'");
    EXPECT_EQ(v.exit_code, 0) << "CAP message " << i << " does not validate:\n" << v.output << "\n" << messages[i];
  }
}

TEST_F(ServiceE2ETest, ExerciseModeIsMarkedOnEveryChannelAndNeverLooksActual) {
  REQUIRE_PROGRAM(kCurl);
  StartService([](ServeConfig& c) { c.mode = Mode::kExercise; });
  EXPECT_EQ(Get("/api/health").Json()["mode"], "exercise");
  SseClient sse(ep_.http, "/api/stream?zones=Z0");
  ASSERT_TRUE(sse.WaitForText("event: hello", 3s)) << sse.raw();
  const std::string id = IssueOne("Z0");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(sse.WaitUntil([](const std::vector<json>& evs) { return CountEvents(evs, "start", "Z0") == 1; }, 3s))
      << sse.raw();
  for (const auto& e : sse.Events()) EXPECT_EQ(e.value("mode", ""), "exercise") << e.dump();
  const std::string atom = Get("/cap/atom.xml").body;
  EXPECT_NE(atom.find("<status>Exercise</status>"), std::string::npos) << atom;
  EXPECT_EQ(atom.find("<status>Actual</status>"), std::string::npos) << atom;
}

TEST_F(ServiceE2ETest, OperatorApiEnforcesTokensRolesAndTheTwoPersonRule) {
  REQUIRE_PROGRAM(kCurl);
  StartService();
  const std::string body = R"({"zones":["Z0"]})";
  EXPECT_EQ(Post("/api/operator/alerts", body, "").code, 401);
  EXPECT_EQ(Post("/api/operator/alerts", body, "not-a-token").code, 401);
  EXPECT_EQ(Post("/api/operator/alerts", body, "tok-vic").code, 403);
  EXPECT_EQ(Post("/api/operator/cancel", R"({"all":true})", "tok-vic").code, 403);
  EXPECT_EQ(Post("/api/operator/alerts", "not json", "tok-alice").code, 400);
  EXPECT_EQ(Post("/api/operator/alerts", R"({"zones":["nope"]})", "tok-alice").code, 400);
  EXPECT_EQ(Get("/api/operator/whoami").code, 401);
  auto who = Get("/api/operator/whoami", Auth("tok-vic"));
  EXPECT_EQ(who.Json()["operator"], "vic");
  EXPECT_EQ(who.Json()["role"], "viewer");
  EXPECT_TRUE(Get("/api/alerts/active").Json()["alerts"].empty()) << "refused requests must not alert";

  // Z2 (region R0) + Z3 (R1): pending until a second operator confirms.
  auto pending = Post("/api/operator/alerts", R"({"zones":["Z2","Z3"],"category":"ballistic_missile"})", "tok-alice");
  ASSERT_EQ(pending.code, 202) << pending.body;
  EXPECT_EQ(pending.Json()["status"], "pending");
  const std::string req = pending.Json()["request"];
  EXPECT_EQ(pending.Json()["regions"], json::array({"R0", "R1"}));
  EXPECT_TRUE(Get("/api/alerts/active").Json()["alerts"].empty()) << "a pending request must not alert yet";
  EXPECT_EQ(Post("/api/operator/requests/" + req + "/confirm", "{}", "tok-alice").code, 403);
  EXPECT_EQ(Post("/api/operator/requests/" + req + "/confirm", "{}", "tok-vic").code, 403);
  auto ok = Post("/api/operator/requests/" + req + "/confirm", "{}", "tok-bob");
  ASSERT_EQ(ok.code, 200) << ok.body;
  EXPECT_EQ(ok.Json()["alerts"].size(), 2u);
  // Each zone also gets a pre-alert: listed in "prealerts", and with the alerts in "ids".
  const json issued = ok.Json();
  ASSERT_EQ(issued["prealerts"].size(), 2u) << ok.body;
  for (const auto& p : issued["prealerts"]) EXPECT_EQ(p.get<std::string>().rfind("P-", 0), 0u) << ok.body;
  EXPECT_EQ(issued["ids"].size(), 4u) << ok.body;
  EXPECT_EQ(Post("/api/operator/requests/" + req + "/confirm", "{}", "tok-bob").code, 404);
  int alerts = 0;
  const json after_confirm = Get("/api/alerts/active").Json();
  for (const auto& a : after_confirm["alerts"]) alerts += a["kind"] == "alert";
  EXPECT_EQ(alerts, 2);

  auto cancel = Post("/api/operator/cancel", R"({"all":true})", "tok-bob");
  EXPECT_EQ(cancel.code, 200) << cancel.body;
  std::set<std::string> issued_ids, cancelled_ids;
  for (const auto& id : issued["ids"]) issued_ids.insert(id.get<std::string>());
  const json cancelled = cancel.Json();
  for (const auto& id : cancelled["alerts"]) cancelled_ids.insert(id.get<std::string>());
  EXPECT_EQ(cancelled_ids, issued_ids) << "a cancel ends exactly what the issue answer listed: " << cancel.body;
  bool cleared = false;
  for (int i = 0; i < 50 && !cleared; ++i) {
    cleared = Get("/api/alerts/active").Json()["alerts"].empty();
    if (!cleared) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(cleared);

  auto audit = Get("/api/operator/audit", Auth("tok-vic"));
  ASSERT_EQ(audit.code, 200);
  std::set<std::string> who_acted;
  const json audit_json = audit.Json();
  for (const auto& e : audit_json["entries"]) who_acted.insert(e["operator"].get<std::string>());
  EXPECT_TRUE(who_acted.count("alice") && who_acted.count("bob")) << audit.body;
  EXPECT_GE(audit.Json()["entries"].size(), 4u) << audit.body;  // pending, self-confirm refused, confirm, cancel
}

TEST_F(ServiceE2ETest, SseAndWebSocketStreamAStartAndItsEndFilteredByZone) {
  REQUIRE_PROGRAM(kCurl);
  StartService();
  SseClient z1(ep_.http, "/api/stream?zones=Z1");
  SseClient z4(ep_.http, "/api/stream?zones=Z4");
  SseClient all(ep_.http, "/api/stream");
  ASSERT_TRUE(z1.WaitForText("event: hello", 3s)) << z1.raw();
  ASSERT_TRUE(z4.WaitForText("event: hello", 3s)) << z4.raw();
  ASSERT_TRUE(all.WaitForText("event: hello", 3s)) << all.raw();
  EXPECT_NE(z1.raw().find("text/event-stream"), std::string::npos);
  WsClient ws(ep_.http, "/api/ws?zones=Z1");
  EXPECT_EQ(Curl("'" + base_ + "/api/stream?zones=nope'").code, 400);
  std::this_thread::sleep_for(100ms);  // subscriptions registered

  const std::string id = IssueOne("Z1");
  ASSERT_FALSE(id.empty());
  auto has_start = [&](const std::vector<json>& evs) { return CountEvents(evs, "start", "Z1") == 1; };
  ASSERT_TRUE(z1.WaitUntil(has_start, 3s)) << z1.raw();
  ASSERT_TRUE(ws.WaitUntil(has_start, 3s));
  auto cancel = Post("/api/operator/cancel", R"({"alert":")" + id + R"("})", "tok-bob");
  ASSERT_EQ(cancel.code, 200) << cancel.body;
  auto has_end = [&](const std::vector<json>& evs) { return CountEvents(evs, "end", "Z1") == 1; };
  ASSERT_TRUE(z1.WaitUntil(has_end, 3s)) << z1.raw();
  ASSERT_TRUE(ws.WaitUntil(has_end, 3s));
  ASSERT_TRUE(all.WaitUntil(has_end, 3s)) << all.raw();
  z4.Drain(200ms);

  for (const auto& e : z1.Events()) {
    EXPECT_EQ(e["zone"], "Z1") << e.dump();
    if (e["event"] == "start") {
      EXPECT_EQ(e["alert"], id);
      EXPECT_EQ(e["manual"], true);
      EXPECT_EQ(e["category"], "drone");
    }
    if (e["event"] == "end") {
      EXPECT_EQ(e["alert"], id);
      EXPECT_EQ(e["reason"], "operator");
    }
  }
  for (const auto& e : ws.events()) EXPECT_EQ(e["zone"], "Z1") << e.dump();
  EXPECT_EQ(CountEvents(ws.events(), "start", "Z1"), 1);
  EXPECT_TRUE(z4.Events().empty()) << "a Z4 subscriber got Z1 events:\n" << z4.raw();
  EXPECT_EQ(CountEvents(all.Events(), "start", "Z1"), 1);

  const std::string m = Metrics();
  EXPECT_GE(Metric(m, "tocsin_stream_subscribers"), 4) << m;
  EXPECT_EQ(Metric(m, "tocsin_stream_dropped_total"), 0);
}

TEST_F(ServiceE2ETest, MqttCarriesARetainedStatePerZoneToMosquittoSub) {
  REQUIRE_PROGRAM(kBroker);
  REQUIRE_PROGRAM(kSub);
  REQUIRE_PROGRAM(kCurl);
  TempDir broker_dir;
  const int port = FreeTcpPort();
  Broker broker(broker_dir, port);
  ASSERT_TRUE(broker.up()) << "mosquitto did not start on port " << port;
  StartService([port](ServeConfig& c) {
    c.mqtt_host = "127.0.0.1";
    c.mqtt_port = port;
  });
  const std::string id = IssueOne("Z2");
  ASSERT_FALSE(id.empty());
  // Published after the decision is stored; wait for the broker's acknowledgement.
  for (int i = 0; i < 100 && Metric(Metrics(), "tocsin_mqtt_published_total") < 1; ++i) std::this_thread::sleep_for(30ms);
  // A subscriber connecting afterwards gets the retained state at once.
  auto r = RunCommand(std::string(kSub) + " -h 127.0.0.1 -p " + std::to_string(port) +
                      " -C 1 -W 10 -v -t tocsin/live/zones/Z2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto sp = r.output.find(' ');
  ASSERT_NE(sp, std::string::npos) << r.output;
  EXPECT_EQ(r.output.substr(0, sp), "tocsin/live/zones/Z2");
  auto state = json::parse(r.output.substr(sp + 1), nullptr, false);
  EXPECT_EQ(state.value("state", ""), "alert") << r.output;
  EXPECT_EQ(state.value("alert", ""), id) << r.output;
  // Nothing under the exercise tree in live mode.
  auto ex = RunCommand(std::string(kSub) + " -h 127.0.0.1 -p " + std::to_string(port) +
                       " -C 1 -W 1 -v -t 'tocsin/exercise/#'");
  EXPECT_EQ(ex.output.find("tocsin/exercise/"), std::string::npos) << ex.output;
}

std::string Rejected(const std::string& m, const std::string& listener, const std::string& reason) {
  return std::to_string(static_cast<long long>(
      Metric(m, "tocsin_ingest_rejected_total", "listener=\"" + listener + "\",reason=\"" + reason + "\"")));
}

TEST_F(ServiceE2ETest, EveryIngestPortAcceptsSignedInputAndCountsHostileInputWithoutFalling) {
  REQUIRE_PROGRAM(kCurl);
  StartService();
  ASSERT_NE(ep_.tcp, 0);
  ASSERT_NE(ep_.udp, 0);
  ASSERT_NE(ep_.asterix, 0);
  ASSERT_NE(ep_.sapient, 0);
  const ingest::net::HmacKey key(*ingest::net::HexDecode(kKeyHex));
  auto report = [&](double t, double range) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  R"({"sensor":"RAD-1","time":%.3f,"kind":"radar","range_m":%.1f,"azimuth_deg":90.0,"elevation_deg":1.0})",
                  t, range);
    return std::string(buf);
  };
  const double now = ServerNow();
  // Signed lines over TCP and UDP: accepted.
  std::string tcp_lines;
  for (int i = 0; i < 5; ++i) tcp_lines += ingest::net::SignLine(report(now - 5 + i, 20000 + i), key) + "\n";
  SendTcp(ep_.tcp, tcp_lines);
  SendUdp(ep_.udp, ingest::net::SignLine(report(now - 0.5, 30000), key) + "\n");

  // Hostile lines over TCP: unsigned, bad MAC, unknown sensor, malformed, replayed, stale, oversized.
  std::string bad = report(now - 1, 25000) + "\n";                                              // missing_mac
  bad += report(now - 1, 25001) + "\thmac=" + std::string(64, '0') + "\n";                     // bad_mac
  std::string ghost = report(now - 1, 25002);
  ghost.replace(ghost.find("RAD-1"), 5, "GHOST");
  bad += ingest::net::SignLine(ghost, key) + "\n";                                              // unknown_sensor
  bad += ingest::net::SignLine(R"({"sensor":"RAD-1","time":"soon","kind":"radar"})", key) + "\n";  // malformed
  bad += "not json at all\n";                                                                   // malformed
  bad += ingest::net::SignLine(report(now - 5, 20000), key) + "\n";                             // replay
  bad += ingest::net::SignLine(report(now - 3600, 20000), key) + "\n";                          // stale
  SendTcp(ep_.tcp, bad);
  SendTcp(ep_.tcp, std::string(70000, 'x') + "\n");                                             // too_long
  // And over UDP.
  SendUdp(ep_.udp, report(now - 1, 26000) + "\n");
  SendUdp(ep_.udp, report(now - 1, 26001) + "\thmac=" + std::string(64, 'f') + "\n");
  SendUdp(ep_.udp, ingest::net::SignLine(ghost, key) + "\n");
  SendUdp(ep_.udp, "{\"sensor\":\n");
  SendUdp(ep_.udp, std::string(60000, '{'));
  // Garbage to the ASTERIX UDP port and the SAPIENT TCP port.
  SendUdp(ep_.asterix, std::string("\x30\x00\x02", 3));                // CAT048 with a length shorter than its header
  SendUdp(ep_.asterix, std::string("\x30\x00\x06\xff\xff\xff", 6));    // a record whose FSPEC never ends
  SendUdp(ep_.asterix, std::string("\x30\xff\xff garbage", 12));      // length beyond the datagram
  SendUdp(ep_.asterix, std::string(1000, '\xff'));
  SendTcp(ep_.sapient, std::string("\x00\x00\x00\x05hello", 9));
  SendTcp(ep_.sapient, std::string("\xff\xff\xff\xff", 4) + std::string(100, 'a'));
  SendTcp(ep_.sapient, "GET / HTTP/1.1\r\n\r\n");

  std::string m;
  for (int i = 0; i < 50; ++i) {
    m = Metrics();
    if (Metric(m, "tocsin_ingest_accepted_total", "listener=\"json\",sensor=\"RAD-1\"") >= 6 &&
        Metric(m, "tocsin_reports_processed_total") >= 6)
      break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(Metric(m, "tocsin_ingest_accepted_total", "listener=\"json\",sensor=\"RAD-1\""), 6) << m;
  EXPECT_GE(Metric(m, "tocsin_reports_submitted_total"), 6);
  EXPECT_EQ(Rejected(m, "json", "missing_mac"), "2") << m;
  EXPECT_EQ(Rejected(m, "json", "bad_mac"), "2");
  EXPECT_EQ(Rejected(m, "json", "unknown_sensor"), "2");
  EXPECT_EQ(Rejected(m, "json", "replay"), "1");
  EXPECT_EQ(Rejected(m, "json", "stale"), "1");
  EXPECT_EQ(Rejected(m, "json", "too_long"), "1");
  // Malformed: 2 over TCP, the truncated object over UDP; the 60000-byte datagram is
  // counted as malformed or too long.
  const double udp_big = std::stod(Rejected(m, "json", "malformed")) + std::stod(Rejected(m, "json", "too_long"));
  EXPECT_EQ(udp_big, 3 + 1 + 1) << m;
  EXPECT_EQ(std::stod(Rejected(m, "asterix", "malformed")), 4) << m;
  double sapient_rejected = 0;
  for (const char* r : {"malformed", "too_long", "unauthenticated", "unknown_node", "unsupported"})
    sapient_rejected += std::stod(Rejected(m, "sapient", r));
  EXPECT_GE(sapient_rejected, 3) << m;

  // The server still answers, and still accepts good input.
  auto health = Get("/api/health");
  EXPECT_EQ(health.code, 200);
  EXPECT_EQ(health.Json()["status"], "ok");
  SendTcp(ep_.tcp, ingest::net::SignLine(report(ServerNow(), 21000), key) + "\n");
  for (int i = 0; i < 50 && Metric(Metrics(), "tocsin_ingest_accepted_total", "listener=\"json\",sensor=\"RAD-1\"") < 7; ++i)
    std::this_thread::sleep_for(50ms);
  EXPECT_EQ(Metric(Metrics(), "tocsin_ingest_accepted_total", "listener=\"json\",sensor=\"RAD-1\""), 7);
}


TEST_F(ServiceE2ETest, SignedRadarPlotsOfADroneBecomeATrackAndAnAlertOnTheStream) {
  REQUIRE_PROGRAM(kCurl);
  StartService();
  SseClient sse(ep_.http, "/api/stream");
  ASSERT_TRUE(sse.WaitForText("event: hello", 3s));
  const ingest::net::HmacKey key(*ingest::net::HexDecode(kKeyHex));
  // A drone flying east at 50 m/s, 300 m up, along lat 48.05 towards Z0 (west edge lon 30.0):
  // 20 plots, one a second, ending 2 km west of Z0 (~40 s out).
  const LocalTangentPlane plane({48.05, 30.0});
  const double end_t = ServerNow() - 0.5;
  std::string lines;
  for (int i = 0; i < 20; ++i) {
    const double t = end_t - 19 + i;
    const LatLon p = plane.Reverse(-2000.0 - 50.0 * (19 - i), 0);
    lines += ingest::net::SignLine(RadarLine(t, p.lat, p.lon, 300), key) + "\n";
  }
  SendTcp(ep_.tcp, lines);
  json tracks;
  for (int i = 0; i < 60; ++i) {
    tracks = Get("/api/tracks").Json();
    if (tracks.is_object() && !tracks["tracks"].empty()) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(tracks.is_object() && !tracks["tracks"].empty())
      << "no track from 20 signed radar plots; metrics:\n" << Metrics() << "\nlog:\n" << log_.str();
  const json& trk = tracks["tracks"][0];
  EXPECT_NEAR(trk["lat"].get<double>(), 48.05, 0.02) << trk.dump();
  EXPECT_NEAR(trk["heading_deg"].get<double>(), 90, 15) << trk.dump();
  EXPECT_NEAR(trk["speed_mps"].get<double>(), 50, 20) << trk.dump();
  // The tracker, predictor and alert engine warn Z0 ahead of the drone.
  const bool alerted = sse.WaitUntil(
      [](const std::vector<json>& evs) {
        for (const auto& e : evs)
          if ((e.value("event", "") == "start" || e.value("event", "") == "prestart") && e.value("zone", "") == "Z0")
            return true;
        return false;
      },
      5s);
  EXPECT_TRUE(alerted) << "no start/prestart for Z0 on SSE; stream:\n" << sse.raw() << "\ntrack: " << trk.dump();
  for (const auto& e : sse.Events())
    if (e.value("event", "") == "start") {
      EXPECT_FALSE(e["threats"].empty()) << e.dump();
      EXPECT_NE(e.value("manual", false), true) << e.dump();
    }
}

// ---- Durability: the real binary, kill -9, restart on the same store. ----

class ServeProcess {
 public:
  ServeProcess(const std::string& config, const std::string& out_path) {
    pid_ = ::fork();
    if (pid_ == 0) {
      if (!std::freopen(out_path.c_str(), "w", stdout) || !std::freopen((out_path + ".err").c_str(), "w", stderr))
        ::_exit(126);
      ::execl(TOCSIN_BINARY, "tocsin", "serve", "--config", config.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // The HTTP port from the banner ("  API          http://127.0.0.1:PORT/api/health").
    const std::regex api_re(R"(API\s+http://127\.0\.0\.1:(\d+)/api/health)");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::ifstream in(out_path);
      std::stringstream ss;
      ss << in.rdbuf();
      std::smatch m;
      const std::string text = ss.str();
      if (std::regex_search(text, m, api_re)) port_ = std::stoi(m[1]);
      else std::this_thread::sleep_for(50ms);
      int status = 0;
      if (port_ == 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
    }
  }
  ~ServeProcess() { Kill(SIGKILL); }
  void Kill(int sig) {
    if (pid_ > 0) {
      ::kill(pid_, sig);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  int port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ServeDurabilityTest, KillNineAndRestartKeepsOpenAlertsIdsAndPublishesNothingTwice) {
  REQUIRE_PROGRAM(kCurl);
  ServerFiles f;
  json config = {{"zones", f.catalog},
                 {"sensors", f.sensors},
                 {"operators", f.operators},
                 {"store", f.store},
                 {"http", {{"port", -1}, {"web_dir", f.dir.path()}}},
                 {"ingest", {{"tcp_port", -1}, {"udp_port", -1}, {"keys", f.keys}}}};
  const std::string config_path = f.dir.Write("serve.json", config.dump(2));
  const std::string out1 = f.dir.path() + "/serve1.out", out2 = f.dir.path() + "/serve2.out";

  std::string first_id, ended_id;
  {
    ServeProcess p(config_path, out1);
    ASSERT_NE(p.port(), 0) << "tocsin serve did not start:\n" << ReadAll(out1) << ReadAll(out1 + ".err");
    auto a = Curl(Auth("tok-alice") + PostJson(R"({"zones":["Z1"],"category":"drone"})") + "'" + p.base() +
                  "/api/operator/alerts'");
    ASSERT_EQ(a.code, 200) << a.body;
    first_id = a.Json()["alerts"][0];
    auto b = Curl(Auth("tok-alice") + PostJson(R"({"zones":["Z4"]})") + "'" + p.base() + "/api/operator/alerts'");
    ASSERT_EQ(b.code, 200) << b.body;
    ended_id = b.Json()["alerts"][0];
    ASSERT_EQ(Curl(Auth("tok-bob") + PostJson(R"({"alert":")" + ended_id + R"("})") + "'" + p.base() +
                   "/api/operator/cancel'")
                  .code,
              200);
    // The answer comes after the commit: kill -9 right away.
    p.Kill(SIGKILL);
  }

  ServeProcess p(config_path, out2);
  ASSERT_NE(p.port(), 0) << "tocsin serve did not restart on the same store:\n"
                         << ReadAll(out2) << ReadAll(out2 + ".err");
  SseClient sse(static_cast<std::uint16_t>(p.port()), "/api/stream");
  ASSERT_TRUE(sse.WaitForText("event: hello", 3s)) << sse.raw();

  auto active = Curl("'" + p.base() + "/api/alerts/active'").Json();
  int z1_alerts = 0;
  for (const auto& a : active["alerts"]) {
    EXPECT_NE(a["zone"], "Z4") << "the cancelled alert came back: " << active.dump();
    if (a["zone"] == "Z1" && a["kind"] == "alert") {
      ++z1_alerts;
      EXPECT_EQ(a["alert"], first_id) << active.dump();
      EXPECT_EQ(a["manual"], true);
    }
  }
  EXPECT_EQ(z1_alerts, 1) << active.dump();

  auto history = Curl("'" + p.base() + "/api/alerts/history'").Json();
  std::map<std::string, int> seen;  // "event alert" -> count
  for (const auto& e : history["events"]) ++seen[e.value("event", "") + " " + e.value("alert", "")];
  for (const auto& [k, n] : seen) EXPECT_EQ(n, 1) << k << " is in the history " << n << " times: " << history.dump();
  EXPECT_EQ(seen["start " + first_id], 1) << history.dump();
  EXPECT_EQ(seen["start " + ended_id], 1) << history.dump();
  EXPECT_EQ(seen["end " + ended_id], 1) << history.dump();
  EXPECT_EQ(seen.count("end " + first_id), 0u);

  // A new alert takes the next id: no reuse.
  auto c = Curl(Auth("tok-alice") + PostJson(R"({"zones":["Z5"]})") + "'" + p.base() + "/api/operator/alerts'");
  ASSERT_EQ(c.code, 200) << c.body;
  const std::string new_id = c.Json()["alerts"][0];
  auto num = [](const std::string& id) { return std::stoi(id.substr(id.find('-') + 1)); };
  EXPECT_GT(num(new_id), num(first_id));
  EXPECT_GT(num(new_id), num(ended_id));
  EXPECT_EQ(seen.count("start " + new_id), 0u) << new_id << " was already used before the restart";

  // The stream after the restart carries the new start only, never the old one again.
  ASSERT_TRUE(sse.WaitUntil([](const std::vector<json>& evs) { return CountEvents(evs, "start", "Z5") == 1; }, 3s))
      << sse.raw();
  sse.Drain(300ms);
  for (const auto& e : sse.Events()) {
    EXPECT_NE(e.value("alert", ""), first_id) << "repeated after restart: " << e.dump();
    EXPECT_NE(e.value("alert", ""), ended_id) << "repeated after restart: " << e.dump();
  }
  p.Kill(SIGKILL);

  if (!HaveProgram(kSqlite)) GTEST_SKIP() << kSqlite << " not installed: store integrity not checked";
  auto check = RunCommand(std::string(kSqlite) + " '" + f.store + "' 'PRAGMA integrity_check;'");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(check.output, "ok\n");
}

}  // namespace
}  // namespace tocsin::server
