#include "server/feed.h"

#include "core/clock.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>

#include <boost/asio.hpp>
#include <gtest/gtest.h>

namespace tocsin::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::string Plot(double t) {
  std::ostringstream o;
  o.precision(13);
  o << R"({"sensor":"RAD-1","time":)" << t << R"(,"kind":"radar","range_m":1000.0,"azimuth_deg":90.0})";
  return o.str();
}

// The server closes ingest connections that stay silent for its idle timeout; a feed
// whose scenario has a quiet stretch must reconnect, not die (it used to end with
// "the server closed the connection" and the demo lost its data).
TEST(FeedTest, FeedReconnectsWhenTheServerClosedItsIdleConnection) {
  const auto dir = std::filesystem::temp_directory_path() / ("tocsin-feed-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "reports.jsonl");
    out << Plot(1000.0) << "\n" << Plot(1003.0) << "\n" << Plot(1006.0) << "\n";
  }
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  const int port = acceptor.local_endpoint().port();
  std::vector<std::string> received;
  std::atomic<int> connections = 0, lines_read = 0;
  // The feed follows this clock, so report k+1 becomes due only after the server has
  // closed connection k: no race with the close, however loaded the machine.
  ManualClock clock(UnixTime(1000.0));
  std::thread server([&] {
    // Each connection: read one line, then close it as an idle timeout would.
    for (int k = 0; k < 3; ++k) {
      tcp::socket s(io);
      boost::system::error_code ec;
      acceptor.accept(s, ec);
      if (ec) return;
      ++connections;
      asio::streambuf buf;
      asio::read_until(s, buf, '\n', ec);
      if (ec) return;
      std::istream in(&buf);
      std::string line;
      std::getline(in, line);
      received.push_back(line);
      ++lines_read;
      s.close();
      clock.Set(UnixTime(1000.0 + 3.0 * (k + 1)));
    }
  });
  FeedConfig config;
  config.scenario_dir = dir.string();
  config.port = port;
  config.follow = &clock;
  config.progress = false;
  // A feed that lost a report waits for a clock that never moves: stop it after 10 s.
  std::atomic<bool> stop = false;
  std::thread watchdog([&] {
    for (int waited_ms = 0; lines_read < 3 && waited_ms < 10000; waited_ms += 10)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stop = true;
  });
  std::ostringstream err;
  auto stats = Feed(config, err, &stop);
  watchdog.join();  // also lets the last connection, still in the accept queue, be read
  ::shutdown(acceptor.native_handle(), SHUT_RDWR);  // wakes a server still waiting to accept
  server.join();
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->sent, 3u);
  EXPECT_EQ(connections, 3);
  ASSERT_EQ(received.size(), 3u);
  EXPECT_NE(received[2].find("1006"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::server
