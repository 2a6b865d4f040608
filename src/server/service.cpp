#include "server/service.h"

#include <csignal>
#include <fstream>
#include <sstream>

#include "ingest/asterix/decoder.h"
#include "ingest/net/hmac.h"
#include "ingest/sensor_json.h"
#include "server/memory_log.h"
#include "server/service_impl.h"
#include "server/store_log.h"

namespace tocsin::server {

namespace net = ingest::net;

namespace {
// Config port -> port to bind: -1 asks for any free port (tests, the demo).
std::uint16_t BindPort(int p) { return p < 0 ? 0 : static_cast<std::uint16_t>(p); }

// Makes `*slot` a listener on config port `port` and starts it; port 0 = off (nothing
// made). Listener: net::StreamListener or net::UdpListener, with its config type;
// Callback: net::VerdictCallback (streams: the verdict ends the auth timeout) or
// net::PayloadCallback (UDP).
template <typename Listener, typename ListenerConfig, typename Callback>
Status StartListener(boost::asio::io_context& io, int port, ListenerConfig c, Callback on_payload,
                     std::shared_ptr<net::IngestCounters> counters, std::unique_ptr<Listener>* slot) {
  if (port == 0) return Status::Ok();
  c.port = BindPort(port);
  *slot = std::make_unique<Listener>(io, std::move(c), std::move(on_payload), std::move(counters));
  return (*slot)->Start();
}
}  // namespace

net::StreamListenerConfig Service::Impl::StreamConfig(net::Framing framing, std::size_t max_message_bytes,
                                                      std::optional<net::TlsServerConfig> tls_files) const {
  net::StreamListenerConfig c;
  c.address = config.ingest_address;
  c.framing = framing;
  c.max_message_bytes = max_message_bytes;
  c.tls = std::move(tls_files);
  c.max_connections = config.max_connections;
  c.auth_timeout = Seconds(config.auth_timeout_s);
  c.idle_timeout = Seconds(config.idle_timeout_s);
  return c;
}

net::UdpListenerConfig Service::Impl::UdpConfig(net::UdpMode mode, std::vector<std::string> allowed_sources) const {
  net::UdpListenerConfig c;
  c.address = config.ingest_address;
  c.mode = mode;
  c.max_line_bytes = config.max_line_bytes;
  c.allowed_sources = std::move(allowed_sources);
  return c;
}

Service::Impl::~Impl() { StopAll(); }

Status Service::Impl::Load() {
  if (config.clock_start) clock = std::make_unique<ScaledClock>(UnixTime(*config.clock_start), config.clock_rate);
  else clock = std::make_unique<SystemClock>();

  auto path = zones::ResolveCatalogPath(config.zones.empty() ? zones::kDefaultCatalog : config.zones);
  if (!path.ok()) return path.status();
  zones_path = *path;
  auto cat = zones::Catalog::LoadFile(zones_path);
  if (!cat.ok()) return cat.status();
  catalog = std::make_unique<zones::Catalog>(std::move(cat).value());
  // Region outlines for the console, and oblast/raion names for alerts.in.ua.
  if (catalog->name().rfind("ua-", 0) == 0) {
    std::vector<std::string> names;
    for (const char* n : {"ua-oblasts", "ua-raions"})
      if (auto p = zones::ResolveCatalogPath(n); p.ok()) names.push_back(*p);
    if (!names.empty()) regions_path = names.front();
    if (auto pn = publish::PlaceNames::FromCatalogFiles(names); pn.ok()) places = std::move(pn).value();
    else log << "tocsin serve: warning: " << pn.status().message() << "\n";
  }

  std::vector<ingest::SensorDescription> list;
  if (!config.sensors.empty()) {
    auto s = ingest::ReadSensorListFile(config.sensors);
    if (!s.ok()) return s.status();
    list = std::move(s->sensors);
  }
  sensors = std::make_shared<ingest::SensorIndex>(std::move(list));

  if (config.policy.empty()) {
    policy = alert::Policy::Defaults();
  } else {
    auto p = alert::LoadPolicyFile(config.policy);
    if (!p.ok()) return p.status();
    policy = std::move(p).value();
  }
  if (!config.operators.empty()) {
    auto o = OperatorDirectory::LoadFile(config.operators);
    if (!o.ok()) return o.status();
    operators = std::move(o).value();
  }
  if (!config.keys.empty()) {
    auto k = net::LoadSensorKeys(config.keys);
    if (!k.ok()) return k.status();
    keys = std::make_shared<const net::SensorKeys>(std::move(k).value());
  } else if (!config.allow_unauthenticated && (config.tcp_port || config.udp_port)) {
    return Status::Error("ingest: no sensor key file (ingest.keys / --keys) and unauthenticated input is not "
                         "allowed: give a key file (docs/ingest-auth.md), or set ingest.allow_unauthenticated "
                         "for a closed test network, or disable the ports (tcp_port/udp_port 0)");
  }
  cap.sender = config.sender;
  for (const auto& a : config.asterix_sources) {
    if (!sensors->Find(a.sensor))
      return Status::Error("ingest.asterix_sources: sensor '" + a.sensor + "' (SAC " + std::to_string(a.sac) +
                           ", SIC " + std::to_string(a.sic) + ") is not in the sensors file; add it there");
    asterix_config.sensors[{static_cast<std::uint8_t>(a.sac), static_cast<std::uint8_t>(a.sic)}] = SensorId(a.sensor);
  }

  if (config.store.empty() || config.store == ":memory:") {
    decision_log = std::make_unique<MemoryDecisionLog>();
  } else {
    store::StoreOptions so;
    so.path = config.store;
    auto s = store::EventStore::Open(so);
    if (!s.ok()) return s.status();
    store = std::move(s).value();
    auto r = store::StoreReader::Open(so);
    if (!r.ok()) return r.status();
    reader = std::move(r).value();
    decision_log = std::make_unique<StoreDecisionLog>(*store, config.mode);
  }
  broadcaster = std::make_shared<http::Broadcaster>();
  if (!config.mqtt_host.empty()) {
    publish::MqttConfig mc;
    mc.host = config.mqtt_host;
    mc.port = config.mqtt_port;
    mc.topic_prefix = config.mqtt_prefix;
    auto m = publish::MqttPublisher::Start(mc, config.mode);
    if (!m.ok()) return m.status();
    mqtt = std::move(m).value();
  }
  fanout = std::make_unique<Fanout>(*catalog, broadcaster, mqtt.get());
  core = std::make_unique<LiveCore>(*catalog, *sensors, policy, *clock, *decision_log, *fanout, config.live);

  json_counters = std::make_shared<net::IngestCounters>();
  asterix_counters = std::make_shared<net::IngestCounters>();
  sapient_counters = std::make_shared<net::IngestCounters>();
  net::LineIngestConfig lc;
  lc.keys = keys;
  lc.sensors = sensors;
  lc.policy = config.allow_unauthenticated ? net::AuthPolicy::kAllowUnauthenticated : net::AuthPolicy::kRequired;
  lc.window = Seconds(config.replay_window_s);
  line_ingest = std::make_unique<net::LineIngest>(lc, *clock, json_counters);
  if (config.sapient_port) {
    auto nodes = ingest::sapient::ParseSapientNodes(config.sapient_nodes_json, "ingest.sapient_nodes");
    if (!nodes.ok()) return nodes.status();
    ingest::sapient::SapientIngestConfig sc;
    sc.nodes = std::make_shared<const ingest::sapient::SapientNodes>(std::move(nodes).value());
    sc.sensors = sensors;
    sc.allow_unauthenticated = config.allow_unauthenticated;
    sc.window = Seconds(config.replay_window_s);
    sapient_ingest = std::make_unique<ingest::sapient::SapientIngest>(sc, *clock, sapient_counters);
  }
  return Status::Ok();
}

bool Service::Impl::OnJsonLine(std::string_view line, const net::PeerInfo& peer) {
  auto out = line_ingest->Process(line, peer);
  if (!out.ok()) return false;  // counted by LineIngest
  // The store keeps the JSON part exactly (it re-reads reports from it on restart).
  InboundReport r{std::move(*out.report), std::string(out.json), "json", clock->Now()};
  core->Submit(std::move(r));  // refusals (overload) counted by the core
  return true;                 // authenticated, whatever the core does with it
}

void Service::Impl::OnAsterix(std::string_view datagram, const net::PeerInfo& peer) {
  auto bytes = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(datagram.data()), datagram.size());
  auto records = ingest::asterix::DecodeDatagram(bytes);
  if (!records.ok()) {
    ++asterix_bad_datagrams;
    asterix_counters->OnRejected(net::RejectReason::kMalformed, "");
    return;
  }
  const UnixTime now = clock->Now();
  asterix_records += records->size();
  std::string raw;  // the datagram in hex, stored with each of its reports
  for (const auto& record : *records) {
    auto rep = ingest::asterix::ToReport(record, asterix_config, now);
    if (!rep.ok()) {
      ++asterix_rejected;
      // A record of a configured source that cannot become a report (no measured
      // position, no time) is valid ASTERIX this ingest cannot use: unsupported,
      // under its sensor. Anything else comes from an unknown source.
      const auto& source = std::visit([](const auto& r) -> const auto& { return r.source; }, record.record);
      const auto known = source ? asterix_config.sensors.find({source->sac, source->sic}) : asterix_config.sensors.end();
      if (known != asterix_config.sensors.end())
        asterix_counters->OnRejected(net::RejectReason::kUnsupported, known->second.str());
      else
        asterix_counters->OnRejected(net::RejectReason::kUnknownSensor, "");
      continue;
    }
    if (std::abs(rep->time.seconds() - now.seconds()) > config.replay_window_s) {
      asterix_counters->OnRejected(net::RejectReason::kStale, rep->sensor.str());
      continue;
    }
    asterix_counters->OnAccepted(rep->sensor.str());
    if (raw.empty()) raw = net::HexEncode(datagram);
    InboundReport r{std::move(rep).value(), raw, "asterix", now};
    core->Submit(std::move(r));  // refusals (overload) counted by the core
  }
}

