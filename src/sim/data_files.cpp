#include "sim/data_files.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tocsin::sim {

Result<std::string> ResolveDataFile(const std::string& relative) {
  std::string searched;
  const char* dirs[] = {std::getenv("TOCSIN_DATA_DIR"), TOCSIN_DEFAULT_DATA_DIR};
  for (const char* dir : dirs) {
    if (dir == nullptr || *dir == '\0') continue;
    std::filesystem::path p = std::filesystem::path(dir) / relative;
    if (std::filesystem::is_regular_file(p)) return p.string();
    searched += (searched.empty() ? "" : ", ") + p.string();
  }
  return Status::Error("data file " + relative + " not found (searched " + searched +
                       "); set TOCSIN_DATA_DIR to the project's data folder");
}

Result<std::string> ResolveAttackPath(const std::string& name_or_path) {
  if (std::filesystem::is_regular_file(name_or_path)) return name_or_path;
  bool looks_like_name = name_or_path.find('/') == std::string::npos &&
                         name_or_path.find('.') == std::string::npos;
  if (!looks_like_name)
    return Status::Error(name_or_path + ": no such attack file; give a path or a preset name "
                         "(see data/presets/)");
  Result<std::string> p = ResolveDataFile("presets/" + name_or_path + ".json");
  if (!p.ok())
    return Status::Error("\"" + name_or_path + "\" is neither an attack file nor a preset: " +
                         p.status().message());
  return p;
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot open; check the path and permissions");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Error(path + ": read error");
  return ss.str();
}

}  // namespace tocsin::sim
