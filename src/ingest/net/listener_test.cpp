// Real sockets on loopback with ephemeral ports: the TCP, UDP, TLS and
// length-prefixed listeners, with LineIngest behind the line listeners.
#include <utility>  // before Boost.Asio 1.74 (awaitable.hpp needs std::exchange under C++20)

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <gtest/gtest.h>

#include "ingest/net/line_ingest.h"
#include "ingest/net/stream_listener.h"
#include "ingest/net/udp_listener.h"

namespace tocsin::ingest::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
using namespace std::chrono_literals;

// An io_context run by two threads, as in tocsin serve.
struct IoThreads {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::vector<std::thread> threads;
  IoThreads() {
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { io.run(); });
  }
  ~IoThreads() {
    work.reset();
    io.stop();
    for (auto& t : threads) t.join();
  }
};

// Records every payload handed to a listener callback.
struct Collector {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<std::string, PeerInfo>> got;

  PayloadCallback Callback() {
    return [this](std::string_view p, const PeerInfo& peer) {
      std::lock_guard lock(mu);
      got.emplace_back(std::string(p), peer);
      cv.notify_all();
    };
  }
  bool WaitFor(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return got.size() >= n; });
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return got.size();
  }
};

// Waits until pred() holds (counters are updated on the io threads).
template <typename Pred>
bool Eventually(Pred pred, std::chrono::milliseconds timeout = 5s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

void SetReceiveTimeout(int fd, int seconds) {
  timeval tv{seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// True when the peer closed the connection (read gives EOF or reset) within 5 s.
bool ClosedByPeer(tcp::socket& s) {
  SetReceiveTimeout(s.native_handle(), 5);
  char buf[64];
  boost::system::error_code ec;
  while (true) {
    s.read_some(asio::buffer(buf), ec);
    if (ec) return ec == asio::error::eof || ec == asio::error::connection_reset;
  }
}

const std::string kKeyHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

std::string RadarJson(double time, const std::string& sensor = "RAD-01", double range = 84210.5) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                R"({"sensor":"%s","time":%.3f,"kind":"radar","range_m":%.1f,"azimuth_deg":131.27,"elevation_deg":0.41})",
                sensor.c_str(), time, range);
  return buf;
}

// A LineIngest fed by a listener callback; outcomes recorded.
struct IngestSink {
  SystemClock clock;
  std::shared_ptr<IngestCounters> counters = std::make_shared<IngestCounters>();
  std::shared_ptr<SensorKeys> keys = std::make_shared<SensorKeys>();
  std::unique_ptr<LineIngest> ingest;
  std::mutex mu;
  std::vector<LineOutcome> outcomes;
  std::vector<std::string> lines;  // keeps the outcomes' views alive

  explicit IngestSink(AuthPolicy policy = AuthPolicy::kRequired) {
    keys->Add("RAD-01", HexDecode(kKeyHex).value());
    keys->Add("AC-0412", "another key, 32 bytes long......");
    LineIngestConfig c;
    c.keys = keys;
    c.policy = policy;
    ingest = std::make_unique<LineIngest>(c, clock, counters);
  }
  PayloadCallback Callback() {
    return [this](std::string_view p, const PeerInfo& peer) {
      std::lock_guard lock(mu);
      lines.emplace_back(p);
      outcomes.push_back(ingest->Process(lines.back(), peer));
    };
  }
  // As Callback, returning whether the line was accepted (ends the auth timeout).
  VerdictCallback Verdict() {
    return [this](std::string_view p, const PeerInfo& peer) {
      std::lock_guard lock(mu);
      lines.emplace_back(p);
      outcomes.push_back(ingest->Process(lines.back(), peer));
      return outcomes.back().ok();
    };
  }
  std::size_t accepted() {
    std::lock_guard lock(mu);
    std::size_t n = 0;
    for (const auto& o : outcomes) n += o.ok();
    return n;
  }
  std::string Sign(const std::string& json, const std::string& sensor = "RAD-01") {
    return SignLine(json, *keys->Find(sensor));
  }
  std::size_t handled() {
    std::lock_guard lock(mu);
    return outcomes.size();
  }
};

TEST(TcpLineListenerTest, AcceptsGoodLinesAndCountsEveryRejection) {
  IoThreads io;
  IngestSink sink;
  StreamListener listener(io.io, StreamListenerConfig{}, sink.Callback(), sink.counters);
  ASSERT_TRUE(listener.Start().ok());
  ASSERT_NE(listener.port(), 0);

  const double now = sink.clock.Now().seconds();
  std::string good = sink.Sign(RadarJson(now));
  std::string bad_mac = sink.Sign(RadarJson(now, "RAD-01", 1000.0));
  bad_mac.back() = bad_mac.back() == 'a' ? 'b' : 'a';
  HmacKey stranger("a key nobody registered..........");
  std::string unknown = SignLine(RadarJson(now, "EVIL-9"), stranger);
  std::string malformed = "{\"sensor\":\"RAD-01\",\"time\":";
  std::string unsigned_line = RadarJson(now, "RAD-01", 5.0);
  std::string all = good + "\n" + bad_mac + "\r\n\n" + unknown + "\n" + good + "\n" + sink.Sign(malformed) + "\n" +
                    unsigned_line + "\n";

  asio::io_context cio;
  tcp::socket s(cio);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  // Send in small pieces so lines straddle reads.
  for (std::size_t i = 0; i < all.size(); i += 7) asio::write(s, asio::buffer(all.data() + i, std::min<std::size_t>(7, all.size() - i)));
  ASSERT_TRUE(Eventually([&] { return sink.handled() == 6; })) << sink.handled();

  auto snap = sink.counters->Snapshot();
  EXPECT_EQ(snap.accepted_total, 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kBadMac), 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kUnknownSensor), 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kReplay), 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kMalformed), 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kMissingMac), 1u);
  EXPECT_EQ(snap.by_sensor.at("RAD-01").accepted, 1u);
  EXPECT_EQ(snap.messages_total, 6u);
  EXPECT_EQ(snap.bytes_total, all.size());
  EXPECT_EQ(snap.connections_open, 1u);
  {
    std::lock_guard lock(sink.mu);
    ASSERT_TRUE(sink.outcomes[0].ok()) << sink.outcomes[0].message;
    EXPECT_EQ(sink.outcomes[0].report->sensor.str(), "RAD-01");
  }
  s.close();
  EXPECT_TRUE(Eventually([&] { return sink.counters->Snapshot().connections_open == 0; }));
}

