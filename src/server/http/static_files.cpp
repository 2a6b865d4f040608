#include "server/http/static_files.h"

#include <fstream>
#include <sstream>
#include <system_error>

namespace tocsin::server::http {
namespace fs = std::filesystem;

std::string_view ContentTypeFor(std::string_view name) {
  size_t dot = name.rfind('.');
  std::string ext = dot == std::string_view::npos ? "" : std::string(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "html" || ext == "htm") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  if (ext == "ico") return "image/x-icon";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "geojson") return "application/geo+json";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "xml") return "application/xml";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "wasm") return "application/wasm";
  if (ext == "pbf") return "application/x-protobuf";
  return "application/octet-stream";
}

namespace {

bool SafeRelative(std::string_view rel) {
  if (rel.find('\\') != std::string_view::npos || rel.find('\0') != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    std::string_view seg = rel.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

bool Within(const fs::path& root, const fs::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (r->empty()) continue;  // trailing separator of root
    if (q == p.end() || *q != *r) return false;
  }
  return true;
}

}  // namespace

Handler StaticFiles(fs::path root_in) {
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::absolute(root_in, ec), ec);
  return [root, root_in](const Request& req) -> Response {
    std::string_view rel = req.path_suffix;
    while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
    if (!SafeRelative(rel)) {
      return Response::Error(404, "no such file: '" + req.path + "' (paths with '..' are refused)");
    }
    std::error_code ec;
    fs::path p = root / fs::path(std::string(rel));
    if (rel.empty() || fs::is_directory(p, ec)) p /= "index.html";
    fs::path real = fs::weakly_canonical(p, ec);
    if (ec || !Within(root, real) || !fs::is_regular_file(real, ec)) {
      return Response::Error(404, "no such file: '" + req.path + "' under the static root " +
                                      root_in.string());
    }
    auto size = fs::file_size(real, ec);
    auto mtime = fs::last_write_time(real, ec);
    std::string etag = "\"" + std::to_string(size) + "-" +
                       std::to_string(mtime.time_since_epoch().count()) + "\"";
    bool hashed = rel.rfind("assets/", 0) == 0 || rel.find("/assets/") != std::string_view::npos;
    std::string cache = hashed ? "public, max-age=31536000, immutable" : "no-cache";
    auto inm = req.Header("If-None-Match");
    if (inm && *inm == etag) {
      Response r;
      r.status = 304;
      r.content_type.clear();
      r.WithHeader("ETag", etag).WithHeader("Cache-Control", cache);
      return r;
    }
    std::ifstream in(real, std::ios::binary);
    if (!in) return Response::Error(403, "cannot read '" + req.path + "' (file permissions on the server)");
    std::ostringstream buf;
    buf << in.rdbuf();
    Response r;
    r.content_type = std::string(ContentTypeFor(real.filename().string()));
    r.body = std::move(buf).str();
    r.WithHeader("ETag", etag).WithHeader("Cache-Control", cache)
        .WithHeader("X-Content-Type-Options", "nosniff");
    return r;
  };
}

}  // namespace tocsin::server::http