bool Service::Impl::OnSapient(std::string_view frame, const net::PeerInfo& peer) {
  auto out = sapient_ingest->Process(frame, peer);
  if (!out.ok()) return false;  // counted
  InboundReport r{std::move(*out.report), net::HexEncode(frame), "sapient", clock->Now()};
  core->Submit(std::move(r));  // refusals (overload) counted by the core
  return true;
}

Status Service::Impl::StartAll() {
  if (Status s = core->Start(); !s.ok()) return s;
  work = std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
      io.get_executor());
  // Streams: the verdict (accepted or not) ends a connection's auth timeout.
  const net::VerdictCallback on_line = [this](std::string_view l, const net::PeerInfo& p) { return OnJsonLine(l, p); };
  const net::PayloadCallback on_datagram = [this](std::string_view l, const net::PeerInfo& p) { OnJsonLine(l, p); };
  const net::PayloadCallback on_asterix = [this](std::string_view d, const net::PeerInfo& p) { OnAsterix(d, p); };
  const net::VerdictCallback on_sapient = [this](std::string_view f, const net::PeerInfo& p) { return OnSapient(f, p); };
  const net::TlsServerConfig tls_files{config.tls_cert, config.tls_key, config.tls_ca};
  // SAPIENT runs over TLS when the server has a certificate.
  const auto sapient_tls = config.tls_cert.empty() ? std::nullopt : std::optional(tls_files);
  const std::size_t max_frame = net::StreamListenerConfig{}.max_message_bytes;
  Status s = StartListener(io, config.tcp_port, StreamConfig(net::Framing::kLines, config.max_line_bytes, std::nullopt),
                           on_line, json_counters, &tcp);
  if (s.ok())
    s = StartListener(io, config.tls_port, StreamConfig(net::Framing::kLines, config.max_line_bytes, tls_files), on_line,
                      json_counters, &tls);
  if (s.ok()) s = StartListener(io, config.udp_port, UdpConfig(net::UdpMode::kLines, {}), on_datagram, json_counters, &udp);
  if (s.ok())
    s = StartListener(io, config.asterix_port, UdpConfig(net::UdpMode::kRaw, config.asterix_allowed_sources), on_asterix,
                      asterix_counters, &asterix);
  if (s.ok())
    s = StartListener(io, config.sapient_port, StreamConfig(net::Framing::kLengthPrefixed, max_frame, sapient_tls),
                      on_sapient, sapient_counters, &sapient);
  if (!s.ok()) return s;
  http::ServerOptions ho;
  ho.address = config.http_address;
  ho.port = BindPort(config.http_port);
  http = std::make_unique<http::HttpServer>(io, ho);
  RegisterRoutes(http->router());
  if (Status s = http->Start(); !s.ok()) return s;
  for (int i = 0; i < 2; ++i) io_threads.emplace_back([this] { io.run(); });
  started = true;
  return Status::Ok();
}