TEST(TcpLineListenerTest, OverlongLineIsRejectedCountedAndClosesTheConnection) {
  IoThreads io;
  Collector got;
  auto counters = std::make_shared<IngestCounters>();
  StreamListenerConfig c;
  c.max_message_bytes = 1000;
  StreamListener listener(io.io, c, got.Callback(), counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;

  {  // A complete line over the limit.
    tcp::socket s(cio);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
    std::string lines = "short line\n" + std::string(1001, 'x') + "\nnever delivered\n";
    asio::write(s, asio::buffer(lines));
    EXPECT_TRUE(ClosedByPeer(s));
  }
  {  // No newline ever: the server stops buffering at the limit.
    tcp::socket s(cio);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
    std::string endless(200000, 'y');
    boost::system::error_code ec;
    asio::write(s, asio::buffer(endless), ec);  // may fail with a reset once the server closed
    EXPECT_TRUE(ClosedByPeer(s));
  }
  EXPECT_TRUE(Eventually([&] { return counters->Snapshot().rejected_for(RejectReason::kTooLong) == 2; }));
  EXPECT_EQ(got.size(), 1u);
  EXPECT_EQ(got.got[0].first, "short line");
  EXPECT_EQ(got.got[0].second.transport, Transport::kTcp);
  EXPECT_EQ(got.got[0].second.local_port, listener.port());
}

TEST(TcpLineListenerTest, ConnectionsBeyondTheLimitAreRefusedAndCounted) {
  IoThreads io;
  Collector got;
  auto counters = std::make_shared<IngestCounters>();
  StreamListenerConfig c;
  c.max_connections = 1;
  StreamListener listener(io.io, c, got.Callback(), counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  tcp::socket first(cio), second(cio);
  auto ep = tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port());
  first.connect(ep);
  asio::write(first, asio::buffer(std::string("one\n")));
  ASSERT_TRUE(got.WaitFor(1));
  second.connect(ep);
  EXPECT_TRUE(ClosedByPeer(second));
  EXPECT_EQ(counters->Snapshot().rejected_for(RejectReason::kTooManyConnections), 1u);
}

TEST(TcpLineListenerTest, StopClosesConnectionsAndTheListeningSocket) {
  IoThreads io;
  Collector got;
  auto counters = std::make_shared<IngestCounters>();
  auto listener = std::make_unique<StreamListener>(io.io, StreamListenerConfig{}, got.Callback(), counters);
  ASSERT_TRUE(listener->Start().ok());
  auto ep = tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener->port());
  asio::io_context cio;
  tcp::socket s(cio);
  s.connect(ep);
  asio::write(s, asio::buffer(std::string("hello\n")));
  ASSERT_TRUE(got.WaitFor(1));
  listener->Stop();
  EXPECT_TRUE(ClosedByPeer(s));
  EXPECT_TRUE(Eventually([&] {
    tcp::socket t(cio);
    boost::system::error_code ec;
    t.connect(ep, ec);
    return ec == asio::error::connection_refused;
  }));
  listener.reset();  // destroying after Stop while the io threads run is safe
  EXPECT_TRUE(Eventually([&] { return counters->Snapshot().connections_open == 0; }));
}

