#include "server/demo.h"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include "ingest/net/key_file.h"
#include "ingest/sensor_json.h"
#include "server/feed.h"
#include "server/operators.h"
#include "server/service.h"
#include "sim/simulate.h"

namespace tocsin::server {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_demo_stop{false};
void OnDemoSignal(int) { g_demo_stop = true; }

std::string RandomHex(std::size_t bytes) {
  std::string b(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(b.data()), static_cast<int>(bytes));
  return ingest::net::HexEncode(b);
}

bool WriteText(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// The catalog of the scenario (truth.json "zones") and its first report time.
Result<std::pair<std::string, double>> ScenarioFacts(const fs::path& dir) {
  std::ifstream t(dir / "truth.json");
  nlohmann::json truth = nlohmann::json::parse(t, nullptr, false);
  std::string zones = "ua-hromadas";
  if (!truth.is_discarded() && truth.contains("zones") && truth["zones"].is_string()) zones = truth["zones"];
  std::ifstream r(dir / "reports.jsonl");
  if (!r) return Status::Error((dir / "reports.jsonl").string() + ": missing; delete the demo folder and retry");
  double t0 = 1e300;
  std::string line;
  while (std::getline(r, line)) {
    auto p = line.find("\"time\":");
    if (p != std::string::npos) t0 = std::min(t0, std::strtod(line.c_str() + p + 7, nullptr));
  }
  if (t0 == 1e300) return Status::Error((dir / "reports.jsonl").string() + ": no report");
  return std::make_pair(zones, t0);
}

}  // namespace

int RunDemo(const DemoConfig& config, std::ostream& out, std::ostream& err) {
  const fs::path dir = config.dir;
  const fs::path scenario = dir / ("scenario-" + config.preset + "-seed" + std::to_string(config.seed));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    err << "tocsin demo: cannot create " << dir << ": " << ec.message() << "; give a writable --dir\n";
    return 2;
  }
  if (!fs::exists(scenario / "reports.jsonl")) {
    out << "tocsin demo: simulating preset " << config.preset << " (seed " << config.seed << ") into " << scenario
        << "\n";
    sim::SimulateConfig sc;
    sc.attack = config.preset;
    sc.out_dir = scenario.string();
    sc.seed = config.seed;
    sc.quiet = true;
    std::ostringstream sim_out;
    if (int rc = sim::RunSimulate(sc, sim_out, err); rc != 0) return rc;
  }
  auto facts = ScenarioFacts(scenario);
  if (!facts.ok()) {
    err << "tocsin demo: " << facts.status().message() << "\n";
    return 1;
  }
  // Fresh keys per sensor and two operators for this run.
  auto sensors = ingest::ReadSensorListFile((scenario / "sensors.json").string());
  if (!sensors.ok()) {
    err << "tocsin demo: " << sensors.status().message() << "\n";
    return 1;
  }
  nlohmann::json keys = {{"sensors", nlohmann::json::object()}};
  for (const auto& s : sensors->sensors) keys["sensors"][s.id.str()] = {{"hmac_key", RandomHex(32)}};
  const std::string op_token = RandomHex(16), sup_token = RandomHex(16);
  nlohmann::json ops = {{"operators",
                         {{{"name", "duty-operator"}, {"role", "operator"}, {"token_sha256", Sha256Hex(op_token)}},
                          {{"name", "shift-supervisor"}, {"role", "supervisor"}, {"token_sha256", Sha256Hex(sup_token)}}}}};
  if (!WriteText(dir / "keys.json", keys.dump(1)) || !WriteText(dir / "operators.json", ops.dump(1))) {
    err << "tocsin demo: cannot write keys/operators in " << dir << "\n";
    return 2;
  }
  fs::permissions(dir / "keys.json", fs::perms::owner_read | fs::perms::owner_write, ec);
  // A new demo run starts a new scenario clock: a fresh event store.
  for (const char* f : {"events.db", "events.db-wal", "events.db-shm", "events.db.lock"}) fs::remove(dir / f, ec);

  ServeConfig sc;
  sc.mode = Mode::kExercise;
  sc.zones = facts->first;
  sc.sensors = (scenario / "sensors.json").string();
  sc.keys = (dir / "keys.json").string();
  sc.operators = (dir / "operators.json").string();
  sc.store = (dir / "events.db").string();
  sc.http_address = config.http_address;
  sc.http_port = config.http_port;
  sc.web_dir = config.web_dir;
  sc.tcp_port = -1;  // any free port
  sc.udp_port = 0;
  sc.mqtt_host = config.mqtt_host;
  sc.mqtt_port = config.mqtt_port;
  sc.clock_start = facts->second - 5 * config.speed / 10.0;
  sc.clock_rate = config.speed;
  sc.live.mode = sc.mode;
  auto service = Service::Create(sc, err);
  if (!service.ok()) {
    err << "tocsin demo: " << service.status().message() << "\n";
    return 1;
  }
  if (Status s = (*service)->Start(); !s.ok()) {
    err << "tocsin demo: " << s.message() << "\n";
    return 2;
  }
  const auto e = (*service)->endpoints();
  const std::string base = "http://" + config.http_address + ":" + std::to_string(e.http);
  out << "\ntocsin demo: preset " << config.preset << " at " << config.speed << "x, EXERCISE mode, zones "
      << facts->first << "\n"
      << "  console          " << base << "/\n"
      << "  health           " << base << "/api/health\n"
      << "  alert stream     curl -N " << base << "/api/stream      (WebSocket: " << base << "/api/ws)\n"
      << "  active alerts    " << base << "/api/alerts/active\n"
      << "  CAP 1.2 (Atom)   " << base << "/cap/atom.xml\n"
      << "  HFC / alerts.in.ua  " << base << "/warningMessages/alert/Alerts.json  " << base
      << "/v1/alerts/active.json\n"
      << "  metrics          " << base << "/metrics\n"
      << "  ingest (TCP, HMAC-signed JSON lines)  127.0.0.1:" << e.tcp << "  keys " << (dir / "keys.json").string()
      << "\n"
      << "  operator tokens  duty-operator " << op_token << "   shift-supervisor " << sup_token << "\n"
      << "  Ctrl-C to stop.\n\n";
  out.flush();
  std::signal(SIGINT, OnDemoSignal);
  std::signal(SIGTERM, OnDemoSignal);
  FeedConfig fc;
  fc.scenario_dir = scenario.string();
  fc.port = e.tcp;
  fc.keys = (dir / "keys.json").string();
  fc.speed = config.speed;
  fc.follow = &(*service)->clock();  // in step with the server's scenario clock
  auto fed = Feed(fc, err, &g_demo_stop);
  if (!fed.ok()) {
    err << "tocsin demo: feeding failed: " << fed.status().message() << "\n";
    (*service)->Stop();
    return 2;
  }
  out << "tocsin demo: fed " << fed->sent << " reports (" << fed->scenario_s << " scenario s) in " << fed->wall_s
      << " s; still serving" << (config.exit_after_feed ? " for " + std::to_string(int(config.linger_s)) + " s" : "")
      << "\n";
  out.flush();
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(config.linger_s);
  while (!g_demo_stop && (!config.exit_after_feed || std::chrono::steady_clock::now() < until))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*service)->Stop();
  out << "tocsin demo: stopped\n";
  return 0;
}

}  // namespace tocsin::server
