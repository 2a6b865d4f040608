// Loopback figures for tocsin_http (a plain program; prints a table):
//  1. N concurrent SSE subscribers (default 10,000) receive a burst of alert
//     messages: time until every subscriber has every message, and drops.
//     The clients run in a forked child process (each process needs ~N sockets
//     and RLIMIT_NOFILE is raised to its hard limit with setrlimit).
//  2. publish -> SSE client latency p50/p99 with 1 and 1,000 subscribers.
//  3. requests/s for a small GET over keep-alive connections.
// Usage: http_bench [subscribers=10000] [burst=100]
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "server/http/http_server.h"
#include "server/http/test_util.h"

using namespace tocsin::server::http;
using Clock = std::chrono::steady_clock;

namespace {

int64_t NowNs() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

void RaiseFdLimit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);
}

size_t FdLimit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  return r.rlim_cur;
}

// CPU seconds (user + system) used by this process so far.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

double LoadAverage() {
  double l[1] = {0};
  getloadavg(l, 1);
  return l[0];
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Opens `n` SSE connections to `target`; returns their fds once each has its hello.
std::vector<int> OpenSse(uint16_t port, size_t n, const std::string& target) {
  std::vector<int> fds;
  const std::string req = "GET " + target + " HTTP/1.1\r\nHost: b\r\n\r\n";
  for (size_t i = 0; i < n; ++i) {
    int fd = httptest::ConnectLoopback(port);
    if (fd < 0) {
      fprintf(stderr, "connect %zu failed: %s\n", i, strerror(errno));
      break;
    }
    httptest::SendAll(fd, req);
    fds.push_back(fd);
  }
  for (int fd : fds) {
    std::string acc;
    while (acc.find("}\n\n") == std::string::npos) {
      std::string got = httptest::ReadFor(fd, std::chrono::milliseconds(10000), "}\n\n");
      if (got.empty()) break;
      acc += got;
    }
    SetNonBlocking(fd);
  }
  return fds;
}

// Child side of figure 1: connects, reports ready, counts "event: alert" frames on
// every connection until each has `burst`, then reports the completion time.
int SubscriberChild(int in_fd, int out_fd, size_t n, int burst) {
  RaiseFdLimit();
  uint16_t port = 0;
  if (read(in_fd, &port, sizeof port) != sizeof port) return 1;
  auto t0 = Clock::now();
  std::vector<int> fds = OpenSse(port, n, "/api/stream?zones=bench");
  double connect_s = std::chrono::duration<double>(Clock::now() - t0).count();
  int64_t ready[2] = {static_cast<int64_t>(fds.size()), static_cast<int64_t>(connect_s * 1e6)};
  (void)!write(out_fd, ready, sizeof ready);
  int ep = epoll_create1(0);
  for (size_t i = 0; i < fds.size(); ++i) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e);
  }
  std::vector<int> count(fds.size(), 0);
  std::vector<std::string> carry(fds.size());
  size_t done = 0;
  int64_t last_ns = 0;
  std::vector<epoll_event> events(1024);
  char buf[65536];
  const std::string needle = "event: alert";
  while (done < fds.size()) {
    int k = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 30000);
    if (k <= 0) break;  // 30 s without data: give up, report what arrived
    for (int j = 0; j < k; ++j) {
      size_t i = events[j].data.u64;
      while (true) {
        ssize_t r = recv(fds[i], buf, sizeof buf, 0);
        if (r <= 0) break;
        std::string s = carry[i] + std::string(buf, static_cast<size_t>(r));
        int before = count[i];
        count[i] += httptest::CountOf(s, needle);
        carry[i] = s.size() > needle.size() ? s.substr(s.size() - (needle.size() - 1)) : s;
        if (before < burst && count[i] >= burst) {
          ++done;
          last_ns = NowNs();
        }
      }
    }
  }
  int64_t result[2] = {static_cast<int64_t>(done), last_ns};
  (void)!write(out_fd, result, sizeof result);
  for (int fd : fds) close(fd);
  return 0;
}

