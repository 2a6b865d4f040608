// Loopback figures for `tocsin serve` (issue 5; docs/performance.md). A plain program
// that starts a full Service in-process (store, ingest, HTTP, streams) and prints:
//  latency      1,000 straight-line radar targets fed as HMAC-signed JSON lines over
//               TCP at their scan rate (1 s); once they are live tracks, manual alerts
//               on a far zone through POST /api/operator/alerts (and their cancels):
//               time from the client's send to the SSE event at a raw-socket
//               subscriber, p50/p99; plus the server's decision latency histogram
//               (pause_ms between a cancel and the next issue sets the operator load).
//  subscribers  N (default 10,000) SSE subscribers on /api/stream in a forked child;
//               manual alerts issued and cancelled at `rate` decisions/s; checks every
//               subscriber got every event and tocsin_stream_dropped_total.
//  ingest       signed JSON lines over `conns` TCP connections as fast as they go (targets,
//               plus a fraction of clutter plots if asked);
//               tocsin_reports_processed_total sampled over time, overload refusals.
// Usage: serve_bench latency|subscribers|ingest|all [args...]   (see main)
// Runs with the default zone catalog (ua-hromadas) from the data dir.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/geo.h"
#include "ingest/net/hmac.h"
#include "ingest/net/key_file.h"
#include "server/http/test_util.h"
#include "server/operators.h"
#include "server/service.h"
#include "zones/catalog.h"

using namespace tocsin;
using namespace tocsin::server;
namespace ht = tocsin::server::http::httptest;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr const char* kToken = "bench-operator-token";
// Radars on a 4 x 6 grid over Ukraine, ~150-190 km apart; targets within 100 km of theirs.
constexpr int kRadars = 24;
LatLon RadarSite(int r) { return {46.8 + 1.4 * (r / 6), 25.5 + 2.4 * (r % 6)}; }

double WallNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch()).count();
}
double LoadAverage() {
  double l[1] = {0};
  getloadavg(l, 1);
  return l[0];
}
void RaiseFdLimit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);
}
// CPU seconds (user + system) of each thread of this process, by thread id.
std::map<int, double> ThreadCpu() {
  std::map<int, double> out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (const auto& e : fs::directory_iterator("/proc/self/task")) {
    std::ifstream in(e.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto p = text.rfind(')');
    if (p == std::string::npos) continue;
    std::istringstream f(text.substr(p + 2));
    std::string field;
    double ut = 0, st = 0;
    for (int i = 3; i <= 15 && f >> field; ++i) {
      if (i == 14) ut = std::atof(field.c_str());
      if (i == 15) st = std::atof(field.c_str());
    }
    out[std::atoi(e.path().filename().c_str())] = (ut + st) / tick;
  }
  return out;
}
// The thread that used most CPU between two ThreadCpu() readings, and how much.
double BusiestThreadCpu(const std::map<int, double>& a, const std::map<int, double>& b) {
  double best = 0;
  for (const auto& [tid, v] : b)
    if (auto it = a.find(tid); it != a.end()) best = std::max(best, v - it->second);
  return best;
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string KeyHex(int radar) {
  char buf[65];
  for (int i = 0; i < 64; ++i) buf[i] = "0123456789abcdef"[(radar * 7 + i * 13) % 16];
  buf[64] = 0;
  return buf;
}

// Writes sensors, keys and operators into `dir`; returns the config. The radars scan
// every `radar_period_s` seconds: a feed must report each target at most once per scan,
// as a real radar does (the tracker takes one plot per track per scan).
ServeConfig MakeConfig(const fs::path& dir, bool durable, double radar_period_s, double false_per_scan) {
  fs::create_directories(dir);
  std::ofstream s(dir / "sensors.json");
  s << "[";
  for (int r = 0; r < kRadars; ++r)
    s << (r ? "," : "") << R"({"id":"R)" << r << R"(","type":"radar","lat":)" << RadarSite(r).lat
      << R"(,"lon":)" << RadarSite(r).lon
      << R"(,"alt_m":100,"sigma":{"range_m":50,"azimuth_deg":0.2,"elevation_deg":0.2},"max_range_m":150000,)"
      << R"("period_s":)" << radar_period_s << R"(,"p_detect":0.95,"false_per_scan":)" << false_per_scan << "}";
  s << "]\n";
  s.close();
  std::ofstream k(dir / "keys.json");
  k << R"({"sensors":{)";
  for (int r = 0; r < kRadars; ++r) k << (r ? "," : "") << "\"R" << r << R"(":{"hmac_key":")" << KeyHex(r) << "\"}";
  k << "}}\n";
  k.close();
  std::ofstream o(dir / "operators.json");
  o << R"({"operators":[{"name":"bench","role":"operator","token_sha256":")" << Sha256Hex(kToken) << "\"}]}\n";
  o.close();
  ServeConfig c;
  c.sensors = (dir / "sensors.json").string();
  c.keys = (dir / "keys.json").string();
  c.operators = (dir / "operators.json").string();
  for (const char* f : {"events.db", "events.db-wal", "events.db-shm"}) fs::remove(dir / f);
  c.store = durable ? (dir / "events.db").string() : ":memory:";
  c.http_port = -1;
  c.tcp_port = -1;
  c.udp_port = 0;
  return c;
}

// A target flying a straight line in the local tangent plane of its radar.
struct Target {
  int radar;
  double e0, n0, up, ve, vn;  // m, m/s
  double t0;
};

std::vector<Target> MakeTargets(int n, double t0, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Target> out;
  for (int i = 0; i < n; ++i) {
    const double range = 10000 + 90000 * u(rng), az = 2 * M_PI * u(rng);
    const double speed = 40 + 160 * u(rng), heading = 2 * M_PI * u(rng);
    out.push_back({i % kRadars, range * std::sin(az), range * std::cos(az), 300 + 2000 * u(rng),
                   speed * std::sin(heading), speed * std::cos(heading), t0});
  }
  return out;
}

// One signed radar plot of `t` at time `time`: JSON, TAB, hmac=..., newline.
class Signer {
 public:
  Signer() {
    for (int r = 0; r < kRadars; ++r) {
      std::string bytes;
      const std::string hex = KeyHex(r);
      for (size_t i = 0; i < hex.size(); i += 2) bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
      keys_.emplace_back(bytes);
    }
  }
  std::string Line(const Target& t, double time) const {
    const double dt = time - t.t0;
    const double e = t.e0 + t.ve * dt, n = t.n0 + t.vn * dt, u = t.up - 100;
    const double ground = std::hypot(e, n), range = std::hypot(ground, u);
    double az = std::atan2(e, n) * 180 / M_PI;
    if (az < 0) az += 360;
    return Signed(t.radar, time, range, az, std::atan2(u, ground) * 180 / M_PI);
  }
  // A false plot of `radar` anywhere in its cover (10-150 km, up to 10 degrees up).
  std::string Clutter(int radar, double time, std::mt19937& rng) const {
    std::uniform_real_distribution<double> u(0, 1);
    return Signed(radar, time, 10000 + 140000 * u(rng), 360 * u(rng), 10 * u(rng));
  }

 private:
  std::string Signed(int radar, double time, double range, double az, double el) const {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  R"({"sensor":"R%d","time":%.3f,"kind":"radar","range_m":%.1f,"azimuth_deg":%.4f,"elevation_deg":%.4f})",
                  radar, time, range, az, el);
    const std::string json = buf;
    const auto mac = keys_[radar].Compute(json);
    return json + "\thmac=" +
           ingest::net::HexEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size())) + "\n";
  }

  std::vector<ingest::net::HmacKey> keys_;
};

std::string Get(uint16_t port, const std::string& path) {
  std::string r = ht::RawExchange(port, "GET " + path + " HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n",
                                  std::chrono::milliseconds(10000));
  auto p = r.find("\r\n\r\n");
  return p == std::string::npos ? "" : r.substr(p + 4);
}

// Value of an unlabelled metric (or a labelled sample given in full) in /metrics text.
double Metric(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(name + " ", 0) == 0) return std::strtod(line.c_str() + name.size() + 1, nullptr);
  return -1;
}

// The decision-latency buckets in a /metrics text, in order.
struct LatencyBucket {
  std::string label;  // the `le` label
  double le = 0;      // upper bound, s
  double count = 0;   // cumulative
};
std::vector<LatencyBucket> LatencyBuckets(const std::string& metrics) {
  std::istringstream in(metrics);
  std::string line;
  std::vector<LatencyBucket> b;
  while (std::getline(in, line)) {
    if (line.rfind("tocsin_decision_latency_seconds_bucket", 0) != 0) continue;
    auto q1 = line.find('"'), q2 = line.find('"', q1 + 1);
    const std::string le = line.substr(q1 + 1, q2 - q1 - 1);
    b.push_back({le, le == "+Inf" ? INFINITY : std::stod(le), std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr)});
  }
  return b;
}

