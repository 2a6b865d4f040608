// Static files: a Handler serving the files under a root directory (the web
// console's dist). Used through Router::Static(prefix, root).
//
// - "/" and directories serve their index.html; a missing file is a 404 JSON error.
// - Paths with "..", backslashes or NULs, and files resolving (symlinks included)
//   outside the root are refused (404), never read.
// - Content types by extension (.html .js .mjs .css .svg .png .json .map .ico .txt
//   .woff2 .wasm ..., else application/octet-stream).
// - Cache: files under an "assets/" directory (content-hashed names, Vite) are
//   `public, max-age=31536000, immutable`; everything else `no-cache` with an ETag
//   (size-mtime) so revalidation answers 304 Not Modified.
// Files are read per request (console assets are small). Thread-safe.
#pragma once

#include <filesystem>
#include <string_view>

#include "server/http/router.h"

namespace tocsin::server::http {

Handler StaticFiles(std::filesystem::path root);

// "text/javascript; charset=utf-8" etc. for a file name's extension.
std::string_view ContentTypeFor(std::string_view filename);

}  // namespace tocsin::server::http
