// Request and Response: what route handlers of the HTTP server see and return.
// Plain values, no Beast types, so handlers do not depend on the transport.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::server::http {

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  void Add(std::string name, std::string value);
  // The first field named `name` (any case), or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;       // upper case as sent: "GET", "POST", ...
  std::string target;       // raw request target, e.g. "/api/stream?zones=a%20b"
  std::string path;         // percent-decoded path without the query, e.g. "/api/stream"
  std::string path_suffix;  // for prefix routes: `path` after the prefix; else empty
  std::map<std::string, std::string> query;  // decoded ('+' = space); a repeated key keeps the last
  Headers headers;
  std::string body;         // at most ServerOptions::max_body_bytes
  std::string peer;         // remote IP address, e.g. "127.0.0.1"

  std::optional<std::string_view> Header(std::string_view name) const { return headers.Get(name); }
  // The decoded query parameter `name`, or `fallback` when absent.
  std::string Query(std::string_view name, std::string_view fallback = "") const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields, sent as given

  // `json` must already be serialised JSON.
  static Response Json(std::string json, int status = 200);
  // {"error": message} with `status`; message says what was wrong and what to do.
  static Response Error(int status, std::string_view message);
  static Response Text(std::string text, int status = 200,
                       std::string content_type = "text/plain; charset=utf-8");
  Response& WithHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Percent-decodes `in` ('+' becomes a space when `plus_is_space`). Returns nullopt
// for a malformed escape or an encoded NUL.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// Splits a raw target into decoded path and query. Returns nullopt when the target
// is not an origin-form path ("/...") or holds a malformed escape.
struct ParsedTarget {
  std::string path;
  std::map<std::string, std::string> query;
};
std::optional<ParsedTarget> ParseTarget(std::string_view target);

// `s` as a JSON string literal, quotes included.
std::string JsonString(std::string_view s);

}  // namespace tocsin::server::http
