// Feed formatting costs: CAP messages per second, the Atom feed of 500 alerts,
// HFC and alerts.in.ua bodies, and the MQTT publisher's enqueue.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "publish/alerts_in_ua.h"
#include "publish/cap.h"
#include "publish/mqtt_publisher.h"
#include "publish/oref.h"
#include "publish/time_format.h"

namespace tocsin::publish {
namespace {

const zones::Catalog& Catalog(const char* name) {
  static std::map<std::string, std::unique_ptr<zones::Catalog>> cache;
  auto& slot = cache[name];
  if (!slot) {
    const std::string path = std::string(TOCSIN_SHARED_DIR) + "/data/zones/" + name + ".geojson";
    auto c = zones::Catalog::LoadFile(path);
    if (!c.ok()) {
      std::fprintf(stderr, "cannot load %s: %s\n", path.c_str(), c.status().message().c_str());
      std::exit(1);
    }
    slot = std::make_unique<zones::Catalog>(std::move(c).value());
  }
  return *slot;
}

std::vector<PublishedAlert> Alerts(const zones::Catalog& cat, std::size_t n) {
  std::vector<PublishedAlert> out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto zi = static_cast<zones::ZoneIndex>(i % cat.zones().size());
    PublishedAlert a;
    a.id = AlertId("A-" + std::to_string(100000 + i));
    a.zone_index = zi;
    a.zone_id = cat.zone(zi).id;
    a.zone_name = cat.zone(zi).name;
    a.region = cat.zone(zi).parent;
    a.district = cat.zone(zi).district;
    a.shelter = cat.zone(zi).shelter;
    a.category = i % 3 ? ThreatCategory::kDrone : ThreatCategory::kBallisticMissile;
    a.started = UnixTime(1757203400.0 + static_cast<double>(i));
    a.expected_at = a.started + Seconds(300);
    a.threats = {TrackId("trk-" + std::to_string(i))};
    if (i % 2) a.ended = a.started + Seconds(600);
    out.push_back(std::move(a));
  }
  return out;
}

void BM_CapMessage(benchmark::State& state, const char* catalog) {
  const auto& cat = Catalog(catalog);
  const auto alerts = Alerts(cat, cat.zones().size());
  CapConfig config;
  config.utc_offset_minutes = IsraelUtcOffsetMinutes;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& a = alerts[i++ % alerts.size()];
    std::string xml = FormatCapAlert(a, cat.zone(a.zone_index), Mode::kLive, config);
    bytes += xml.size();
    benchmark::DoNotOptimize(xml);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK_CAPTURE(BM_CapMessage, il_areas, "il-areas");
BENCHMARK_CAPTURE(BM_CapMessage, ua_hromadas, "ua-hromadas");

void BM_CapAtomFeed500(benchmark::State& state) {
  const auto& cat = Catalog("ua-hromadas");
  const auto alerts = Alerts(cat, 500);  // 750 messages (half the alerts ended)
  AtomOptions options;
  options.max_entries = 1000;
  options.embed_cap = state.range(0) != 0;
  CapConfig config;
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string feed = FormatCapAtomFeed(alerts, cat, Mode::kLive, config, UnixTime(1757300000), options);
    bytes = feed.size();
    benchmark::DoNotOptimize(feed);
  }
  state.counters["feed_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_CapAtomFeed500)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_OrefBodies500(benchmark::State& state) {
  const auto alerts = Alerts(Catalog("il-areas"), 500);
  for (auto _ : state) {
    benchmark::DoNotOptimize(FormatOrefAlertsJson(alerts, UnixTime(1757203900), Mode::kLive));
    benchmark::DoNotOptimize(FormatOrefAlertsHistoryJson(alerts, UnixTime(1757300000), Mode::kLive));
  }
}
BENCHMARK(BM_OrefBodies500)->Unit(benchmark::kMicrosecond);

void BM_AlertsInUaActive500(benchmark::State& state) {
  const auto alerts = Alerts(Catalog("ua-hromadas"), 500);
  PlaceNames names;
  for (auto _ : state)
    benchmark::DoNotOptimize(
        FormatAlertsInUaActive(alerts, names, UnixTime(1757300000), UnixTime(1757300000), Mode::kLive));
}
BENCHMARK(BM_AlertsInUaActive500)->Unit(benchmark::kMicrosecond);

// Cost of MqttPublisher::Publish on the pipeline thread (no broker: pure enqueue
// and coalescing over 1,476 zones).
void BM_MqttPublishEnqueue(benchmark::State& state) {
  MqttConfig config;
  config.port = 1;  // nothing listens: states stay queued
  auto p = MqttPublisher::Start(config, Mode::kLive);
  if (!p.ok()) {
    state.SkipWithError(p.status().message().c_str());
    return;
  }
  std::vector<ZoneState> states(1476);
  for (std::size_t i = 0; i < states.size(); ++i) {
    states[i].zone = ZoneId("UA" + std::to_string(i));
    states[i].state = SirenState::kAlert;
  }
  std::size_t i = 0;
  for (auto _ : state) (*p)->Publish(states[i++ % states.size()]);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_MqttPublishEnqueue);

}  // namespace
}  // namespace tocsin::publish

BENCHMARK_MAIN();
