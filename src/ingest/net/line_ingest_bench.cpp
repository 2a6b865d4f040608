// Authenticated JSON lines verified + parsed per second, on one core (LineIngest),
// and through a TCP loopback listener with two io threads.
#include <utility>  // before Boost.Asio 1.74 (awaitable.hpp needs std::exchange under C++20)

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <time.h>

#include <boost/asio.hpp>

#include "ingest/net/line_ingest.h"
#include "ingest/net/stream_listener.h"
#include "ingest/report_json.h"

namespace tocsin::ingest::net {
namespace {

constexpr double kNow = 1757203325.0;
constexpr int kLines = 200000;

std::shared_ptr<SensorKeys> Keys() {
  auto k = std::make_shared<SensorKeys>();
  for (int i = 0; i < 16; ++i) k->Add("RAD-" + std::to_string(i), "key of radar " + std::to_string(i) + " padded to 32 b");
  return k;
}

// kLines distinct signed radar plots from 16 sensors, times within +-10 s of kNow.
const std::vector<std::string>& Lines() {
  static const std::vector<std::string> lines = [] {
    auto keys = Keys();
    std::vector<std::string> v;
    v.reserve(kLines);
    char buf[256];
    for (int i = 0; i < kLines; ++i) {
      std::string sensor = "RAD-" + std::to_string(i % 16);
      std::snprintf(buf, sizeof buf,
                    R"({"sensor":"%s","time":%.3f,"kind":"radar","range_m":%.1f,"azimuth_deg":%.4f,"elevation_deg":0.41})",
                    sensor.c_str(), kNow - 10 + 20.0 * i / kLines, 20000.0 + i * 0.5, (i * 7) % 360 + 0.1234);
      v.push_back(SignLine(buf, *keys->Find(sensor)));
    }
    return v;
  }();
  return lines;
}

void BM_HmacSha256Line(benchmark::State& state) {
  HmacKey key("key of radar 0 padded to 32 bytes");
  const std::string& line = Lines()[0];
  std::string_view json(line.data(), line.rfind('\t'));
  for (auto _ : state) benchmark::DoNotOptimize(key.Compute(json));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HmacSha256Line);

void BM_ParseReportLineOnly(benchmark::State& state) {
  const std::string& line = Lines()[0];
  std::string_view json(line.data(), line.rfind('\t'));
  for (auto _ : state) benchmark::DoNotOptimize(ParseReportLine(json, nullptr, "bench"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseReportLineOnly);

// The whole front: MAC check, parse, window, replay cache insert; every line accepted.
void BM_LineIngestAuthenticated(benchmark::State& state) {
  const auto& lines = Lines();
  ManualClock clock{UnixTime(kNow)};
  LineIngestConfig c;
  c.keys = Keys();
  auto counters = std::make_shared<IngestCounters>();
  LineIngest ingest(c, clock, counters);
  PeerInfo peer{Transport::kTcp, "127.0.0.1:1", 2, ""};
  std::size_t i = 0;
  for (auto _ : state) {
    LineOutcome o = ingest.Process(lines[i++], peer);
    benchmark::DoNotOptimize(o);
  }
  if (counters->Snapshot().accepted_total != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("a line was rejected");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LineIngestAuthenticated)->Iterations(kLines);

// One client streams all lines over loopback TCP; the listener (2 io threads) hands
// each to LineIngest. Items/s = accepted reports per second, wall clock.
void BM_TcpLoopbackAuthenticated(benchmark::State& state) {
  namespace asio = boost::asio;
  const auto& lines = Lines();
  std::string stream;
  for (const auto& l : lines) stream += l + "\n";
  double cpu_s = 0;
  for (auto _ : state) {
    timespec c0{}, c1{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    ManualClock clock{UnixTime(kNow)};
    LineIngestConfig c;
    c.keys = Keys();
    auto counters = std::make_shared<IngestCounters>();
    LineIngest ingest(c, clock, counters);
    std::atomic<int> done{0};
    StreamListener listener(io, StreamListenerConfig{}, [&](std::string_view line, const PeerInfo& peer) {
      benchmark::DoNotOptimize(ingest.Process(line, peer));
      done.fetch_add(1, std::memory_order_relaxed);
    }, counters);
    if (!listener.Start().ok()) {
      state.SkipWithError("listener did not start");
      return;
    }
    std::thread t1([&] { io.run(); }), t2([&] { io.run(); });
    asio::io_context cio;
    asio::ip::tcp::socket s(cio);
    s.connect({asio::ip::make_address("127.0.0.1"), listener.port()});
    asio::write(s, asio::buffer(stream));
    while (done.load() < kLines) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    listener.Stop();
    work.reset();
    t1.join();
    t2.join();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    cpu_s += (c1.tv_sec - c0.tv_sec) + 1e-9 * (c1.tv_nsec - c0.tv_nsec);
    if (counters->Snapshot().accepted_total != static_cast<std::uint64_t>(kLines)) state.SkipWithError("a line was rejected");
  }
  state.SetItemsProcessed(state.iterations() * kLines);
  // Reports per CPU-second of the whole process (client writer + 2 io threads): the
  // throughput one core would sustain, independent of other load on the machine.
  state.counters["reports_per_cpu_s"] = static_cast<double>(state.iterations() * kLines) / cpu_s;
}
BENCHMARK(BM_TcpLoopbackAuthenticated)->Iterations(3)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tocsin::ingest::net

BENCHMARK_MAIN();
