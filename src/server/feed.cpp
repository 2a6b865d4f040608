#include "server/feed.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>

#include "core/clock.h"
#include "ingest/net/key_file.h"
#include "ingest/net/line_ingest.h"
#include "ingest/report_json.h"

namespace tocsin::server {

namespace asio = boost::asio;

namespace {

struct Line {
  double time;
  std::string json;
};

Result<std::vector<Line>> ReadLines(const std::string& dir, std::ostream& err, std::uint64_t* skipped) {
  const std::string path = dir + "/reports.jsonl";
  std::ifstream in(path);
  if (!in) return Status::Error(path + ": cannot open; give a scenario folder (spec/scenario.md)");
  std::vector<Line> out;
  std::string line;
  long n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto r = ingest::ParseReportLine(line, nullptr, path + ":" + std::to_string(n));
    if (!r.ok()) {
      if (++*skipped <= 3) err << "tocsin feed: skipped " << r.status().message() << "\n";
      continue;
    }
    out.push_back({r->time.seconds(), line});
  }
  std::stable_sort(out.begin(), out.end(), [](const Line& a, const Line& b) { return a.time < b.time; });
  return out;
}

}  // namespace

Result<FeedStats> Feed(const FeedConfig& config, std::ostream& err, const std::atomic<bool>* stop) {
  if (!(config.speed > 0)) return Status::Error("--speed must be > 0");
  FeedStats stats;
  auto lines = ReadLines(config.scenario_dir, err, &stats.skipped);
  if (!lines.ok()) return lines.status();
  if (lines->empty()) return Status::Error(config.scenario_dir + "/reports.jsonl holds no report");
  std::optional<ingest::net::SensorKeys> keys;
  if (!config.keys.empty()) {
    auto k = ingest::net::LoadSensorKeys(config.keys);
    if (!k.ok()) return k.status();
    keys = std::move(k).value();
  }
  asio::io_context io;
  asio::ip::tcp::socket tcp(io);
  asio::ip::udp::socket udp(io);
  asio::ip::udp::endpoint udp_to;
  boost::system::error_code ec;
  if (config.udp) {
    asio::ip::udp::resolver res(io);
    auto eps = res.resolve(config.host, std::to_string(config.port), ec);
    if (ec) return Status::Error("cannot resolve " + config.host + ": " + ec.message());
    udp_to = *eps.begin();
    udp.open(udp_to.protocol(), ec);
  }
  // (Re)connects the TCP socket; the server closes connections that stay silent for
  // its idle timeout (quiet stretches of a scenario), so a failed write reconnects once.
  auto connect_tcp = [&]() -> Status {
    boost::system::error_code cec;
    tcp.close(cec);
    asio::ip::tcp::resolver res(io);
    auto eps = res.resolve(config.host, std::to_string(config.port), cec);
    if (!cec) asio::connect(tcp, eps, cec);
    if (cec)
      return Status::Error("cannot connect to " + config.host + ":" + std::to_string(config.port) + " (" +
                           cec.message() + "); start `tocsin serve` first and give its ingest TCP port with --port");
    tcp.set_option(asio::ip::tcp::no_delay(true), cec);
    return Status::Ok();
  };
  if (!config.udp) {
    if (Status s = connect_tcp(); !s.ok()) return s;
  }
  const double t0 = lines->front().time;
  const double shift = config.retime ? config.retime_start.value_or(SystemClock().Now().seconds()) - t0 : 0.0;
  const auto wall0 = std::chrono::steady_clock::now() + std::chrono::duration<double>(config.start_offset_s);
  auto last_progress = std::chrono::steady_clock::now();
  std::string batch;
  for (std::size_t i = 0; i < lines->size();) {
    if (stop && *stop) break;
    // Everything due by now goes in one write.
    const auto now = std::chrono::steady_clock::now();
    const double due_scenario = config.follow ? config.follow->Now().seconds() - shift
                                              : t0 + std::chrono::duration<double>(now - wall0).count() * config.speed;
    batch.clear();
    std::size_t n = 0;
    while (i < lines->size() && (*lines)[i].time <= due_scenario && n < 20000) {
      const Line& l = (*lines)[i++];
      std::string json = l.json;
      if (config.retime) {
        auto r = ingest::ParseReportLine(l.json, nullptr, "reports.jsonl");
        r->time = UnixTime(l.time + shift);
        json = ingest::ReportToJsonLine(*r);
      }
      const ingest::net::HmacKey* key = nullptr;
      if (keys) {
        auto sensor = ingest::net::FindTopLevelString(json, "sensor");
        if (sensor) key = keys->Find(*sensor);
      }
      std::string out = key ? ingest::net::SignLine(json, *key) : json;
      if (config.udp) {
        udp.send_to(asio::buffer(out), udp_to, 0, ec);
        if (ec) return Status::Error("UDP send to " + config.host + " failed: " + ec.message());
      } else {
        batch += out;
        batch += '\n';
      }
      ++n;
    }
    if (!batch.empty()) {
      // A connection the server closed while we were silent reads as EOF: reconnect
      // before writing (a write into it could still succeed once and be lost).
      {
        boost::system::error_code pec;
        char probe[256];
        tcp.non_blocking(true, pec);
        tcp.read_some(asio::buffer(probe), pec);
        tcp.non_blocking(false, ec);
        if (pec && pec != asio::error::would_block && pec != asio::error::try_again) {
          if (Status s = connect_tcp(); !s.ok()) return s;
        }
      }
      asio::write(tcp, asio::buffer(batch), ec);
      if (ec) {  // closed while idle, or the server restarted: reconnect once and resend
        if (Status s = connect_tcp(); s.ok()) asio::write(tcp, asio::buffer(batch), ec);
        if (ec) return Status::Error("the server closed the connection (" + ec.message() + ") after " +
                                     std::to_string(stats.sent) + " reports; see the server's log");
      }
    }
    stats.sent += n;
    if (config.progress && now - last_progress > std::chrono::seconds(5)) {
      last_progress = now;
      err << "tocsin feed: " << stats.sent << "/" << lines->size() << " reports, scenario +"
          << static_cast<long>(due_scenario - t0) << " s\n";
    }
    if (i < lines->size() && n == 0) {
      const double rate = config.follow ? 1.0 : config.speed;
      const double wait = ((*lines)[i].time - due_scenario) / rate;
      std::this_thread::sleep_for(std::chrono::duration<double>(std::clamp(wait, 0.0, 0.05)));
    }
  }
  stats.scenario_s = lines->back().time - t0;
  stats.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return stats;
}

int RunFeed(const FeedConfig& config, std::ostream& out, std::ostream& err) {
  auto s = Feed(config, err);
  if (!s.ok()) {
    err << "tocsin feed: " << s.status().message() << "\n";
    return s.status().message().find("connect") != std::string::npos ? 2 : 1;
  }
  out << "tocsin feed: sent " << s->sent << " reports (" << s->skipped << " skipped) covering " << s->scenario_s
      << " scenario s in " << s->wall_s << " s\n";
  return 0;
}

}  // namespace tocsin::server
