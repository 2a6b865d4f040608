// Helpers for the publish tests: small hand-built catalogs, temporary files and
// running command-line tools (xmllint, mosquitto) as subprocesses.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zones/catalog.h"

namespace tocsin::publish::testing {

inline bool HaveProgram(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

inline std::string SharedDir() { return TOCSIN_SHARED_DIR; }
inline std::string CapXsd() { return SharedDir() + "/data/cap/CAP-v1.2.xsd"; }

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "tocsin-publish-XXXXXX").string();
    if (!::mkdtemp(templ.data())) std::abort();
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command, capturing stdout+stderr.
inline CommandResult RunCommand(const std::string& cmd) {
  CommandResult r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Square zones in a row at lat 32 (lon 34.8 + 0.1 i), with the given names.
inline std::string SquareCatalogJson(const std::vector<std::string>& names, const std::string& id_prefix = "IL-",
                                     double shelter_s = 90, bool with_hole = false) {
  std::string out = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double w = 34.8 + 0.1 * static_cast<double>(i), e = w + 0.1, s = 32.0, n = 32.1;
    auto pt = [](double lon, double lat) { return "[" + std::to_string(lon) + "," + std::to_string(lat) + "]"; };
    std::string rings = "[" + pt(w, s) + "," + pt(e, s) + "," + pt(e, n) + "," + pt(w, n) + "," + pt(w, s) + "]";
    if (with_hole)
      rings += ",[" + pt(w + 0.04, s + 0.04) + "," + pt(w + 0.06, s + 0.04) + "," + pt(w + 0.06, s + 0.06) + "," +
               pt(w + 0.04, s + 0.06) + "," + pt(w + 0.04, s + 0.04) + "]";
    out += std::string(i ? "," : "") + R"({"type":"Feature","properties":{"id":")" + id_prefix + std::to_string(i + 1) +
           R"(","name":")" + names[i] + R"(","parent":"R1","district":"D1","shelter_s":)" + std::to_string(shelter_s) +
           R"(},"geometry":{"type":"Polygon","coordinates":[)" + rings + "]}}";
  }
  return out + "]}";
}

inline zones::Catalog LoadCatalogOrDie(const std::string& json) {
  auto c = zones::Catalog::LoadText(json, "test-squares");
  if (!c.ok()) {
    ADD_FAILURE() << c.status().message();
    std::abort();
  }
  return std::move(c).value();
}

}  // namespace tocsin::publish::testing