void FigureManySubscribers(size_t n, int burst) {
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) return;
  pid_t pid = fork();
  if (pid == 0) _exit(SubscriberChild(to_child[0], from_child[1], n, burst));

  auto bc = std::make_shared<Broadcaster>();
  HttpServer server(ServerOptions{.port = 0, .backlog = 4096}, 2);
  StreamEndpoint ep;
  ep.broadcaster = bc;
  server.router().Sse("/api/stream", ep);
  if (!server.Start().ok()) return;
  uint16_t port = server.port();
  (void)!write(to_child[1], &port, sizeof port);
  int64_t ready[2] = {0, 0};
  if (read(from_child[0], ready, sizeof ready) != sizeof ready) return;
  // Wait until the server has registered every subscriber.
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (bc->stats().subscribers < static_cast<uint64_t>(ready[0]) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::string alert =
      R"({"event":"alert_start","alert":"A-000017","zone":"bench","kind":"alert","time":1700000000.0,)"
      R"("category":"drone","threats":["trk-4"],"expected_at":1700000090.0,"mode":"live"})";
  double cpu0 = ProcessCpuSeconds();
  int64_t t0 = NowNs();
  for (int i = 0; i < burst; ++i) bc->Publish("alert", {"bench"}, alert);
  int64_t publish_ns = NowNs() - t0;
  int64_t result[2] = {0, 0};
  (void)!read(from_child[0], result, sizeof result);
  waitpid(pid, nullptr, 0);
  double cpu = ProcessCpuSeconds() - cpu0;  // server process only (clients are the child)
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let sessions count their last writes
  auto st = bc->stats();
  printf("SSE fan-out: %lld subscribers connected in %.2f s (fd limit %zu); burst of %d alerts (%zu B each)\n",
         static_cast<long long>(ready[0]), ready[1] / 1e6, FdLimit(), burst, alert.size());
  printf("  publish() of the burst: %.2f ms; all %lld/%lld subscribers had every message after %.1f ms\n",
         publish_ns / 1e6, static_cast<long long>(result[0]), static_cast<long long>(ready[0]),
         (result[1] - t0) / 1e6);
  printf("  server CPU for the burst: %.2f s = %.2f us per delivered message (load average %.1f on %u cores)\n", cpu,
         cpu * 1e6 / std::max<double>(1, static_cast<double>(burst) * static_cast<double>(ready[0])), LoadAverage(),
         std::thread::hardware_concurrency());
  printf("  enqueued %llu, sent %llu, dropped %llu, overflow disconnects %llu\n",
         static_cast<unsigned long long>(st.enqueued), static_cast<unsigned long long>(st.sent),
         static_cast<unsigned long long>(st.dropped), static_cast<unsigned long long>(st.overflow_disconnects));
  server.Stop();
}

// Figure 2, child side: `n` SSE clients in one epoll loop; each frame's latency is
// now - the publish timestamp it carries (steady_clock is system-wide, so it is
// comparable across the two processes). Sends back {samples, p50, p99, max} in us.
int LatencyChild(int in_fd, int out_fd, size_t n, int messages) {
  RaiseFdLimit();
  uint16_t port = 0;
  if (read(in_fd, &port, sizeof port) != sizeof port) return 1;
  std::vector<int> fds = OpenSse(port, n, "/api/stream");
  int64_t ready = static_cast<int64_t>(fds.size());
  (void)!write(out_fd, &ready, sizeof ready);
  int epfd = epoll_create1(0);
  for (size_t i = 0; i < fds.size(); ++i) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = i;
    epoll_ctl(epfd, EPOLL_CTL_ADD, fds[i], &e);
  }
  std::vector<double> lat_us;
  lat_us.reserve(fds.size() * static_cast<size_t>(messages));
  const size_t expected = fds.size() * static_cast<size_t>(messages);
  std::vector<std::string> acc(fds.size());
  std::vector<epoll_event> events(1024);
  char buf[65536];
  while (lat_us.size() < expected) {
    int k = epoll_wait(epfd, events.data(), static_cast<int>(events.size()), 10000);
    if (k <= 0) break;
    for (int j = 0; j < k; ++j) {
      size_t i = events[j].data.u64;
      ssize_t r;
      while ((r = recv(fds[i], buf, sizeof buf, 0)) > 0) acc[i].append(buf, static_cast<size_t>(r));
      size_t pos;
      while ((pos = acc[i].find("\n\n")) != std::string::npos) {
        size_t t = acc[i].find("{\"t\":");
        if (t != std::string::npos && t < pos) {
          int64_t sent = std::strtoll(acc[i].c_str() + t + 5, nullptr, 10);
          lat_us.push_back((NowNs() - sent) / 1e3);
        }
        acc[i].erase(0, pos + 2);
      }
    }
  }
  std::sort(lat_us.begin(), lat_us.end());
  auto pct = [&](double p) {
    return lat_us.empty() ? 0.0 : lat_us[std::min(lat_us.size() - 1, static_cast<size_t>(p * lat_us.size()))];
  };
  double result[4] = {static_cast<double>(lat_us.size()), pct(0.50), pct(0.99), lat_us.empty() ? 0.0 : lat_us.back()};
  (void)!write(out_fd, result, sizeof result);
  for (int fd : fds) close(fd);
  return 0;
}

