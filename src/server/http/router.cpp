#include "server/http/router.h"

#include <set>

#include "server/http/static_files.h"

namespace tocsin::server::http {

void Router::Add(Route r) { routes_.push_back(std::move(r)); }

void Router::Handle(std::string method, std::string path, Handler h) {
  Add(Route{std::move(method), std::move(path), false, Route::Kind::kHandler, std::move(h), {}});
}

void Router::HandlePrefix(std::string method, std::string prefix, Handler h) {
  Add(Route{std::move(method), std::move(prefix), true, Route::Kind::kHandler, std::move(h), {}});
}

void Router::Sse(std::string path, StreamEndpoint endpoint) {
  Add(Route{"GET", std::move(path), false, Route::Kind::kSse, nullptr, std::move(endpoint)});
}

void Router::WebSocket(std::string path, StreamEndpoint endpoint) {
  Add(Route{"GET", std::move(path), false, Route::Kind::kWebSocket, nullptr, std::move(endpoint)});
}

void Router::Static(std::string prefix, std::filesystem::path root) {
  HandlePrefix("GET", std::move(prefix), StaticFiles(std::move(root)));
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  // The routes matching the path: all exact ones if any, else those of the longest prefix.
  std::vector<const Route*> candidates;
  for (const Route& r : routes_) {
    if (!r.prefix && r.path == path) candidates.push_back(&r);
  }
  if (candidates.empty()) {
    size_t best = 0;
    for (const Route& r : routes_) {
      if (!r.prefix || path.substr(0, r.path.size()) != r.path) continue;
      if (r.path.size() > best) {
        best = r.path.size();
        candidates.clear();
      }
      if (r.path.size() == best) candidates.push_back(&r);
    }
  }
  Match m;
  if (candidates.empty()) {
    m.status = 404;
    return m;
  }
  std::string_view want = method == "HEAD" ? std::string_view("GET") : method;
  const Route* head_exact = nullptr;
  for (const Route* r : candidates) {
    if (r->method == method) head_exact = r;  // an explicit HEAD route wins
  }
  for (const Route* r : candidates) {
    if (head_exact) break;
    if (r->method == want) {
      m.route = r;
      return m;
    }
  }
  if (head_exact) {
    m.route = head_exact;
    return m;
  }
  std::set<std::string> allowed;
  for (const Route* r : candidates) {
    allowed.insert(r->method);
    if (r->method == "GET") allowed.insert("HEAD");
  }
  m.status = 405;
  for (const auto& a : allowed) m.allow += (m.allow.empty() ? "" : ", ") + a;
  return m;
}

}  // namespace tocsin::server::http