// Prints the server's decision-latency histogram of `metrics`, or with `since` (an
// earlier /metrics text of the same server) only what was added after it.
void PrintLatencyHistogram(const std::string& metrics, const std::string& since = "", const char* label = "") {
  auto b = LatencyBuckets(metrics);
  double count = Metric(metrics, "tocsin_decision_latency_seconds_count");
  double sum = Metric(metrics, "tocsin_decision_latency_seconds_sum");
  if (!since.empty()) {
    const auto b0 = LatencyBuckets(since);
    for (size_t i = 0; i < b.size() && i < b0.size(); ++i) b[i].count -= b0[i].count;
    count -= Metric(since, "tocsin_decision_latency_seconds_count");
    sum -= Metric(since, "tocsin_decision_latency_seconds_sum");
  }
  std::string out;
  double prev = 0;
  for (const auto& k : b) {
    out += " le" + k.label + ":" + std::to_string(static_cast<long long>(k.count - prev));
    prev = k.count;
  }
  std::printf("  server tocsin_decision_latency_seconds%s: %.0f reports, mean %.2f ms; per bucket:%s\n", label, count,
              count > 0 ? 1e3 * sum / count : 0.0, out.c_str());
  // Percentiles from the buckets (upper bound of the bucket holding the rank).
  for (double p : {0.5, 0.99, 0.999})
    for (const auto& k : b)
      if (k.count >= p * count) {
        std::printf("  server decision latency%s p%g <= %g ms\n", label, p * 100, k.le * 1e3);
        break;
      }
}