// Figure 2: latency from Publish() to the client having parsed the frame; clients in a
// forked process so the server's CPU time can be reported on its own.
void FigureLatency(size_t subscribers, int messages, int spacing_ms) {
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) return;
  pid_t pid = fork();
  if (pid == 0) _exit(LatencyChild(to_child[0], from_child[1], subscribers, messages));
  auto bc = std::make_shared<Broadcaster>();
  HttpServer server(ServerOptions{.port = 0}, 2);
  StreamEndpoint ep;
  ep.broadcaster = bc;
  server.router().Sse("/api/stream", ep);
  if (!server.Start().ok()) return;
  uint16_t port = server.port();
  (void)!write(to_child[1], &port, sizeof port);
  int64_t ready = 0;
  if (read(from_child[0], &ready, sizeof ready) != sizeof ready) return;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (bc->stats().subscribers < static_cast<uint64_t>(ready) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  double cpu0 = ProcessCpuSeconds();
  for (int m = 0; m < messages; ++m) {
    bc->Publish("alert", {}, "{\"t\":" + std::to_string(NowNs()) + ",\"zone\":\"bench\"}");
    std::this_thread::sleep_for(std::chrono::milliseconds(spacing_ms));
  }
  double result[4] = {0, 0, 0, 0};
  (void)!read(from_child[0], result, sizeof result);
  double cpu = ProcessCpuSeconds() - cpu0;
  waitpid(pid, nullptr, 0);
  printf("publish -> SSE client latency, %lld subscriber(s), %d messages %d ms apart: samples %.0f/%lld, "
         "p50 %.0f us, p99 %.0f us, max %.0f us; server CPU %.0f us per message (load average %.1f)\n",
         static_cast<long long>(ready), messages, spacing_ms, result[0],
         static_cast<long long>(ready) * messages, result[1], result[2], result[3], cpu * 1e6 / messages,
         LoadAverage());
  server.Stop();
}

// Figure 3: small GET requests/s over `conns` keep-alive connections, one request in flight each.
void FigureRequests(int conns, double seconds) {
  HttpServer server(ServerOptions{.port = 0}, 2);
  server.router().Get("/api/health", [](const Request&) {
    return Response::Json(R"({"status":"ok","mode":"live","time":1700000000.0,"tracks":12})");
  });
  if (!server.Start().ok()) return;
  const std::string req = "GET /api/health HTTP/1.1\r\nHost: b\r\n\r\n";
  // Response size from one exchange.
  int probe = httptest::ConnectLoopback(server.port());
  httptest::SendAll(probe, req);
  std::string one = httptest::ReadFor(probe, std::chrono::milliseconds(2000), "}");
  close(probe);
  size_t resp_len = one.size();
  std::vector<int> fds;
  std::vector<size_t> pending(static_cast<size_t>(conns), 0);
  int epfd = epoll_create1(0);
  for (int i = 0; i < conns; ++i) {
    int fd = httptest::ConnectLoopback(server.port());
    SetNonBlocking(fd);
    fds.push_back(fd);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = static_cast<uint64_t>(i);
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e);
    send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  }
  uint64_t done = 0;
  auto end = Clock::now() + std::chrono::duration<double>(seconds);
  auto start = Clock::now();
  std::vector<epoll_event> events(256);
  char buf[65536];
  while (Clock::now() < end) {
    int k = epoll_wait(epfd, events.data(), static_cast<int>(events.size()), 100);
    for (int j = 0; j < k; ++j) {
      size_t i = events[j].data.u64;
      ssize_t r;
      while ((r = recv(fds[i], buf, sizeof buf, 0)) > 0) pending[i] += static_cast<size_t>(r);
      while (pending[i] >= resp_len) {
        pending[i] -= resp_len;
        ++done;
        send(fds[i], req.data(), req.size(), MSG_NOSIGNAL);
      }
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  printf("small GET (%zu B response) over %d keep-alive connections: %.0f requests/s (%llu in %.1f s)\n", resp_len,
         conns, done / elapsed, static_cast<unsigned long long>(done), elapsed);
  for (int fd : fds) close(fd);
  close(epfd);
  server.Stop();
}

}  // namespace

int main(int argc, char** argv) {
  size_t subscribers = argc > 1 ? std::stoul(argv[1]) : 10000;
  int burst = argc > 2 ? std::stoi(argv[2]) : 100;
  RaiseFdLimit();
  FigureManySubscribers(subscribers, burst);
  FigureLatency(1, 2000, 1);
  FigureLatency(1000, 200, 20);
  FigureLatency(1000, 200, 5);
  FigureRequests(1, 3.0);
  FigureRequests(32, 3.0);
  return 0;
}
