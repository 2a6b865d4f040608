#include "server/http/request.h"

#include <gtest/gtest.h>

namespace tocsin::server::http {
namespace {

TEST(ParseTarget, DecodesPathAndQuery) {
  auto t = ParseTarget("/api/alerts/history?zone=Kyiv%20City&since=17&limit=5&flag&q=a+b");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/alerts/history");
  EXPECT_EQ(t->query.at("zone"), "Kyiv City");
  EXPECT_EQ(t->query.at("since"), "17");
  EXPECT_EQ(t->query.at("flag"), "");
  EXPECT_EQ(t->query.at("q"), "a b");
  EXPECT_EQ(ParseTarget("/a%2Fb")->path, "/a/b");
}

TEST(ParseTarget, RejectsMalformedTargets) {
  EXPECT_FALSE(ParseTarget("relative"));
  EXPECT_FALSE(ParseTarget("http://host/abs"));
  EXPECT_FALSE(ParseTarget("/bad%zz"));
  EXPECT_FALSE(ParseTarget("/trunc%2"));
  EXPECT_FALSE(ParseTarget("/nul%00byte"));
  EXPECT_FALSE(ParseTarget("/x?a=%4"));
}

TEST(Headers, LookupIsCaseInsensitive) {
  Request r;
  r.headers.Add("Last-Event-ID", "42");
  EXPECT_EQ(r.Header("last-event-id").value_or(""), "42");
  EXPECT_FALSE(r.Header("Last-Event"));
}

TEST(Response, ErrorIsJsonWithEscapedMessage) {
  Response e = Response::Error(400, "bad \"zone\"\n");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.content_type, "application/json");
  EXPECT_EQ(e.body, R"({"error":"bad \"zone\"\n"})");
}

}  // namespace
}  // namespace tocsin::server::http