std::string PostRequest(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer " + kToken +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Reads one HTTP response with a Content-Length body from a keep-alive socket.
std::string ReadResponse(int fd) {
  std::string acc;
  while (true) {
    auto h = acc.find("\r\n\r\n");
    if (h != std::string::npos) {
      auto cl = acc.find("Content-Length: ");
      if (cl == std::string::npos) cl = acc.find("content-length: ");
      const size_t len = cl == std::string::npos ? 0 : std::strtoul(acc.c_str() + cl + 16, nullptr, 10);
      if (acc.size() >= h + 4 + len) return acc.substr(h + 4, len);
    }
    std::string got = ht::ReadFor(fd, std::chrono::milliseconds(10000), "\r\n\r\n");
    if (got.empty()) return acc;
    acc += got;
  }
}

// Zone at a point far from every target (Uzhhorod), and a list of zones for alert bursts.
struct Zones {
  std::string far;
  std::vector<std::string> west;  // zones in the far west (beyond the radars' reach)
};
Zones PickZones() {
  auto path = zones::ResolveCatalogPath(zones::kDefaultCatalog);
  auto cat = zones::Catalog::LoadFile(*path);
  Zones z;
  if (!cat.ok()) return z;
  if (auto i = cat->ZoneAt({48.62, 22.29})) z.far = cat->zone(*i).id.str();
  for (const auto& zone : cat->zones()) {
    // Same region as the far zone keeps each manual alert single-region (no confirmation).
    if (auto i = cat->ZoneAt({48.62, 22.29}); i && zone.parent == cat->zone(*i).parent && zone.id.str() != z.far)
      z.west.push_back(zone.id.str());
  }
  return z;
}

// Feeds `targets` at their 1 s scan rate, spread over the scan in 20 slices.
void FeedScans(uint16_t port, const std::vector<Target>& targets, const std::atomic<bool>& stop,
               std::atomic<uint64_t>* sent) {
  int fd = ht::ConnectLoopback(port);
  Signer signer;
  const size_t slices = 20;
  auto next = SteadyClock::now();
  for (uint64_t slice = 0; !stop; ++slice) {
    const size_t s = slice % slices;
    std::string buf;
    const double now = WallNow();
    for (size_t i = s; i < targets.size(); i += slices) buf += signer.Line(targets[i], now);
    ht::SendAll(fd, buf);
    *sent += (targets.size() + slices - 1 - s) / slices;
    next += std::chrono::milliseconds(1000 / slices);
    std::this_thread::sleep_until(next);
  }
  close(fd);
}

// A started in-process Service over MakeConfig(temp/name, durable) and the log it
// writes to (the Service keeps a reference: the log lives as long as it). `svc` is null
// when it did not start; the reason is printed.
struct BenchService {
  std::unique_ptr<std::ostringstream> log = std::make_unique<std::ostringstream>();
  std::unique_ptr<Service> svc;
};

BenchService StartService(const std::string& name, bool durable, double radar_period_s = 1.0,
                          double false_per_scan = 0.0) {
  BenchService b;
  const ServeConfig c = MakeConfig(fs::temp_directory_path() / name, durable, radar_period_s, false_per_scan);
  auto svc = Service::Create(c, *b.log);
  if (!svc.ok()) {
    std::fprintf(stderr, "service: %s\n", svc.status().message().c_str());
    return b;
  }
  if (Status s = (*svc)->Start(); !s.ok()) {
    std::fprintf(stderr, "start: %s\n%s", s.message().c_str(), b.log->str().c_str());
    return b;
  }
  b.svc = std::move(svc).value();
  return b;
}

// ---- latency -------------------------------------------------------------------
void RunLatency(int targets_n, int alerts, bool durable, int pause_ms) {
  BenchService bench = StartService("tocsin-serve-bench-latency", durable);
  if (!bench.svc) return;
  Service& svc = *bench.svc;
  const auto ep = svc.endpoints();
  const Zones z = PickZones();
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> sent{0};
  auto targets = MakeTargets(targets_n, WallNow(), 1);
  std::thread feeder(FeedScans, ep.tcp, std::cref(targets), std::cref(stop), &sent);
  // Let the tracks confirm.
  double tracks = 0;
  const auto warm_until = SteadyClock::now() + std::chrono::seconds(40);
  while (SteadyClock::now() < warm_until) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    tracks = Metric(Get(ep.http, "/metrics"), "tocsin_live_tracks");
    if (tracks >= 0.98 * targets_n && SteadyClock::now() > warm_until - std::chrono::seconds(30)) break;
  }
  const std::string before = Get(ep.http, "/metrics");
  const auto cpu0 = ThreadCpu();
  const auto wall0 = SteadyClock::now();
  std::printf("latency: %d targets on %d radars (1 s scans, signed JSON over TCP), live tracks %.0f, active alerts "
              "%.0f, store %s\n",
              targets_n, kRadars, Metric(before, "tocsin_live_tracks"), Metric(before, "tocsin_active_alerts"),
              durable ? "SQLite WAL" : "memory");

  int sse = ht::ConnectLoopback(ep.http);
  ht::SendAll(sse, "GET /api/stream?zones=" + z.far + " HTTP/1.1\r\nHost: b\r\n\r\n");
  std::string hello = ht::ReadFor(sse, std::chrono::milliseconds(5000), "}\n\n");
  int op = ht::ConnectLoopback(ep.http);
  std::vector<double> issue_ms, cancel_ms, http_ms;
  std::string carry;
  auto wait_event = [&](const char* kind) -> bool {
    const std::string needle = std::string("\"event\":\"") + kind + "\"";
    while (carry.find(needle) == std::string::npos) {
      std::string got = ht::ReadFor(sse, std::chrono::milliseconds(10000), "\n\n");
      if (got.empty()) return false;
      carry += got;
    }
    carry.erase(0, carry.find(needle) + needle.size());
    auto end = carry.find("\n\n");
    carry.erase(0, end == std::string::npos ? carry.size() : end + 2);
    return true;
  };
  for (int i = 0; i < alerts; ++i) {
    int64_t t0 = NowNs();
    ht::SendAll(op, PostRequest("/api/operator/alerts", R"({"zones":[")" + z.far + R"("],"category":"drone"})"));
    if (!wait_event("start")) {
      std::fprintf(stderr, "no start event for alert %d\n", i);
      break;
    }
    issue_ms.push_back((NowNs() - t0) / 1e6);
    ReadResponse(op);
    http_ms.push_back((NowNs() - t0) / 1e6);
    t0 = NowNs();
    ht::SendAll(op, PostRequest("/api/operator/cancel", R"({"zone":")" + z.far + R"("})"));
    if (!wait_event("end")) {
      std::fprintf(stderr, "no end event for alert %d\n", i);
      break;
    }
    cancel_ms.push_back((NowNs() - t0) / 1e6);
    ReadResponse(op);
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
  const std::string after = Get(ep.http, "/metrics");
  const double busiest = BusiestThreadCpu(cpu0, ThreadCpu());
  const double window_s = std::chrono::duration<double>(SteadyClock::now() - wall0).count();
  const double window_reports =
      Metric(after, "tocsin_reports_processed_total") - Metric(before, "tocsin_reports_processed_total");
  stop = true;
  feeder.join();
  auto pct = [](std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
  };
  std::printf("  manual alert POST sent -> SSE 'start' at the client: n=%zu p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              issue_ms.size(), pct(issue_ms, 0.5), pct(issue_ms, 0.99), pct(issue_ms, 1.0));
  std::printf("  cancel POST sent -> SSE 'end' at the client:          n=%zu p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              cancel_ms.size(), pct(cancel_ms, 0.5), pct(cancel_ms, 0.99), pct(cancel_ms, 1.0));
  std::printf("  (HTTP answer to the issuing POST: p50 %.2f ms, p99 %.2f ms)\n", pct(http_ms, 0.5), pct(http_ms, 0.99));
  std::printf("  during the run: live tracks %.0f, active alerts %.0f, decisions %.0f, reports processed %.0f "
              "(sent %llu), refused overload %.0f\n",
              Metric(after, "tocsin_live_tracks"), Metric(after, "tocsin_active_alerts"),
              Metric(after, "tocsin_decisions_total"), Metric(after, "tocsin_reports_processed_total"),
              static_cast<unsigned long long>(sent.load()), Metric(after, "tocsin_reports_refused_overload_total"));
  std::printf("  busiest thread (the pipeline) used %.1f CPU s in %.1f s = %.0f%% of a core, %.0f us per report "
              "processed (%.0f reports)\n",
              busiest, window_s, 100 * busiest / window_s, 1e6 * busiest / std::max(1.0, window_reports),
              window_reports);
  PrintLatencyHistogram(after, "", " (whole run, warm-up included: 1,000 tracks confirming at once)");
  PrintLatencyHistogram(after, before, " (measured window only, 1,000 live tracks)");
  std::printf("  load average %.1f on %u cores\n", LoadAverage(), std::thread::hardware_concurrency());
  close(sse);
  close(op);
  svc.Stop();
  (void)hello;
}

// ---- subscribers -----------------------------------------------------------------
// Child: opens n SSE connections, reports ready, counts "event: alert" frames per
// connection until each has `expected` or 30 s pass without data.
int SubscriberChild(int in_fd, int out_fd, size_t n) {
  RaiseFdLimit();
  uint16_t port = 0;
  int64_t expected = 0;
  if (read(in_fd, &port, sizeof port) != sizeof port) return 1;
  std::vector<int> fds;
  const std::string req = "GET /api/stream HTTP/1.1\r\nHost: b\r\n\r\n";
  for (size_t i = 0; i < n; ++i) {
    int fd = ht::ConnectLoopback(port);
    if (fd < 0) break;
    ht::SendAll(fd, req);
    fds.push_back(fd);
  }
  for (int fd : fds) {
    std::string acc;
    while (acc.find("}\n\n") == std::string::npos) {
      std::string got = ht::ReadFor(fd, std::chrono::milliseconds(10000), "}\n\n");
      if (got.empty()) break;
      acc += got;
    }
    SetNonBlocking(fd);
  }
  int64_t ready = static_cast<int64_t>(fds.size());
  (void)!write(out_fd, &ready, sizeof ready);
  // The parent sends the number of events published once it is done publishing.
  expected = INT64_MAX;
  int ep = epoll_create1(0);
  {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = UINT64_MAX;
    epoll_ctl(ep, EPOLL_CTL_ADD, in_fd, &e);
  }
  for (size_t i = 0; i < fds.size(); ++i) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e);
  }
  std::vector<int64_t> count(fds.size(), 0);
  std::vector<std::string> carry(fds.size());
  size_t done = 0, closed = 0;
  std::vector<epoll_event> events(1024);
  char buf[65536];
  const std::string needle = "event: alert";
  while (done + closed < fds.size()) {
    int k = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 30000);
    if (k <= 0) break;
    for (int j = 0; j < k; ++j) {
      if (events[j].data.u64 == UINT64_MAX) {
        if (read(in_fd, &expected, sizeof expected) != sizeof expected) return 1;
        epoll_ctl(ep, EPOLL_CTL_DEL, in_fd, nullptr);
        for (auto c : count) done += c >= expected;
        continue;
      }
      size_t i = events[j].data.u64;
      while (true) {
        ssize_t r = recv(fds[i], buf, sizeof buf, 0);
        if (r == 0) {
          ++closed;
          epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], nullptr);
          break;
        }
        if (r < 0) break;
        std::string s = carry[i] + std::string(buf, static_cast<size_t>(r));
        const int64_t before = count[i];
        count[i] += ht::CountOf(s, needle);
        carry[i] = s.size() > needle.size() ? s.substr(s.size() - (needle.size() - 1)) : s;
        if (before < expected && count[i] >= expected) ++done;
      }
    }
  }
  int64_t total = 0, mn = INT64_MAX;
  for (auto c : count) {
    total += c;
    mn = std::min(mn, c);
  }
  int64_t result[4] = {static_cast<int64_t>(done), total, mn, static_cast<int64_t>(closed)};
  (void)!write(out_fd, result, sizeof result);
  for (int fd : fds) close(fd);
  return 0;
}

