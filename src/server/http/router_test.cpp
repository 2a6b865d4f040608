#include "server/http/router.h"

#include <gtest/gtest.h>

namespace tocsin::server::http {
namespace {

Handler Named(std::string name) {
  return [name](const Request&) { return Response::Text(name); };
}

std::string Call(const Router::Match& m) { return m.route ? m.route->handler(Request{}).body : ""; }

TEST(Router, ExactBeatsPrefixAndLongestPrefixWins) {
  Router r;
  r.Get("/api/health", Named("health"));
  r.HandlePrefix("GET", "/", Named("static"));
  r.HandlePrefix("GET", "/cap/", Named("cap"));
  r.HandlePrefix("GET", "/cap/alerts/", Named("cap-alert"));
  EXPECT_EQ(Call(r.Find("GET", "/api/health")), "health");
  EXPECT_EQ(Call(r.Find("GET", "/api/healthz")), "static");
  EXPECT_EQ(Call(r.Find("GET", "/cap/atom.xml")), "cap");
  EXPECT_EQ(Call(r.Find("GET", "/cap/alerts/A-1.xml")), "cap-alert");
  EXPECT_EQ(Call(r.Find("HEAD", "/api/health")), "health");
}

TEST(Router, WrongMethodIs405WithAllowAndUnknownIs404) {
  Router r;
  r.Get("/api/x", Named("get"));
  r.Post("/api/x", Named("post"));
  r.Post("/api/op", Named("op"));
  auto m = r.Find("DELETE", "/api/x");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
  EXPECT_EQ(r.Find("GET", "/api/op").allow, "POST");
  EXPECT_EQ(r.Find("GET", "/nope").status, 404);
  EXPECT_EQ(Call(r.Find("POST", "/api/x")), "post");
}

TEST(Router, StreamRoutesKeepTheirKind) {
  Router r;
  r.Sse("/api/stream", StreamEndpoint{.broadcaster = std::make_shared<Broadcaster>()});
  r.WebSocket("/api/ws", StreamEndpoint{.broadcaster = std::make_shared<Broadcaster>()});
  EXPECT_EQ(r.Find("GET", "/api/stream").route->kind, Route::Kind::kSse);
  EXPECT_EQ(r.Find("GET", "/api/ws").route->kind, Route::Kind::kWebSocket);
  EXPECT_EQ(r.Find("POST", "/api/stream").status, 405);
}

}  // namespace
}  // namespace tocsin::server::http
