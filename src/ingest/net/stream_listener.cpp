#include "ingest/net/stream_listener.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace tocsin::ingest::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;

std::string EndpointText(const tcp::endpoint& ep) {
  std::string a = ep.address().to_string();
  if (ep.address().is_v6()) a = "[" + a + "]";
  return a + ":" + std::to_string(ep.port());
}

std::string PeerCommonName(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return {};
  char buf[256] = {0};
  int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof(buf));
  X509_free(cert);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Close() = 0;  // thread-safe: posts to the session's strand
};

struct StreamListener::Impl : std::enable_shared_from_this<StreamListener::Impl> {
  Impl(asio::io_context& io_, StreamListenerConfig c, VerdictCallback cb, std::shared_ptr<IngestCounters> k)
      : io(io_), config(std::move(c)), callback(std::move(cb)), counters(std::move(k)),
        acceptor(asio::make_strand(io_)) {}

  void Accept();
  void OnAccept(const boost::system::error_code& ec, tcp::socket socket);
  void Register(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard lock(mu);
    sessions[s.get()] = s;
  }
  void Unregister(SessionBase* s) {
    std::lock_guard lock(mu);
    sessions.erase(s);
  }

  asio::io_context& io;
  const StreamListenerConfig config;
  const VerdictCallback callback;
  const std::shared_ptr<IngestCounters> counters;
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> ssl;
  std::atomic<bool> stopped{false};
  std::atomic<std::uint16_t> bound_port{0};
  std::mutex mu;
  std::map<SessionBase*, std::weak_ptr<SessionBase>> sessions;  // guarded by mu
};

namespace {

using TlsStream = asio::ssl::stream<tcp::socket>;

// One connection. Stream is tcp::socket or ssl::stream<tcp::socket>.
template <typename Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(std::shared_ptr<StreamListener::Impl> owner, Stream stream, PeerInfo peer)
      : owner_(std::move(owner)), stream_(std::move(stream)), peer_(std::move(peer)),
        timer_(stream_.get_executor()), deadline_(stream_.get_executor()) {}
  Session(std::shared_ptr<StreamListener::Impl> owner, tcp::socket socket, asio::ssl::context& ctx, PeerInfo peer)
      : owner_(std::move(owner)), stream_(std::move(socket), ctx), peer_(std::move(peer)),
        timer_(stream_.get_executor()), deadline_(stream_.get_executor()) {}

  ~Session() override {
    owner_->counters->OnConnectionClosed();
    owner_->Unregister(this);
  }