TEST(TcpLineListenerTest, StartReportsAPortInUse) {
  IoThreads io;
  Collector got;
  auto counters = std::make_shared<IngestCounters>();
  StreamListener a(io.io, StreamListenerConfig{}, got.Callback(), counters);
  ASSERT_TRUE(a.Start().ok());
  StreamListenerConfig c;
  c.port = a.port();
  StreamListener b(io.io, c, got.Callback(), counters);
  Status s = b.Start();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(std::to_string(a.port())), std::string::npos) << s.message();
  StreamListenerConfig bad;
  bad.address = "not-an-ip";
  EXPECT_FALSE(StreamListener(io.io, bad, got.Callback(), counters).Start().ok());
}

TEST(UdpListenerTest, DatagramOfSeveralLinesIsSplitAndAuthenticated) {
  IoThreads io;
  IngestSink sink;
  UdpListener listener(io.io, UdpListenerConfig{}, sink.Callback(), sink.counters);
  ASSERT_TRUE(listener.Start().ok());
  const double now = sink.clock.Now().seconds();
  std::string d = sink.Sign(RadarJson(now)) + "\n" + sink.Sign(RadarJson(now, "RAD-01", 99.0)) + "\n" +
                  RadarJson(now, "RAD-01", 98.0);  // last: unsigned, no trailing newline
  asio::io_context cio;
  udp::socket s(cio, udp::endpoint(udp::v4(), 0));
  s.send_to(asio::buffer(d), udp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  ASSERT_TRUE(Eventually([&] { return sink.handled() == 3; }));
  auto snap = sink.counters->Snapshot();
  EXPECT_EQ(snap.accepted_total, 2u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kMissingMac), 1u);
  std::lock_guard lock(sink.mu);
  EXPECT_EQ(sink.outcomes[0].report->sensor.str(), "RAD-01");
}

