// The parts of a running Service (private to src/server: service.cpp builds them,
// routes.cpp and metrics.cpp read them). Ownership: everything is owned here and
// destroyed in reverse order of declaration, so listeners and the HTTP server go
// before the pipeline, and the pipeline before the store.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "alert/policy.h"
#include "core/clock.h"
#include "ingest/asterix/convert.h"
#include "ingest/net/counters.h"
#include "ingest/net/key_file.h"
#include "ingest/net/line_ingest.h"
#include "ingest/net/stream_listener.h"
#include "ingest/net/udp_listener.h"
#include "ingest/sapient/sapient_ingest.h"
#include "ingest/sensor.h"
#include "publish/alerts_in_ua.h"
#include "publish/cap.h"
#include "publish/mqtt_publisher.h"
#include "server/fanout.h"
#include "server/http/http_server.h"
#include "server/live_core.h"
#include "server/operators.h"
#include "server/service.h"
#include "store/event_store.h"
#include "zones/catalog.h"

namespace tocsin::server {

struct Service::Impl {
  ServeConfig config;
  std::ostream& log;
  std::unique_ptr<Clock> clock;
  std::unique_ptr<zones::Catalog> catalog;
  std::string zones_path, regions_path;  // GeoJSON served to the console
  std::shared_ptr<ingest::SensorIndex> sensors;
  alert::Policy policy;
  OperatorDirectory operators;
  std::shared_ptr<const ingest::net::SensorKeys> keys;
  publish::CapConfig cap;
  publish::PlaceNames places;

  std::unique_ptr<store::EventStore> store;
  std::unique_ptr<store::StoreReader> reader;  // HTTP history/audit queries
  std::unique_ptr<DecisionLog> decision_log;
  std::shared_ptr<http::Broadcaster> broadcaster;
  std::unique_ptr<publish::MqttPublisher> mqtt;
  std::unique_ptr<Fanout> fanout;
  std::unique_ptr<LiveCore> core;

  // Ingest.
  std::shared_ptr<ingest::net::IngestCounters> json_counters, asterix_counters, sapient_counters;
  std::unique_ptr<ingest::net::LineIngest> line_ingest;
  std::unique_ptr<ingest::sapient::SapientIngest> sapient_ingest;
  ingest::asterix::ReportConfig asterix_config;
  std::atomic<std::uint64_t> asterix_records{0}, asterix_rejected{0}, asterix_bad_datagrams{0};

  boost::asio::io_context io;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  std::unique_ptr<ingest::net::StreamListener> tcp, tls, sapient;
  std::unique_ptr<ingest::net::UdpListener> udp, asterix;
  std::unique_ptr<http::HttpServer> http;
  bool started = false;

  Impl(const ServeConfig& c, std::ostream& l) : config(c), log(l) {}
  ~Impl();

  Status Load();
  Status StartAll();
  void StopAll();
  bool OnJsonLine(std::string_view line, const ingest::net::PeerInfo& peer);
  void OnAsterix(std::string_view datagram, const ingest::net::PeerInfo& peer);
  bool OnSapient(std::string_view frame, const ingest::net::PeerInfo& peer);
  // Listener settings from the config (address, limits); the port is set by StartAll.
  ingest::net::StreamListenerConfig StreamConfig(ingest::net::Framing framing, std::size_t max_message_bytes,
                                                 std::optional<ingest::net::TlsServerConfig> tls_files) const;
  ingest::net::UdpListenerConfig UdpConfig(ingest::net::UdpMode mode, std::vector<std::string> allowed_sources) const;
  void RegisterRoutes(http::Router& router);
  std::string MetricsText() const;
};

}  // namespace tocsin::server
