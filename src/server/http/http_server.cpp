#include "server/http/http_server.h"

#include <chrono>
#include <future>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "server/http/server_core.h"

namespace tocsin::server::http {
namespace bhttp = beast::http;

namespace {

// One keep-alive HTTP connection: read a request, dispatch, write, repeat.
class HttpSession : public SessionBase, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<HttpServer::Core> core, tcp::socket socket)
      : core_(std::move(core)), stream_(std::move(socket)), executor_(stream_.get_executor()) {}
  ~HttpSession() override { core_->Unregister(this); }

  void Start() {
    if (!core_->Register(this, weak_from_this())) return;  // stopping: drop the socket
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string();
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  void Shutdown() override {
    // executor_, not stream_: the stream may have been handed to a stream session.
    net::post(executor_, [self = shared_from_this()] {
      if (self->handed_off_) return;  // the stream session closes itself
      self->stopping_ = true;
      boost::system::error_code ec;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      self->stream_.close();
    });
  }

 private:
  void ReadHeader() {
    if (stopping_) return;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(core_->options.max_header_bytes));
    parser_->body_limit(core_->options.max_body_bytes);
    stream_.expires_after(core_->options.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    if (auto len = parser_->content_length(); len && *len > core_->options.max_body_bytes) {
      return SendError(413, "request body of " + std::to_string(*len) + " bytes exceeds the limit of " +
                                std::to_string(core_->options.max_body_bytes) +
                                " bytes; send a smaller body");
    }
    if (parser_->is_done()) return Dispatch();
    auto expect = req[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->Close();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->Dispatch();
    });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || stopping_) {
      return Close();
    }
    if (ec == beast::error::timeout) {
      core_->timeouts.fetch_add(1, std::memory_order_relaxed);
      return Close();
    }
    if (ec == bhttp::error::header_limit) {
      return SendError(431, "request header block exceeds " + std::to_string(core_->options.max_header_bytes) +
                                " bytes; send fewer or shorter header fields");
    }
    if (ec == bhttp::error::body_limit) {
      return SendError(413, "request body exceeds the limit of " + std::to_string(core_->options.max_body_bytes) +
                                " bytes; send a smaller body");
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category()) {  // any other parse error
      return SendError(400, "malformed HTTP request (" + ec.message() + "); send a valid HTTP/1.1 request");
    }
    Close();  // socket error
  }

  void Dispatch() {
    core_->requests.fetch_add(1, std::memory_order_relaxed);
    auto& raw = parser_->get();
    Request req;
    req.method = std::string(raw.method_string());
    req.target = std::string(raw.target());
    req.peer = peer_;
    auto parsed = ParseTarget(req.target);
    if (!parsed) {
      return SendError(400, "malformed request target '" + req.target.substr(0, 200) +
                                "'; use an absolute path with valid %XX escapes");
    }
    req.path = std::move(parsed->path);
    req.query = std::move(parsed->query);
    for (const auto& f : raw) req.headers.Add(std::string(f.name_string()), std::string(f.value()));

    auto match = core_->router.Find(req.method, req.path);
    if (match.status == 404) {
      return SendError(404, "no such resource: " + req.path + "; see docs/http.md for the API");
    }
    if (match.status == 405) {
      Response r = Response::Error(405, "method " + req.method + " not allowed on " + req.path + "; use " + match.allow);
      r.WithHeader("Allow", match.allow);
      return Send(std::move(r), /*keep_alive=*/false);
    }
    const Route& route = *match.route;
    if (route.prefix) req.path_suffix = req.path.substr(route.path.size());

    if (route.kind != Route::Kind::kHandler && raw.method() != bhttp::verb::get) {
      Response r = Response::Error(405, "method " + req.method + " not allowed on the stream " + req.path + "; use GET");
      r.WithHeader("Allow", "GET");
      return Send(std::move(r), false);
    }
    if (route.kind == Route::Kind::kSse) {
      req.body = std::move(raw.body());
      stream_.expires_never();
      handed_off_ = true;
      StartSseSession(core_, std::move(stream_), route.stream, std::move(req));
      return;
    }
    if (route.kind == Route::Kind::kWebSocket) {
      if (!beast::websocket::is_upgrade(raw)) {
        Response r = Response::Error(426, "this path is a WebSocket endpoint; connect with a WebSocket client "
                                          "(Upgrade: websocket)");
        r.WithHeader("Upgrade", "websocket");
        return Send(std::move(r), false);
      }
      stream_.expires_never();
      handed_off_ = true;
      StartWebSocketSession(core_, std::move(stream_), route.stream, std::move(req), parser_->release());
      return;
    }

    bool keep_alive = raw.keep_alive();
    bool head = raw.method() == bhttp::verb::head;
    req.body = std::move(raw.body());
    Response res;
    try {
      res = route.handler(req);
    } catch (const std::exception& e) {
      res = Response::Error(500, std::string("internal error in the handler of ") + req.path + ": " + e.what() +
                                     "; report this to the operators");
    } catch (...) {
      res = Response::Error(500, "internal error in the handler of " + req.path + "; report this to the operators");
    }
    if (head) {
      head_length_ = res.body.size();
      res.body.clear();
    }
    Send(std::move(res), keep_alive, head);
  }

  // Error replies may leave part of the request unread (a body over the limit, a
  // malformed stream): the connection then ends with a lingering close, so the
  // client reads the reply instead of a reset.
  void SendError(int status, std::string message) {
    linger_ = true;
    Send(Response::Error(status, message), false);
  }

  void Send(Response r, bool keep_alive, bool head = false) {
    if (r.status >= 500) core_->errors_5xx.fetch_add(1, std::memory_order_relaxed);
    else if (r.status >= 400) core_->errors_4xx.fetch_add(1, std::memory_order_relaxed);
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, core_->options.server_name);
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    for (auto& [n, v] : r.headers) res->insert(n, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    if (head) {
      res->content_length(head_length_);
    } else if (r.status != 304 && r.status != 204) {
      res->prepare_payload();
    }
    stream_.expires_after(core_->options.read_timeout);
    if (head) {
      auto sr = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(*res);
      bhttp::async_write_header(stream_, *sr, [self = shared_from_this(), res, sr, keep_alive](beast::error_code ec, size_t) {
        self->AfterWrite(ec, keep_alive);
      });
      return;
    }
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
      self->AfterWrite(ec, keep_alive);
    });
  }

  void AfterWrite(beast::error_code ec, bool keep_alive) {
    if (!ec && linger_) return LingeringClose();
    if (ec || !keep_alive) return Close();
    ReadHeader();
  }

  // Closing a socket with unread input makes the kernel send a reset, which can
  // destroy the reply before the client reads it. So: stop sending, then read and
  // discard until the client closes, kLingerBytes are drained or kLingerTime passes
  // (as nginx's lingering_close does).
  void LingeringClose() {
    static constexpr size_t kLingerBytes = 1 << 20;
    static constexpr auto kLingerTime = std::chrono::seconds(2);
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || stopping_) return stream_.close();
    stream_.expires_after(kLingerTime);
    drain_.resize(16 * 1024);
    DrainUntilClosed(kLingerBytes);
  }

  void DrainUntilClosed(size_t budget) {
    if (stopping_) return;
    stream_.async_read_some(net::buffer(drain_),
                            [self = shared_from_this(), budget](beast::error_code ec, size_t n) {
                              if (ec || n >= budget) return self->stream_.close();
                              self->DrainUntilClosed(budget - n);
                            });
  }

  void Close() {
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  std::shared_ptr<HttpServer::Core> core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  net::any_io_executor executor_;
  std::string peer_;
  size_t head_length_ = 0;
  std::vector<char> drain_;  // discarded input during a lingering close; sized only then
  bool linger_ = false;  // the reply is an error: close by LingeringClose
  bool stopping_ = false;
  bool handed_off_ = false;  // stream_ moved into an SSE/WebSocket session
};