void RunSubscribers(size_t n, int alerts, double rate) {
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) return;
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(SubscriberChild(to_child[0], from_child[1], n));
  RaiseFdLimit();
  BenchService bench = StartService("tocsin-serve-bench-subscribers", true);
  if (!bench.svc) return;
  Service& svc = *bench.svc;
  const auto ep = svc.endpoints();
  const Zones z = PickZones();
  const auto t_connect = SteadyClock::now();
  (void)!write(to_child[1], &ep.http, sizeof ep.http);
  int64_t ready = 0;
  if (read(from_child[0], &ready, sizeof ready) != sizeof ready) return;
  const double connect_s = std::chrono::duration<double>(SteadyClock::now() - t_connect).count();
  const std::string m0 = Get(ep.http, "/metrics");
  std::printf("subscribers: %lld SSE subscribers on the full service's /api/stream connected in %.1f s "
              "(server reports %.0f)\n",
              static_cast<long long>(ready), connect_s, Metric(m0, "tocsin_stream_subscribers"));
  // Each alert is a start then (later) an end: 2 events per alert; `rate` events/s.
  // Then a burst: one manual alert on every other zone of the region (W starts at
  // once, like the demo's peak of ~235 decisions in one scenario second), then cancel all.
  const int64_t burst = static_cast<int64_t>(z.west.size());
  int op = ht::ConnectLoopback(ep.http);
  const auto period = std::chrono::duration<double>(1.0 / rate);
  auto next = SteadyClock::now();
  const size_t zn = std::min<size_t>(z.west.size(), 16);
  int refused = 0;
  const auto t0 = SteadyClock::now();
  for (int i = 0; i < alerts + static_cast<int>(zn); ++i) {
    // Start alert i on zone i % zn, end the one started zn steps earlier.
    if (i >= static_cast<int>(zn)) {
      ht::SendAll(op, PostRequest("/api/operator/cancel", R"({"zone":")" + z.west[(i - zn) % zn] + R"("})"));
      if (ReadResponse(op).find("cancelled") == std::string::npos) ++refused;
      next += std::chrono::duration_cast<SteadyClock::duration>(period);
      std::this_thread::sleep_until(next);
    }
    if (i < alerts) {
      ht::SendAll(op, PostRequest("/api/operator/alerts", R"({"zones":[")" + z.west[i % zn] + R"("]})"));
      if (ReadResponse(op).find("issued") == std::string::npos) ++refused;
      next += std::chrono::duration_cast<SteadyClock::duration>(period);
      std::this_thread::sleep_until(next);
    }
  }
  const double publish_s = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  std::string zl;
  for (const auto& id : z.west) zl += (zl.empty() ? "\"" : ",\"") + id + "\"";
  const int64_t b0 = NowNs();
  ht::SendAll(op, PostRequest("/api/operator/alerts", "{\"zones\":[" + zl + "]}"));
  const std::string issued = ReadResponse(op);
  const double burst_issue_ms = (NowNs() - b0) / 1e6;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ht::SendAll(op, PostRequest("/api/operator/cancel", R"({"all":true})"));
  const std::string cancelled = ReadResponse(op);
  if (issued.find("issued") == std::string::npos || cancelled.find("cancelled") == std::string::npos) ++refused;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int64_t expected = static_cast<int64_t>(Metric(Get(ep.http, "/metrics"), "tocsin_stream_published_total"));
  (void)!write(to_child[1], &expected, sizeof expected);
  int64_t result[4] = {0, 0, 0, 0};
  (void)!read(from_child[0], result, sizeof result);
  waitpid(pid, nullptr, 0);
  const std::string m1 = Get(ep.http, "/metrics");
  std::printf("  steady: %d alerts issued and cancelled in %.1f s (%.1f operator calls/s); %d operator calls "
              "refused; %lld events published in all\n",
              alerts, publish_s, 2 * alerts / publish_s, refused, static_cast<long long>(expected));
  std::printf("  burst: one manual alert on %lld zones (%lld start events at once, answered in %.1f ms), then "
              "cancel all (%lld end events)\n",
              static_cast<long long>(burst), static_cast<long long>(burst), burst_issue_ms,
              static_cast<long long>(burst));
  std::printf("  subscribers with every event: %lld/%lld; events received %lld (expected %lld), fewest on one "
              "subscriber %lld, connections closed by the server %lld\n",
              static_cast<long long>(result[0]), static_cast<long long>(ready), static_cast<long long>(result[1]),
              static_cast<long long>(expected * ready), static_cast<long long>(result[2]),
              static_cast<long long>(result[3]));
  std::printf("  server: tocsin_stream_published_total %.0f, sent %.0f, dropped %.0f, overflow disconnects %.0f; "
              "load average %.1f on %u cores\n",
              Metric(m1, "tocsin_stream_published_total"), Metric(m1, "tocsin_stream_sent_total"),
              Metric(m1, "tocsin_stream_dropped_total"), Metric(m1, "tocsin_stream_overflow_disconnects_total"),
              LoadAverage(), std::thread::hardware_concurrency());
  close(op);
  svc.Stop();
}