TEST(UdpListenerTest, RawModeHandsTheWholeDatagramOver) {
  IoThreads io;
  Collector got;
  auto counters = std::make_shared<IngestCounters>();
  UdpListenerConfig c;
  c.mode = UdpMode::kRaw;
  UdpListener listener(io.io, c, got.Callback(), counters);
  ASSERT_TRUE(listener.Start().ok());
  std::string bytes("\x30\x00\x0b\n\x00\xff", 6);
  asio::io_context cio;
  udp::socket s(cio, udp::endpoint(udp::v4(), 0));
  s.send_to(asio::buffer(bytes), udp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  ASSERT_TRUE(got.WaitFor(1));
  EXPECT_EQ(got.got[0].first, bytes);
  EXPECT_EQ(got.got[0].second.transport, Transport::kUdp);
  EXPECT_EQ(counters->Snapshot().bytes_total, bytes.size());
  listener.Stop();
}

TEST(UdpListenerTest, DatagramsFromOutsideTheAllowListAreDroppedAndCounted) {
  IoThreads io;
  Collector got;
  auto counters = std::make_shared<IngestCounters>();
  UdpListenerConfig c;
  c.mode = UdpMode::kRaw;
  c.allowed_sources = {"192.0.2.7"};
  UdpListener listener(io.io, c, got.Callback(), counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  udp::socket s(cio, udp::endpoint(udp::v4(), 0));
  s.send_to(asio::buffer(std::string("x")), udp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  EXPECT_TRUE(Eventually([&] { return counters->Snapshot().rejected_for(RejectReason::kUnknownSource) == 1; }));
  EXPECT_EQ(got.size(), 0u);

  UdpListenerConfig ok = c;
  ok.allowed_sources = {"192.0.2.7", "127.0.0.1"};
  UdpListener allowed(io.io, ok, got.Callback(), counters);
  ASSERT_TRUE(allowed.Start().ok());
  s.send_to(asio::buffer(std::string("y")), udp::endpoint(asio::ip::make_address("127.0.0.1"), allowed.port()));
  EXPECT_TRUE(got.WaitFor(1));

  UdpListenerConfig bad = c;
  bad.allowed_sources = {"radar.example"};
  EXPECT_FALSE(UdpListener(io.io, bad, got.Callback(), counters).Start().ok());
}

std::string Frame(std::string_view body) {
  std::uint32_t n = static_cast<std::uint32_t>(body.size());
  std::string f{char(n & 0xff), char((n >> 8) & 0xff), char((n >> 16) & 0xff), char((n >> 24) & 0xff)};
  return f + std::string(body);
}

TEST(FrameListenerTest, LengthPrefixedFramesAreReassembledAndOversizeCloses) {
  IoThreads io;
  Collector got;
  auto counters = std::make_shared<IngestCounters>();
  StreamListenerConfig c;
  c.framing = Framing::kLengthPrefixed;
  c.max_message_bytes = 100;
  StreamListener listener(io.io, c, got.Callback(), counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  tcp::socket s(cio);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  std::string body1("a\n\0b", 4), body2(100, 'z');
  std::string all = Frame(body1) + Frame("") + Frame(body2);
  for (char ch : all) asio::write(s, asio::buffer(&ch, 1));
  ASSERT_TRUE(got.WaitFor(3));
  EXPECT_EQ(got.got[0].first, body1);
  EXPECT_EQ(got.got[1].first, "");
  EXPECT_EQ(got.got[2].first, body2);
  asio::write(s, asio::buffer(Frame(std::string(101, 'q'))));
  EXPECT_TRUE(ClosedByPeer(s));
  EXPECT_EQ(counters->Snapshot().rejected_for(RejectReason::kTooLong), 1u);
  EXPECT_EQ(got.size(), 3u);
}

// --- TLS ---------------------------------------------------------------------

bool HaveOpenssl() { return std::system("openssl version > /dev/null 2>&1") == 0; }

// Makes a self-signed certificate + key (EC P-256) with subject CN=cn.
bool MakeCert(const std::filesystem::path& dir, const std::string& name, const std::string& cn) {
  std::string cmd = "cd '" + dir.string() + "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj '/CN=" +
                    cn + "' -keyout " + name + ".key -out " + name + ".crt > /dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

struct TlsFixture : ::testing::Test {
  std::filesystem::path dir;
  void SetUp() override {
    if (!HaveOpenssl()) GTEST_SKIP() << "the openssl binary is missing (apt-get install openssl); TLS tests need it to make certificates";
    dir = std::filesystem::temp_directory_path() / ("tocsin-tls-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    ASSERT_TRUE(MakeCert(dir, "server", "localhost"));
    ASSERT_TRUE(MakeCert(dir, "client", "RAD-01"));
    ASSERT_TRUE(MakeCert(dir, "stranger", "RAD-01"));  // same CN, not trusted by the server
  }
  void TearDown() override {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  StreamListenerConfig ServerConfig() {
    StreamListenerConfig c;
    c.tls = TlsServerConfig{(dir / "server.crt").string(), (dir / "server.key").string(), (dir / "client.crt").string()};
    return c;
  }
  // A client context trusting the server; with the named certificate, or none.
  asio::ssl::context ClientContext(const std::string& cert) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file((dir / "server.crt").string());
    ctx.set_verify_mode(asio::ssl::verify_peer);
    if (!cert.empty()) {
      ctx.use_certificate_file((dir / (cert + ".crt")).string(), asio::ssl::context::pem);
      ctx.use_private_key_file((dir / (cert + ".key")).string(), asio::ssl::context::pem);
    }
    return ctx;
  }
};

TEST_F(TlsFixture, ClientCertificateAuthenticatesItsSensorOnly) {
  IoThreads io;
  IngestSink sink;
  StreamListener listener(io.io, ServerConfig(), sink.Callback(), sink.counters);
  Status st = listener.Start();
  ASSERT_TRUE(st.ok()) << st.message();
  asio::io_context cio;
  asio::ssl::context ctx = ClientContext("client");
  asio::ssl::stream<tcp::socket> s(cio, ctx);
  s.lowest_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  s.handshake(asio::ssl::stream_base::client);
  const double now = sink.clock.Now().seconds();
  // Unsigned lines are fine over TLS: the certificate authenticates RAD-01. A line of
  // another sensor is refused.
  std::string lines = RadarJson(now) + "\n" + RadarJson(now, "AC-0412") + "\n";
  asio::write(s, asio::buffer(lines));
  ASSERT_TRUE(Eventually([&] { return sink.handled() == 2; }));
  auto snap = sink.counters->Snapshot();
  EXPECT_EQ(snap.accepted_total, 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kSensorMismatch), 1u);
  std::lock_guard lock(sink.mu);
  ASSERT_TRUE(sink.outcomes[0].ok()) << sink.outcomes[0].message;
  EXPECT_EQ(sink.outcomes[1].reason, RejectReason::kSensorMismatch);
}

// Writes a line and expects the server to have refused the connection: the line
// never reaches the callback, and tls_handshake is counted.
void ExpectRefused(asio::ssl::stream<tcp::socket>& s, IngestSink& sink) {
  boost::system::error_code ec;
  s.handshake(asio::ssl::stream_base::client, ec);  // TLS 1.3: may "succeed" client-side
  if (!ec) {
    asio::write(s, asio::buffer(RadarJson(sink.clock.Now().seconds()) + "\n"), ec);
    SetReceiveTimeout(s.lowest_layer().native_handle(), 5);
    char buf[16];
    s.read_some(asio::buffer(buf), ec);
    EXPECT_TRUE(ec) << "the server answered a client it should have refused";
  }
  EXPECT_TRUE(Eventually([&] { return sink.counters->Snapshot().rejected_for(RejectReason::kTlsHandshake) == 1; }));
  EXPECT_EQ(sink.handled(), 0u);
}

TEST_F(TlsFixture, ClientWithoutACertificateIsRefused) {
  IoThreads io;
  IngestSink sink;
  StreamListener listener(io.io, ServerConfig(), sink.Callback(), sink.counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  asio::ssl::context ctx = ClientContext("");
  asio::ssl::stream<tcp::socket> s(cio, ctx);
  s.lowest_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  ExpectRefused(s, sink);
}

TEST_F(TlsFixture, ClientWithAnUntrustedCertificateIsRefused) {
  IoThreads io;
  IngestSink sink;
  StreamListener listener(io.io, ServerConfig(), sink.Callback(), sink.counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  asio::ssl::context ctx = ClientContext("stranger");
  asio::ssl::stream<tcp::socket> s(cio, ctx);
  s.lowest_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  ExpectRefused(s, sink);
}

TEST_F(TlsFixture, PlainTcpClientOnTheTlsPortIsRefused) {
  IoThreads io;
  IngestSink sink;
  StreamListener listener(io.io, ServerConfig(), sink.Callback(), sink.counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  tcp::socket s(cio);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  asio::write(s, asio::buffer(RadarJson(sink.clock.Now().seconds()) + "\n"));
  EXPECT_TRUE(ClosedByPeer(s));
  EXPECT_TRUE(Eventually([&] { return sink.counters->Snapshot().rejected_for(RejectReason::kTlsHandshake) == 1; }));
  EXPECT_EQ(sink.handled(), 0u);
}

// The CA flow of docs/ingest-auth.md: a sensor CA signs the sensor's certificate.
TEST_F(TlsFixture, CaSignedClientCertificateIsAccepted) {
  const std::string d = "cd '" + dir.string() + "' && ";
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
  ASSERT_EQ(std::system((d + "openssl req -x509" + ec + "-days 2 -subj '/CN=Tocsin sensor CA' -keyout sensor-ca.key -out sensor-ca.crt > /dev/null 2>&1").c_str()), 0);
  ASSERT_EQ(std::system((d + "openssl req" + ec + "-subj '/CN=AC-0412' -keyout ac.key -out ac.csr > /dev/null 2>&1").c_str()), 0);
  ASSERT_EQ(std::system((d + "openssl x509 -req -in ac.csr -CA sensor-ca.crt -CAkey sensor-ca.key -CAcreateserial -days 2 -out ac.crt > /dev/null 2>&1").c_str()), 0);
  IoThreads io;
  IngestSink sink;
  StreamListenerConfig c = ServerConfig();
  c.tls->ca_file = (dir / "sensor-ca.crt").string();
  StreamListener listener(io.io, c, sink.Callback(), sink.counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  asio::ssl::context ctx = ClientContext("ac");
  asio::ssl::stream<tcp::socket> s(cio, ctx);
  s.lowest_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  s.handshake(asio::ssl::stream_base::client);
  asio::write(s, asio::buffer(RadarJson(sink.clock.Now().seconds(), "AC-0412") + "\n"));
  ASSERT_TRUE(Eventually([&] { return sink.handled() == 1; }));
  std::lock_guard lock(sink.mu);
  EXPECT_TRUE(sink.outcomes[0].ok()) << sink.outcomes[0].message;
  EXPECT_EQ(sink.counters->Snapshot().by_sensor.at("AC-0412").accepted, 1u);
}

TEST_F(TlsFixture, UnreadableCertificateFilesFailStartWithTheirPaths) {
  IoThreads io;
  IngestSink sink;
  StreamListenerConfig c = ServerConfig();
  c.tls->cert_file = (dir / "missing.crt").string();
  StreamListener listener(io.io, c, sink.Callback(), sink.counters);
  Status s = listener.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("missing.crt"), std::string::npos) << s.message();
}

// Squatting: connections that authenticate nothing, or go silent, are closed on a
// timer, so they cannot hold the max_connections slots.

// True when the peer closes the connection within `limit` (EOF or reset); false when
// it is still open then. Bounded (plain recv with SO_RCVTIMEO: asio's blocking read
// would wait forever), so a timeout that never fires fails the test instead of hanging.
bool ClosedWithin(tcp::socket& s, std::chrono::milliseconds limit = 3000ms) {
  const auto until = std::chrono::steady_clock::now() + limit;
  timeval tv{0, 100 * 1000};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[64];
  while (std::chrono::steady_clock::now() < until) {
    ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (n == 0) return true;
    if (n < 0 && errno == ECONNRESET) return true;
  }
  return false;
}

// Regression: silent TCP connections could hold all max_connections slots forever,
// locking every real sensor out (too_many_connections).
TEST(TcpLineListenerTest, SilentConnectionsCannotHoldEveryIngestSlot) {
  IoThreads io;
  IngestSink sink;
  StreamListenerConfig c;
  c.max_connections = 3;
  c.auth_timeout = Seconds(0.5);  // long enough for the full-table check below
  c.idle_timeout = Seconds(30.0);  // not what closes them here
  StreamListener listener(io.io, c, sink.Verdict(), sink.counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  auto ep = tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port());
  std::vector<std::unique_ptr<tcp::socket>> squatters;
  for (int i = 0; i < 3; ++i) {
    squatters.push_back(std::make_unique<tcp::socket>(cio));
    squatters.back()->connect(ep);
  }
  // One squatter talks, but nothing it says is accepted (no MAC): still unauthenticated.
  asio::write(*squatters[0], asio::buffer(RadarJson(sink.clock.Now().seconds()) + "\n"));
  ASSERT_TRUE(Eventually([&] { return sink.counters->Snapshot().connections_open == 3; }));
  {  // The table is full: a newcomer is refused while the squatters are inside.
    tcp::socket refused(cio);
    refused.connect(ep);
    EXPECT_TRUE(ClosedWithin(refused));
  }
  for (auto& s : squatters) EXPECT_TRUE(ClosedWithin(*s));
  EXPECT_TRUE(Eventually([&] { return sink.counters->Snapshot().connections_open == 0; }));
  auto snap = sink.counters->Snapshot();
  EXPECT_EQ(snap.rejected_for(RejectReason::kAuthTimeout), 3u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kTooManyConnections), 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kMissingMac), 1u);

  // A real sensor now gets in and is heard.
  tcp::socket sensor(cio);
  sensor.connect(ep);
  asio::write(sensor, asio::buffer(sink.Sign(RadarJson(sink.clock.Now().seconds())) + "\n"));
  EXPECT_TRUE(Eventually([&] { return sink.accepted() == 1; }));
}

TEST(TcpLineListenerTest, ConnectionSilentForTheIdleTimeoutIsClosedAndCounted) {
  IoThreads io;
  Collector got;
  auto counters = std::make_shared<IngestCounters>();
  StreamListenerConfig c;
  c.auth_timeout = Seconds(0.0);  // off: only the idle timeout applies
  c.idle_timeout = Seconds(0.2);
  StreamListener listener(io.io, c, got.Callback(), counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  auto ep = tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port());
  tcp::socket silent(cio), once(cio);
  silent.connect(ep);
  once.connect(ep);
  asio::write(once, asio::buffer(std::string("one line\n")));
  ASSERT_TRUE(got.WaitFor(1));
  // A byte now and then is not a complete line: it does not keep the connection open.
  asio::write(once, asio::buffer(std::string("x")));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ClosedWithin(silent));
  EXPECT_TRUE(ClosedWithin(once));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_TRUE(Eventually([&] { return counters->Snapshot().rejected_for(RejectReason::kIdleTimeout) == 2; }));
  EXPECT_EQ(counters->Snapshot().rejected_for(RejectReason::kAuthTimeout), 0u);
}

TEST(TcpLineListenerTest, SensorSendingValidLinesIsNotClosedByTheTimeouts) {
  IoThreads io;
  IngestSink sink;
  StreamListenerConfig c;
  c.auth_timeout = Seconds(0.25);
  c.idle_timeout = Seconds(0.25);
  StreamListener listener(io.io, c, sink.Verdict(), sink.counters);
  ASSERT_TRUE(listener.Start().ok());
  asio::io_context cio;
  tcp::socket s(cio);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener.port()));
  const int kLines = 16;  // one every 50 ms for 0.8 s: over three times each timeout
  for (int i = 0; i < kLines; ++i) {
    asio::write(s, asio::buffer(sink.Sign(RadarJson(sink.clock.Now().seconds(), "RAD-01", 1000.0 + i)) + "\n"));
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(Eventually([&] { return sink.accepted() == kLines; }));
  auto snap = sink.counters->Snapshot();
  EXPECT_EQ(snap.connections_open, 1u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kAuthTimeout), 0u);
  EXPECT_EQ(snap.rejected_for(RejectReason::kIdleTimeout), 0u);
  // Then silent: the idle timeout closes it, counted.
  EXPECT_TRUE(ClosedWithin(s));
  EXPECT_TRUE(Eventually([&] { return sink.counters->Snapshot().rejected_for(RejectReason::kIdleTimeout) == 1; }));
}

}  // namespace
}  // namespace tocsin::ingest::net