void Accept(std::shared_ptr<HttpServer::Core> core) {
  core->acceptor.async_accept(net::make_strand(core->ioc), [core](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !core->acceptor.is_open()) return;
    if (!ec) {
      core->accepted.fetch_add(1, std::memory_order_relaxed);
      // Stream frames are small and latency matters: no Nagle delay.
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<HttpSession>(core, std::move(socket))->Start();
    }
    if (ec) {
      // Errors such as EMFILE (out of descriptors): retry after a pause, not in a busy loop.
      auto timer = std::make_shared<net::steady_timer>(core->acceptor.get_executor(), std::chrono::milliseconds(50));
      timer->async_wait([core, timer](beast::error_code) {
        if (core->acceptor.is_open()) Accept(core);
      });
      return;
    }
    Accept(core);
  });
}

}  // namespace

HttpServer::HttpServer(net::io_context& ioc, ServerOptions options)
    : ioc_(&ioc), threads_(0), core_(std::make_shared<Core>(ioc, std::move(options))) {}

HttpServer::HttpServer(ServerOptions options, int threads)
    : owned_ioc_(std::make_unique<net::io_context>(threads < 1 ? 1 : threads)),
      ioc_(owned_ioc_.get()),
      threads_(threads < 1 ? 1 : threads),
      core_(std::make_shared<Core>(*owned_ioc_, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

Router& HttpServer::router() { return core_->router; }

Status HttpServer::Start() {
  const auto& o = core_->options;
  boost::system::error_code ec;
  auto address = net::ip::make_address(o.address, ec);
  if (ec) {
    return Status::Error("HTTP listen address '" + o.address + "' is not an IP address (" + ec.message() +
                         "); use e.g. 127.0.0.1 or 0.0.0.0");
  }
  tcp::endpoint ep(address, o.port);
  auto fail = [&](const char* what) {
    std::string msg = std::string("cannot ") + what + " HTTP on " + o.address + ":" + std::to_string(o.port) +
                      ": " + ec.message() + "; choose another port or stop the process using it";
    boost::system::error_code ignored;
    core_->acceptor.close(ignored);
    return Status::Error(msg);
  };
  core_->acceptor.open(ep.protocol(), ec);
  if (ec) return fail("open");
  core_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  core_->acceptor.bind(ep, ec);
  if (ec) return fail("bind");
  core_->acceptor.listen(o.backlog, ec);
  if (ec) return fail("listen on");
  net::post(core_->acceptor.get_executor(), [core = core_] { Accept(core); });
  if (owned_ioc_) {
    for (int i = 0; i < threads_; ++i) pool_.emplace_back([this] { ioc_->run(); });
  }
  return Status::Ok();
}

uint16_t HttpServer::port() const {
  boost::system::error_code ec;
  auto ep = core_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpServer::Stop() {
  if (!core_) return;
  // Closing the acceptor from this thread races with an accept in progress on an io
  // thread; post it so it runs on the io_context like every other acceptor use.
  if (owned_ioc_ ? !pool_.empty() : !ioc_->stopped()) {
    auto done = std::make_shared<std::promise<void>>();
    auto fut = done->get_future();
    net::post(ioc_->get_executor(), [core = core_, done] {
      boost::system::error_code ec;
      core->acceptor.close(ec);
      done->set_value();
    });
    // When nobody runs the io_context no accept is in progress: close here.
    if (fut.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
      boost::system::error_code ec;
      core_->acceptor.close(ec);
    }
  } else {
    boost::system::error_code ec;
    core_->acceptor.close(ec);
  }
  core_->ShutdownAll();
  if (owned_ioc_) {
    // Let sessions unwind, then stop the threads.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (core_->open() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ioc_->stop();
    for (auto& t : pool_) t.join();
    pool_.clear();
  }
}

HttpServer::Stats HttpServer::stats() const {
  Stats s;
  s.connections_accepted = core_->accepted.load();
  s.connections_open = core_->open();
  s.requests = core_->requests.load();
  s.errors_4xx = core_->errors_4xx.load();
  s.errors_5xx = core_->errors_5xx.load();
  s.timeouts = core_->timeouts.load();
  s.streams_open = core_->streams_open.load();
  return s;
}

}  // namespace tocsin::server::http
