#include "ingest/net/udp_listener.h"

#include <algorithm>
#include <array>
#include <atomic>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/strand.hpp>

namespace tocsin::ingest::net {

namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {

// An IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 sender) as IPv4.
asio::ip::address Unmapped(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}

}  // namespace

struct UdpListener::Impl : std::enable_shared_from_this<UdpListener::Impl> {
  Impl(asio::io_context& io, UdpListenerConfig c, PayloadCallback cb, std::shared_ptr<IngestCounters> k)
      : config(std::move(c)), callback(std::move(cb)), counters(std::move(k)), socket(asio::make_strand(io)) {}

  void Receive() {
    auto self = shared_from_this();
    socket.async_receive_from(asio::buffer(buffer), sender, [self](const boost::system::error_code& ec, std::size_t n) {
      self->OnReceive(ec, n);
    });
  }

  void OnReceive(const boost::system::error_code& ec, std::size_t n) {
    if (stopped.load() || !socket.is_open()) return;
    if (!ec && !allowed.empty() &&
        std::find(allowed.begin(), allowed.end(), Unmapped(sender.address())) == allowed.end()) {
      counters->OnRejected(RejectReason::kUnknownSource, {});
    } else if (!ec) {
      counters->AddBytes(n);
      PeerInfo peer;
      peer.transport = Transport::kUdp;
      peer.remote = sender.address().to_string() + ":" + std::to_string(sender.port());
      peer.local_port = bound_port.load();
      std::string_view data(buffer.data(), n);
      if (config.mode == UdpMode::kRaw) {
        counters->OnMessage();
        callback(data, peer);
      } else {
        while (!data.empty() && !stopped.load()) {
          std::size_t nl = data.find('\n');
          std::string_view line = data.substr(0, nl);
          data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
          if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
          if (line.empty()) continue;
          if (line.size() > config.max_line_bytes) {
            counters->OnRejected(RejectReason::kTooLong, {});
            continue;
          }
          counters->OnMessage();
          callback(line, peer);
        }
      }
    }
    // Errors on a datagram socket (e.g. ICMP port unreachable reflected) are transient.
    Receive();
  }

  const UdpListenerConfig config;
  const PayloadCallback callback;
  const std::shared_ptr<IngestCounters> counters;
  udp::socket socket;
  udp::endpoint sender;
  std::array<char, 65536> buffer;
  std::vector<asio::ip::address> allowed;  // set before the first receive
  std::atomic<bool> stopped{false};
  std::atomic<std::uint16_t> bound_port{0};
};

UdpListener::UdpListener(asio::io_context& io, UdpListenerConfig config, PayloadCallback callback,
                         std::shared_ptr<IngestCounters> counters)
    : impl_(std::make_shared<Impl>(io, std::move(config), std::move(callback), std::move(counters))) {}

UdpListener::~UdpListener() { Stop(); }

Status UdpListener::Start() {
  const UdpListenerConfig& c = impl_->config;
  const std::string what = "UDP listener on " + c.address + ":" + std::to_string(c.port);
  boost::system::error_code ec;
  asio::ip::address addr = asio::ip::make_address(c.address, ec);
  if (ec) return Status::Error(what + ": \"" + c.address + "\" is not an IP address; use e.g. 127.0.0.1 or 0.0.0.0");
  for (const std::string& a : c.allowed_sources) {
    asio::ip::address allowed = asio::ip::make_address(a, ec);
    if (ec) return Status::Error(what + ": allowed source \"" + a + "\" is not an IP address; list sensor IP addresses");
    impl_->allowed.push_back(Unmapped(allowed));
  }
  udp::endpoint ep(addr, c.port);
  auto& s = impl_->socket;
  s.open(ep.protocol(), ec);
  if (!ec) {
    boost::system::error_code ignored;  // the kernel may cap the buffer; not fatal
    s.set_option(asio::socket_base::receive_buffer_size(c.receive_buffer_bytes), ignored);
    s.bind(ep, ec);
  }
  if (ec) {
    boost::system::error_code ignored;
    s.close(ignored);
    return Status::Error(what + ": " + ec.message() + "; choose a free port or stop the process using it");
  }
  impl_->bound_port.store(s.local_endpoint(ec).port());
  auto impl = impl_;
  asio::dispatch(s.get_executor(), [impl] { impl->Receive(); });
  return Status::Ok();
}

std::uint16_t UdpListener::port() const { return impl_->bound_port.load(); }

void UdpListener::Stop() {
  if (impl_->stopped.exchange(true)) return;
  auto impl = impl_;
  asio::dispatch(impl->socket.get_executor(), [impl] {
    boost::system::error_code ignored;
    impl->socket.close(ignored);
  });
}

}  // namespace tocsin::ingest::net