// ---- ingest ------------------------------------------------------------------------
void RunIngest(int conns, size_t lines_per_conn, int targets_n, bool durable, double clutter) {
  // Pre-signed lines: `targets_n` targets, report times spread over 10 s from now
  // (inside the 30 s replay window), each connection its own share of targets. Each
  // target is reported once per radar scan: the radars scan as often as the feed
  // reports each target (10 s x targets / target lines), so there is one track per
  // target. A `clutter` fraction of the lines, spread evenly, are false plots
  // anywhere in a radar's cover (declared: false_per_scan).
  clutter = std::clamp(clutter, 0.0, 0.999);
  const size_t total = lines_per_conn * conns;
  const double span = 10.0;
  const double target_lines = std::max(1.0, static_cast<double>(total) * (1 - clutter));
  const double scan_s = span * targets_n / target_lines;
  const double false_per_scan = static_cast<double>(total) * clutter / kRadars / (span / scan_s);
  BenchService bench = StartService("tocsin-serve-bench-ingest", durable, scan_s, false_per_scan);
  if (!bench.svc) return;
  Service& svc = *bench.svc;
  const auto ep = svc.endpoints();
  const double t0 = WallNow() + 1;
  auto targets = MakeTargets(targets_n, t0, 2);
  Signer signer;
  std::vector<std::string> payload(conns);
  const auto g0 = SteadyClock::now();
  for (int k = 0; k < conns; ++k) {
    std::string& p = payload[k];
    p.reserve(lines_per_conn * 170);
    std::mt19937 rng(100 + k);
    for (size_t i = 0; i < lines_per_conn; ++i) {
      const size_t g = i * conns + k;  // global index, time order across connections
      const double time = t0 + span * static_cast<double>(g) / static_cast<double>(total);
      // Line g is clutter when the running count of clutter lines steps there.
      const auto clutter_before = [&](size_t n) { return static_cast<size_t>(std::floor(n * clutter)); };
      if (clutter_before(g + 1) > clutter_before(g)) {
        p += signer.Clutter(static_cast<int>(g % kRadars), time, rng);
      } else {
        p += signer.Line(targets[(g - clutter_before(g)) % targets.size()], time);
      }
    }
  }
  const double gen_s = std::chrono::duration<double>(SteadyClock::now() - g0).count();
  std::printf("ingest: %d TCP connections x %zu signed lines (%d targets, 24 radars scanning every %.3f s, "
              "%.0f%% clutter = %.1f false plots per radar scan, %.0f MB; signing took %.1f s), store %s\n",
              conns, lines_per_conn, targets_n, scan_s, 100 * clutter, false_per_scan, conns * payload[0].size() / 1e6, gen_s,
              durable ? "SQLite WAL" : "memory");
  std::vector<std::thread> senders;
  std::atomic<int> finished{0};
  const auto s0 = SteadyClock::now();
  for (int k = 0; k < conns; ++k)
    senders.emplace_back([&, k] {
      int fd = ht::ConnectLoopback(ep.tcp);
      ht::SendAll(fd, payload[k]);
      ht::ReadFor(fd, std::chrono::milliseconds(1), "");
      close(fd);
      ++finished;
    });
  double last_p = 0, peak = 0;
  auto last_t = s0;
  const auto cpu0 = ThreadCpu();
  double active_s = 0;  // time while reports were still being processed
  double send_s = 0;
  std::vector<std::pair<double, double>> samples;
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::string m = Get(ep.http, "/metrics");
    const double p = Metric(m, "tocsin_reports_processed_total");
    const double refused = Metric(m, "tocsin_reports_refused_overload_total") +
                           Metric(m, "tocsin_ingest_rejected_total{listener=\"json\",reason=\"stale\"}");
    const auto now = SteadyClock::now();
    const double rate = (p - last_p) / std::chrono::duration<double>(now - last_t).count();
    peak = std::max(peak, rate);
    if (p > last_p) active_s = std::chrono::duration<double>(now - s0).count();
    samples.push_back({std::chrono::duration<double>(now - s0).count(), rate});
    last_p = p;
    last_t = now;
    if (finished == conns && send_s == 0) send_s = std::chrono::duration<double>(now - s0).count();
    if (finished == conns && p + refused >= static_cast<double>(total) - 1) break;
    if (std::chrono::duration<double>(now - s0).count() > 120) break;
  }
  for (auto& t : senders) t.join();
  const double busiest = BusiestThreadCpu(cpu0, ThreadCpu());
  const double elapsed = std::max(0.5, active_s);
  const std::string m = Get(ep.http, "/metrics");
  std::string series;
  for (auto& [t, r] : samples) series += " " + std::to_string(static_cast<int>(r / 1000)) + "k";
  std::printf("  processed %.0f of %zu in %.1f s (until the last was processed) = %.0f reports/s average (peak 0.5 s window %.0f/s); all lines "
              "written by the clients after %.1f s\n",
              Metric(m, "tocsin_reports_processed_total"), total, elapsed,
              Metric(m, "tocsin_reports_processed_total") / elapsed, peak, send_s);
  std::printf("  processed/s every 0.5 s:%s\n", series.c_str());
  std::printf("  busiest thread (the pipeline) used %.1f CPU s = %.1f us per report processed\n", busiest,
              1e6 * busiest / std::max(1.0, Metric(m, "tocsin_reports_processed_total")));
  std::printf("  refused for overload %.0f; tocsin_ingest rejections: see below; live tracks %.0f, decisions %.0f\n",
              Metric(m, "tocsin_reports_refused_overload_total"), Metric(m, "tocsin_live_tracks"),
              Metric(m, "tocsin_decisions_total"));
  std::istringstream in(m);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("tocsin_ingest_rejected_total{", 0) == 0 && line.substr(line.rfind(' ') + 1) != "0")
      std::printf("    %s\n", line.c_str());
  PrintLatencyHistogram(m);
  std::printf("  load average %.1f on %u cores (clients, signing excluded, share the cores)\n", LoadAverage(),
              std::thread::hardware_concurrency());
  svc.Stop();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "all";
  auto arg = [&](int i, double d) { return argc > i ? std::atof(argv[i]) : d; };
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (what == "latency" || what == "all")
    RunLatency(static_cast<int>(arg(2, 1000)), static_cast<int>(arg(3, 200)), arg(4, 1) != 0,
               static_cast<int>(arg(5, 37)));
  if (what == "subscribers" || what == "all")
    RunSubscribers(static_cast<size_t>(arg(2, 10000)), static_cast<int>(arg(3, 100)), arg(4, 10));
  if (what == "ingest" || what == "all")
    RunIngest(static_cast<int>(arg(2, 4)), static_cast<size_t>(arg(3, 250000)), static_cast<int>(arg(4, 1000)),
              arg(5, 1) != 0, arg(6, 0));
  if (what != "latency" && what != "subscribers" && what != "ingest" && what != "all") {
    std::fprintf(stderr,
                 "usage: serve_bench latency [targets=1000] [alerts=200] [durable=1] [pause_ms=37]\n"
                 "         (pause_ms: between one alert's cancel and the next issue)\n"
                 "       serve_bench subscribers [n=10000] [alerts=100] [events_per_s=10]\n"
                 "       serve_bench ingest [conns=4] [lines_per_conn=250000] [targets=1000] [durable=1] [clutter=0]\n"
                 "         (clutter: the fraction of lines that are false plots, 0 to 0.999)\n");
    return 2;
  }
  return 0;
}