void Service::Impl::StopAll() {
  if (!started) {
    if (core) core->Stop();
    return;
  }
  started = false;
  for (auto* l : {tcp.get(), tls.get(), sapient.get()})
    if (l) l->Stop();
  for (auto* l : {udp.get(), asterix.get()})
    if (l) l->Stop();
  if (http) http->Stop();
  core->Stop();
  work.reset();
  io.stop();
  for (auto& t : io_threads) t.join();
  io_threads.clear();
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() { Stop(); }

Result<std::unique_ptr<Service>> Service::Create(const ServeConfig& config, std::ostream& log) {
  auto impl = std::make_unique<Impl>(config, log);
  if (Status s = impl->Load(); !s.ok()) return s;
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Status Service::Start() { return impl_->StartAll(); }
void Service::Stop() { impl_->StopAll(); }

const Clock& Service::clock() const { return *impl_->clock; }

ServiceEndpoints Service::endpoints() const {
  const Impl& m = *impl_;
  ServiceEndpoints e;
  if (m.http) e.http = m.http->port();
  if (m.tcp) e.tcp = m.tcp->port();
  if (m.udp) e.udp = m.udp->port();
  if (m.tls) e.tls = m.tls->port();
  if (m.asterix) e.asterix = m.asterix->port();
  if (m.sapient) e.sapient = m.sapient->port();
  return e;
}

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
}  // namespace

int RunServe(const ServeConfig& config, std::ostream& out, std::ostream& err) {
  auto service = Service::Create(config, err);
  if (!service.ok()) {
    err << "tocsin serve: " << service.status().message() << "\n";
    return 1;
  }
  if (Status s = (*service)->Start(); !s.ok()) {
    err << "tocsin serve: " << s.message() << "\n";
    return 2;
  }
  const auto e = (*service)->endpoints();
  const std::string host = config.http_address == "0.0.0.0" ? "127.0.0.1" : config.http_address;
  out << "tocsin serve: " << ToString(config.mode) << " mode, store "
      << (config.store.empty() ? std::string("(memory: not durable)") : config.store) << "\n"
      << "  console      http://" << host << ":" << e.http << "/\n"
      << "  API          http://" << host << ":" << e.http << "/api/health\n"
      << "  alert stream http://" << host << ":" << e.http << "/api/stream (SSE), /api/ws (WebSocket)\n"
      << "  CAP feed     http://" << host << ":" << e.http << "/cap/atom.xml\n"
      << "  metrics      http://" << host << ":" << e.http << "/metrics\n";
  if (e.tcp) out << "  ingest JSON lines TCP " << config.ingest_address << ":" << e.tcp << "\n";
  if (e.udp) out << "  ingest JSON lines UDP " << config.ingest_address << ":" << e.udp << "\n";
  if (e.tls) out << "  ingest JSON lines TLS " << config.ingest_address << ":" << e.tls << "\n";
  if (e.asterix) out << "  ingest ASTERIX UDP " << config.ingest_address << ":" << e.asterix << "\n";
  if (e.sapient) out << "  ingest SAPIENT TCP " << config.ingest_address << ":" << e.sapient << "\n";
  out.flush();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  out << "tocsin serve: stopping\n";
  (*service)->Stop();
  return 0;
}

}  // namespace tocsin::server
