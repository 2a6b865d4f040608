#include "publish/mqtt_publisher.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "publish/test_support.h"

namespace tocsin::publish {
namespace {

using nlohmann::json;
using testing::HaveProgram;
using testing::RunCommand;
using testing::TempDir;

constexpr const char* kBroker = "/usr/sbin/mosquitto";
constexpr const char* kSub = "/usr/bin/mosquitto_sub";

#define REQUIRE_MOSQUITTO()                                                                            \
  do {                                                                                                 \
    if (!HaveProgram(kBroker) || !HaveProgram(kSub))                                                   \
      GTEST_SKIP() << "mosquitto broker/clients not installed (apt-get install mosquitto mosquitto-clients)"; \
  } while (0)

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool CanConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A real mosquitto broker on 127.0.0.1:port, anonymous, no persistence; stopped
// by the destructor.
class Broker {
 public:
  // `security`: config lines after the listener (default: anonymous access).
  Broker(const TempDir& dir, int port, const std::string& security = "allow_anonymous true\n") : port_(port) {
    std::string conf = "listener " + std::to_string(port) + " 127.0.0.1\n" + security + "persistence false\n";
    if (::geteuid() == 0) conf += "user root\n";
    const std::string conf_path = dir.Write("mosquitto-" + std::to_string(port) + ".conf", conf);
    const std::string log_path = dir.path() + "/mosquitto-" + std::to_string(port) + ".log";
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execl(kBroker, "mosquitto", "-c", conf_path.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100 && !CanConnect(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~Broker() { Stop(); }
  void Stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  bool up() const { return pid_ > 0 && CanConnect(port_); }

 private:
  int port_;
  pid_t pid_ = -1;
};

// Topic -> payload of the first `count` messages a fresh subscriber receives.
std::map<std::string, std::string> Subscribe(int port, int count, const std::string& topic = "tocsin/#",
                                             const std::string& options = "") {
  auto r = RunCommand(std::string(kSub) + " -h 127.0.0.1 -p " + std::to_string(port) + " -C " + std::to_string(count) +
                      " -W 15 -v -t '" + topic + "' " + options);
  std::map<std::string, std::string> out;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) {
    const auto sp = line.find(' ');
    if (sp != std::string::npos) out[line.substr(0, sp)] = line.substr(sp + 1);
  }
  return out;
}

ZoneState State(const std::string& zone, SirenState st, double since, const char* alert = "A-000001") {
  ZoneState s;
  s.zone = ZoneId(zone);
  s.state = st;
  s.alert = AlertId(alert);
  if (st != SirenState::kClear) s.category = ThreatCategory::kDrone;
  s.since = UnixTime(since);
  if (st == SirenState::kAlert) s.expected_at = UnixTime(since + 60);
  return s;
}

bool WaitFor(const std::function<bool()>& cond, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

TEST(ZoneState, FromAlertsAlertBeatsPreAlertAndClearRemembersTheEnd) {
  PublishedAlert pre, al, old;
  pre.id = AlertId("P-1");
  pre.zone_id = ZoneId("Z");
  pre.kind = AlertKind::kPreAlert;
  pre.started = UnixTime(10);
  al = pre;
  al.id = AlertId("A-1");
  al.kind = AlertKind::kAlert;
  al.category = ThreatCategory::kCruiseMissile;
  al.started = UnixTime(20);
  al.expected_at = UnixTime(80);
  old = al;
  old.id = AlertId("A-0");
  old.started = UnixTime(1);
  old.ended = UnixTime(5);
  std::vector<PublishedAlert> alerts = {old, pre, al};
  ZoneState s = ZoneStateFor(ZoneId("Z"), alerts, UnixTime(30));
  EXPECT_EQ(s.state, SirenState::kAlert);
  EXPECT_EQ(s.alert->str(), "A-1");
  EXPECT_EQ(s.since.seconds(), 20);
  EXPECT_EQ(s.expected_at->seconds(), 80);
  s = ZoneStateFor(ZoneId("Z"), alerts, UnixTime(15));
  EXPECT_EQ(s.state, SirenState::kPreAlert);
  alerts[1].ended = UnixTime(40);
  alerts[2].ended = UnixTime(50);
  s = ZoneStateFor(ZoneId("Z"), alerts, UnixTime(60));
  EXPECT_EQ(s.state, SirenState::kClear);
  EXPECT_EQ(s.alert->str(), "A-1");
  EXPECT_EQ(s.since.seconds(), 50);
  EXPECT_FALSE(s.category.has_value());
  s = ZoneStateFor(ZoneId("other"), alerts, UnixTime(60));
  EXPECT_EQ(s.state, SirenState::kClear);
  EXPECT_FALSE(s.alert.has_value());
  EXPECT_EQ(s.since.seconds(), 60);
}

TEST(ZoneState, TopicAndPayload) {
  EXPECT_EQ(ZoneTopic("tocsin", Mode::kExercise, ZoneId("IL-5000511")), "tocsin/exercise/zones/IL-5000511");
  const json j = json::parse(FormatZoneStatePayload(State("Z", SirenState::kAlert, 1000.5), Mode::kLive));
  EXPECT_EQ(j, json::parse(R"({"state":"alert","alert":"A-000001","category":"drone","since":1000.5,)"
                           R"("expected_at":1060.5,"mode":"live"})"));
  const json c = json::parse(FormatZoneStatePayload(State("Z", SirenState::kClear, 7), Mode::kExercise));
  EXPECT_TRUE(c["category"].is_null());
  EXPECT_TRUE(c["expected_at"].is_null());
  EXPECT_EQ(c["mode"], "exercise");
}

TEST(MqttPublisher, BadConfigurationIsAnError) {
  MqttConfig c;
  c.port = 0;
  EXPECT_FALSE(MqttPublisher::Start(c, Mode::kLive).ok());
  c.port = 1883;
  c.ca_file = "/nonexistent/ca.pem";
  auto r = MqttPublisher::Start(c, Mode::kLive);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/ca.pem"), std::string::npos);
}

// Without a broker, Publish neither blocks nor loses a zone's latest state:
// states coalesce by zone.
TEST(MqttPublisher, PublishNeverBlocksAndCoalescesByZone) {
  MqttConfig c;
  c.port = FreePort();  // nothing listens there
  c.max_queued_zones = 20;
  auto p = MqttPublisher::Start(c, Mode::kLive);
  ASSERT_TRUE(p.ok()) << p.status().message();
  const int n = 100000;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) (*p)->Publish(State(std::string("Z") + std::to_string(i % 10), SirenState::kAlert, i));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(s / n, 20e-6) << "Publish took " << s / n * 1e6 << " us";
  for (int i = 0; i < 15; ++i) (*p)->Publish(State(std::string("Y") + std::to_string(i), SirenState::kAlert, i));
  const auto c1 = (*p)->counters();
  EXPECT_FALSE(c1.connected);
  EXPECT_EQ(c1.queued, 20u);
  EXPECT_EQ(c1.coalesced, static_cast<std::uint64_t>(n - 10));
  EXPECT_EQ(c1.dropped, 5u);
  EXPECT_FALSE((*p)->WaitIdle(Seconds(0.05)));
}

TEST(MqttBroker, RetainedStatesReachALateSubscriber) {
  REQUIRE_MOSQUITTO();
  TempDir dir;
  const int port = FreePort();
  Broker broker(dir, port);
  ASSERT_TRUE(broker.up()) << "mosquitto did not start on port " << port;
  MqttConfig c;
  c.port = port;
  auto p = MqttPublisher::Start(c, Mode::kLive);
  ASSERT_TRUE(p.ok()) << p.status().message();
  (*p)->Publish(State("UA1", SirenState::kAlert, 100));
  (*p)->Publish(State("UA2", SirenState::kPreAlert, 101, "P-000001"));
  (*p)->Publish(State("UA3", SirenState::kAlert, 102, "A-000003"));
  (*p)->Publish(State("UA3", SirenState::kClear, 150, "A-000003"));  // latest state of UA3
  ASSERT_TRUE((*p)->WaitIdle(Seconds(10))) << "states not acknowledged by the broker";
  const auto counters = (*p)->counters();
  EXPECT_TRUE(counters.connected);
  EXPECT_GE(counters.published, 3u);
  EXPECT_EQ(counters.failed, 0u);

  const auto got = Subscribe(port, 4);  // 3 zones + status, all retained
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got.at("tocsin/live/status"), "online");
  EXPECT_EQ(json::parse(got.at("tocsin/live/zones/UA1"))["state"], "alert");
  EXPECT_EQ(json::parse(got.at("tocsin/live/zones/UA2"))["state"], "prealert");
  const json ua3 = json::parse(got.at("tocsin/live/zones/UA3"));
  EXPECT_EQ(ua3["state"], "clear");
  EXPECT_EQ(ua3["since"], 150);
  EXPECT_EQ(ua3["mode"], "live");
}

TEST(MqttBroker, LiveSubscriberSeesChangesAndExerciseStaysUnderItsOwnTopics) {
  REQUIRE_MOSQUITTO();
  TempDir dir;
  const int port = FreePort();
  Broker broker(dir, port);
  ASSERT_TRUE(broker.up());
  auto live_sub = std::async(std::launch::async, [&] { return Subscribe(port, 2, "tocsin/live/zones/#"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let it subscribe
  MqttConfig c;
  c.port = port;
  auto ex = MqttPublisher::Start(c, Mode::kExercise);
  auto live = MqttPublisher::Start(c, Mode::kLive);
  ASSERT_TRUE(ex.ok() && live.ok());
  (*ex)->Publish(State("Z1", SirenState::kAlert, 1));
  ASSERT_TRUE((*ex)->WaitIdle(Seconds(10)));
  (*live)->Publish(State("Z1", SirenState::kPreAlert, 2, "P-1"));
  (*live)->Publish(State("Z2", SirenState::kAlert, 3));
  ASSERT_TRUE((*live)->WaitIdle(Seconds(10)));
  const auto got = live_sub.get();
  ASSERT_EQ(got.size(), 2u);  // the exercise message never reached the live topics
  EXPECT_EQ(json::parse(got.at("tocsin/live/zones/Z1"))["state"], "prealert");
  EXPECT_EQ(json::parse(got.at("tocsin/live/zones/Z2"))["mode"], "live");
  const auto ex_got = Subscribe(port, 1, "tocsin/exercise/zones/#");
  EXPECT_EQ(json::parse(ex_got.at("tocsin/exercise/zones/Z1"))["mode"], "exercise");
}

// The publisher starts before the broker, and the broker restarts without
// persistence: every zone's latest state is on the broker again afterwards.
TEST(MqttBroker, ReconnectsAndRestoresRetainedStatesAfterABrokerRestart) {
  REQUIRE_MOSQUITTO();
  TempDir dir;
  const int port = FreePort();
  MqttConfig c;
  c.port = port;
  auto p = MqttPublisher::Start(c, Mode::kLive);
  ASSERT_TRUE(p.ok());
  (*p)->Publish(State("Z1", SirenState::kAlert, 1));
  EXPECT_FALSE((*p)->counters().connected);
  {
    Broker broker(dir, port);
    ASSERT_TRUE(broker.up());
    ASSERT_TRUE((*p)->WaitIdle(Seconds(20))) << "no reconnection to the broker started late";
    EXPECT_EQ(json::parse(Subscribe(port, 1, "tocsin/live/zones/#").at("tocsin/live/zones/Z1"))["state"], "alert");
  }  // broker stopped: retained messages gone
  ASSERT_TRUE(WaitFor([&] { return !(*p)->counters().connected; }, 10));
  (*p)->Publish(State("Z2", SirenState::kPreAlert, 2, "P-1"));  // while the broker is down
  Broker again(dir, port);
  ASSERT_TRUE(again.up());
  ASSERT_TRUE(WaitFor([&] { return (*p)->counters().connects >= 2; }, 40)) << "no reconnection";
  ASSERT_TRUE((*p)->WaitIdle(Seconds(10)));
  const auto got = Subscribe(port, 2, "tocsin/live/zones/#");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(json::parse(got.at("tocsin/live/zones/Z1"))["state"], "alert");
  EXPECT_EQ(json::parse(got.at("tocsin/live/zones/Z2"))["state"], "prealert");
}


TEST(MqttBroker, UsernameAndPasswordAreUsedAndABadPasswordNeverConnects) {
  REQUIRE_MOSQUITTO();
  if (!HaveProgram("/usr/bin/mosquitto_passwd")) GTEST_SKIP() << "mosquitto_passwd not installed";
  TempDir dir;
  const std::string pw = dir.path() + "/passwords";
  ASSERT_EQ(RunCommand("/usr/bin/mosquitto_passwd -b -c '" + pw + "' siren s3cret").exit_code, 0);
  const int port = FreePort();
  Broker broker(dir, port, "allow_anonymous false\npassword_file " + pw + "\n");
  ASSERT_TRUE(broker.up());
  MqttConfig good;
  good.port = port;
  good.username = "siren";
  good.password = "s3cret";
  MqttConfig bad = good;
  bad.password = "wrong";
  bad.client_id = "tocsin-bad";
  auto p = MqttPublisher::Start(good, Mode::kLive);
  auto q = MqttPublisher::Start(bad, Mode::kLive);
  ASSERT_TRUE(p.ok() && q.ok());
  (*p)->Publish(State("Z1", SirenState::kAlert, 1));
  (*q)->Publish(State("Z9", SirenState::kAlert, 1));
  ASSERT_TRUE((*p)->WaitIdle(Seconds(10)));
  EXPECT_FALSE((*q)->WaitIdle(Seconds(1.5)));
  EXPECT_FALSE((*q)->counters().connected);
  EXPECT_EQ((*q)->counters().published, 0u);
  const auto got = Subscribe(port, 1, "tocsin/live/zones/#", "-u siren -P s3cret");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got.count("tocsin/live/zones/Z1"), 1u);
}

TEST(MqttBroker, TlsWithACaFile) {
  REQUIRE_MOSQUITTO();
  if (!HaveProgram("/usr/bin/openssl")) GTEST_SKIP() << "openssl not installed: cannot make test certificates";
  TempDir dir;
  const std::string d = "'" + dir.path() + "'/";
  dir.Write("san.ext", "subjectAltName=IP:127.0.0.1\n");
  const std::string cmds =
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + d + "ca.key -out " + d +
      "ca.crt -days 2 -subj /CN=tocsin-test-ca && openssl req -newkey rsa:2048 -nodes -keyout " + d +
      "server.key -out " + d + "server.csr -subj /CN=127.0.0.1 && openssl x509 -req -in " + d + "server.csr -CA " + d +
      "ca.crt -CAkey " + d + "ca.key -CAcreateserial -out " + d + "server.crt -days 2 -extfile " + d + "san.ext";
  auto made = RunCommand(cmds);
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const int port = FreePort();
  Broker broker(dir, port,
                "cafile " + dir.path() + "/ca.crt\ncertfile " + dir.path() + "/server.crt\nkeyfile " + dir.path() +
                    "/server.key\nallow_anonymous true\n");
  ASSERT_TRUE(broker.up());
  MqttConfig c;
  c.port = port;
  c.ca_file = dir.path() + "/ca.crt";
  auto p = MqttPublisher::Start(c, Mode::kExercise);
  ASSERT_TRUE(p.ok()) << p.status().message();
  (*p)->Publish(State("Z1", SirenState::kPreAlert, 5, "P-7"));
  ASSERT_TRUE((*p)->WaitIdle(Seconds(10))) << "no TLS connection";
  const auto got = Subscribe(port, 1, "tocsin/exercise/zones/#", "--cafile " + d + "ca.crt");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(json::parse(got.at("tocsin/exercise/zones/Z1"))["alert"], "P-7");
}

}  // namespace
}  // namespace tocsin::publish
