#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "zones/catalog.h"

namespace tocsin::zones {
namespace fs = std::filesystem;

Result<std::string> ResolveCatalogPath(const std::string& name_or_path) {
  if (name_or_path.empty())
    return Status::Error("no zone catalog given (give a name such as ua-hromadas or a path)");
  std::error_code ec;
  if (fs::is_regular_file(name_or_path, ec)) return name_or_path;
  const bool looks_like_path = name_or_path.find('/') != std::string::npos ||
                               name_or_path.find(".geojson") != std::string::npos ||
                               name_or_path.find(".json") != std::string::npos;
  if (looks_like_path)
    return Status::Error("zone catalog " + name_or_path + " does not exist (no such file)");

  std::vector<std::string> dirs;
  if (const char* env = std::getenv("TOCSIN_DATA_DIR"); env && *env) dirs.push_back(env);
#ifdef TOCSIN_DATA_DIR
  dirs.push_back(TOCSIN_DATA_DIR);
#endif
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    dirs.push_back((fs::path(exe).parent_path() / ".." / "share" / "tocsin").lexically_normal().string());
  }
  std::string searched;
  for (const std::string& dir : dirs) {
    const std::string candidate = (fs::path(dir) / "zones" / (name_or_path + ".geojson")).string();
    if (fs::is_regular_file(candidate, ec)) return candidate;
    searched += "\n  " + candidate;
  }
  return Status::Error("zone catalog '" + name_or_path + "' not found; searched:" + searched +
                       "\nSet TOCSIN_DATA_DIR to the directory holding zones/, or give a path "
                       "to a GeoJSON file.");
}

}  // namespace tocsin::zones