  void Start() {
    owner_->counters->OnConnectionOpened();
    const auto now = Clock::now();
    auth_deadline_ = now + ToDuration(owner_->config.auth_timeout);
    last_message_ = now;
    ArmDeadline();
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      auto self = this->shared_from_this();
      timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(owner_->config.handshake_timeout.value())));
      timer_.async_wait([self](const boost::system::error_code& ec) {
        if (!ec && !self->handshaken_) self->Lowest().close();
      });
      stream_.async_handshake(asio::ssl::stream_base::server, [self](const boost::system::error_code& ec) {
        self->timer_.cancel();
        if (ec) {
          self->owner_->counters->OnRejected(RejectReason::kTlsHandshake, {});
          self->Shutdown();
          return;
        }
        self->handshaken_ = true;
        self->peer_.tls_common_name = PeerCommonName(self->stream_.native_handle());
        self->authenticated_sensor_ = self->peer_.tls_common_name;
        if (self->peer_.tls_common_name.empty()) {  // a certificate without a CN names no sensor
          self->owner_->counters->OnRejected(RejectReason::kTlsHandshake, {});
          self->Shutdown();
          return;
        }
        self->Read();
      });
    } else {
      Read();
    }
  }

  void Close() override {
    auto self = this->shared_from_this();
    asio::dispatch(stream_.get_executor(), [self] { self->Shutdown(); });
  }

 private:
  tcp::socket::lowest_layer_type& Lowest() { return stream_.lowest_layer(); }

  using Clock = std::chrono::steady_clock;

  // <= 0 (off): an unreachable duration.
  static Clock::duration ToDuration(Seconds s) {
    if (!(s.value() > 0)) return Clock::duration::max() / 4;
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.value()));
  }

  // The next instant a timeout can expire; Clock::time_point::max() when none can.
  Clock::time_point NextDeadline() const {
    Clock::time_point t = Clock::time_point::max();
    if (owner_->config.idle_timeout.value() > 0) t = last_message_ + ToDuration(owner_->config.idle_timeout);
    if (!authenticated_ && owner_->config.auth_timeout.value() > 0) t = std::min(t, auth_deadline_);
    return t;
  }

  // One timer per connection, re-armed only when it fires (not per message): on
  // wake-up it checks the deadlines against the current time.
  void ArmDeadline() {
    const Clock::time_point t = NextDeadline();
    if (t == Clock::time_point::max() || closed_) return;
    deadline_.expires_at(t);
    auto self = this->shared_from_this();
    deadline_.async_wait([self](const boost::system::error_code& ec) {
      if (ec || self->closed_) return;
      self->OnDeadline();
    });
  }

  void OnDeadline() {
    const Clock::time_point now = Clock::now();
    const auto& c = owner_->config;
    if (!authenticated_ && c.auth_timeout.value() > 0 && now >= auth_deadline_) {
      owner_->counters->OnRejected(RejectReason::kAuthTimeout, peer_.tls_common_name);
      Shutdown();
      return;
    }
    if (c.idle_timeout.value() > 0 && now >= last_message_ + ToDuration(c.idle_timeout)) {
      owner_->counters->OnRejected(RejectReason::kIdleTimeout, authenticated_sensor_);
      Shutdown();
      return;
    }
    ArmDeadline();
  }

  void Shutdown() {
    closed_ = true;
    deadline_.cancel();
    boost::system::error_code ignored;
    Lowest().shutdown(tcp::socket::shutdown_both, ignored);
    Lowest().close(ignored);
  }

  void Read() {
    auto self = this->shared_from_this();
    stream_.async_read_some(asio::buffer(chunk_), [self](const boost::system::error_code& ec, std::size_t n) {
      self->OnRead(ec, n);
    });
  }

  void OnRead(const boost::system::error_code& ec, std::size_t n) {
    if (n > 0) {
      owner_->counters->AddBytes(n);
      pending_.append(chunk_.data(), n);
      if (!Consume()) {
        Shutdown();
        return;
      }
    }
    if (ec || owner_->stopped.load()) {
      Shutdown();
      return;
    }
    Read();
  }

  // Hands every complete message in pending_ to the callback. False: close.
  bool Consume() {
    const std::size_t max = owner_->config.max_message_bytes;
    std::size_t pos = 0;
    bool keep = true;
    if (owner_->config.framing == Framing::kLines) {
      while (true) {
        std::size_t nl = pending_.find('\n', pos);
        if (nl == std::string::npos) break;
        std::string_view line(pending_.data() + pos, nl - pos);
        pos = nl + 1;
        if (line.size() > max) {
          TooLong();
          keep = false;
          break;
        }
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (!Deliver(line)) return false;
      }
      if (keep && pending_.size() - pos > max) {
        TooLong();
        keep = false;
      }
    } else {
      while (pending_.size() - pos >= 4) {
        const auto* p = reinterpret_cast<const unsigned char*>(pending_.data() + pos);
        std::uint32_t len = std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
                            (std::uint32_t(p[3]) << 24);
        if (len > max) {
          TooLong();
          keep = false;
          break;
        }
        if (pending_.size() - pos - 4 < len) break;
        std::string_view body(pending_.data() + pos + 4, len);
        pos += 4 + len;
        if (!Deliver(body)) return false;
      }
    }
    pending_.erase(0, pos);
    return keep;
  }

  bool Deliver(std::string_view payload) {
    if (owner_->stopped.load()) return false;
    owner_->counters->OnMessage();
    last_message_ = Clock::now();
    if (owner_->callback(payload, peer_)) authenticated_ = true;
    return true;
  }

  void TooLong() {
    // The sensor is not authenticated at this point (TLS CN excepted).
    owner_->counters->OnRejected(RejectReason::kTooLong, peer_.tls_common_name);
  }

  std::shared_ptr<StreamListener::Impl> owner_;
  Stream stream_;
  PeerInfo peer_;
  asio::steady_timer timer_;     // TLS handshake
  asio::steady_timer deadline_;  // auth and idle timeouts
  Clock::time_point auth_deadline_{};
  Clock::time_point last_message_{};
  bool authenticated_ = false;
  bool closed_ = false;
  std::string authenticated_sensor_;  // for counting: the TLS CN, when any
  bool handshaken_ = false;
  std::array<char, kReadChunk> chunk_;
  std::string pending_;
};

}  // namespace

