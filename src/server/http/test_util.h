// Test helpers for tocsin_http: raw loopback sockets and curl as a subprocess.
#pragma once

#include <cerrno>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>

namespace tocsin::server::http::httptest {

inline int ConnectLoopback(uint16_t port, int rcvbuf = 0) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads until the peer closes, `stop` appears in what was read, or `timeout`.
// *closed tells whether the peer closed.
inline std::string ReadFor(int fd, std::chrono::milliseconds timeout, const std::string& stop = "",
                           bool* closed = nullptr) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (closed) *closed = false;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
    if (!stop.empty() && out.find(stop) != std::string::npos) break;
  }
  return out;
}

// Sends `request` on a new connection and returns everything read until close/timeout
// (or, with a non-empty `stop`, until `stop` has been read).
inline std::string RawExchange(uint16_t port, const std::string& request,
                               std::chrono::milliseconds timeout = std::chrono::milliseconds(3000),
                               bool* closed = nullptr, const std::string& stop = "") {
  int fd = ConnectLoopback(port);
  if (fd < 0) return "";
  SendAll(fd, request);
  std::string out = ReadFor(fd, timeout, stop, closed);
  ::close(fd);
  return out;
}

// Runs a shell command, returns its stdout.
inline std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

inline bool HaveCurl() { return RunCommand("command -v curl").find("curl") != std::string::npos; }

inline int CountOf(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

}  // namespace tocsin::server::http::httptest