void StreamListener::Impl::Accept() {
  auto self = shared_from_this();
  acceptor.async_accept(asio::make_strand(io), [self](const boost::system::error_code& ec, tcp::socket socket) {
    self->OnAccept(ec, std::move(socket));
  });
}

void StreamListener::Impl::OnAccept(const boost::system::error_code& ec, tcp::socket socket) {
  if (stopped.load() || !acceptor.is_open()) return;
  if (!ec) {
    std::size_t open = 0;
    {
      std::lock_guard lock(mu);
      open = sessions.size();
    }
    boost::system::error_code ignored;
    tcp::endpoint remote = socket.remote_endpoint(ignored);
    if (open >= config.max_connections) {
      counters->OnRejected(RejectReason::kTooManyConnections, {});
      socket.close(ignored);
    } else {
      PeerInfo peer;
      peer.transport = config.tls ? Transport::kTls : Transport::kTcp;
      peer.remote = EndpointText(remote);
      peer.local_port = bound_port.load();
      std::shared_ptr<SessionBase> base;
      if (ssl) {
        auto s = std::make_shared<Session<TlsStream>>(shared_from_this(), std::move(socket), *ssl, std::move(peer));
        base = s;
        Register(base);
        s->Start();
      } else {
        auto s = std::make_shared<Session<tcp::socket>>(shared_from_this(), std::move(socket), std::move(peer));
        base = s;
        Register(base);
        s->Start();
      }
    }
  }
  // Transient accept errors (e.g. too many open files) do not stop the listener.
  Accept();
}

StreamListener::StreamListener(asio::io_context& io, StreamListenerConfig config, VerdictCallback callback,
                               std::shared_ptr<IngestCounters> counters)
    : impl_(std::make_shared<Impl>(io, std::move(config), std::move(callback), std::move(counters))) {}

StreamListener::StreamListener(asio::io_context& io, StreamListenerConfig config, PayloadCallback callback,
                               std::shared_ptr<IngestCounters> counters)
    : StreamListener(io, std::move(config),
                     VerdictCallback([cb = std::move(callback)](std::string_view p, const PeerInfo& peer) {
                       cb(p, peer);
                       return true;
                     }),
                     std::move(counters)) {}

StreamListener::~StreamListener() { Stop(); }

Status StreamListener::Start() {
  const StreamListenerConfig& c = impl_->config;
  const std::string what = std::string(c.tls ? "TLS" : "TCP") + " listener on " + c.address + ":" + std::to_string(c.port);
  if (c.tls) {
    try {
      impl_->ssl.emplace(asio::ssl::context::tls_server);
      auto& ctx = *impl_->ssl;
      ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                      asio::ssl::context::single_dh_use);
      ctx.use_certificate_chain_file(c.tls->cert_file);
      ctx.use_private_key_file(c.tls->key_file, asio::ssl::context::pem);
      ctx.load_verify_file(c.tls->ca_file);
      ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    } catch (const boost::system::system_error& e) {
      impl_->ssl.reset();
      return Status::Error(what + ": cannot load TLS files (cert " + c.tls->cert_file + ", key " + c.tls->key_file +
                           ", CA " + c.tls->ca_file + "): " + e.what() + "; check the paths and that they are PEM");
    }
  }
  boost::system::error_code ec;
  asio::ip::address addr = asio::ip::make_address(c.address, ec);
  if (ec) return Status::Error(what + ": \"" + c.address + "\" is not an IP address; use e.g. 127.0.0.1 or 0.0.0.0");
  tcp::endpoint ep(addr, c.port);
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acc.close(ignored);
    return Status::Error(what + ": " + ec.message() + "; choose a free port or stop the process using it");
  }
  impl_->bound_port.store(acc.local_endpoint(ec).port());
  // The acceptor lives on its strand; start accepting there.
  auto impl = impl_;
  asio::dispatch(acc.get_executor(), [impl] { impl->Accept(); });
  return Status::Ok();
}

std::uint16_t StreamListener::port() const { return impl_->bound_port.load(); }

IngestCounters& StreamListener::counters() { return *impl_->counters; }

void StreamListener::Stop() {
  if (impl_->stopped.exchange(true)) return;
  auto impl = impl_;
  asio::dispatch(impl->acceptor.get_executor(), [impl] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(impl->mu);
    for (auto& [p, w] : impl->sessions)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->Close();
}

}  // namespace tocsin::ingest::net
