#include "sim/weapon_profiles.h"

#include <cstdlib>

#include "sim/data_files.h"

namespace tocsin::sim {
namespace {

// Splits one CSV record; quotes may wrap fields and "" is a literal quote.
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

bool Contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

}  // namespace

Result<std::vector<WeaponProfile>> ParseWeaponProfiles(const std::string& text,
                                                       const std::string& source_name) {
  std::vector<WeaponProfile> out;
  std::vector<std::string> header;
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> f = SplitCsv(line);
    if (header.empty()) {
      header = f;
      if (header.size() < 13 || header[0] != "model_key")
        return Status::Error(source_name + ":1: not a weapon-profiles header (expected model_key,name,class,...)");
      continue;
    }
    if (f.size() < 13)
      return Status::Error(source_name + ":" + std::to_string(line_no) + ": " + std::to_string(f.size()) +
                           " columns, expected " + std::to_string(header.size()));
    auto col = [&](const char* name) -> std::string {
      for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return i < f.size() ? f[i] : std::string();
      return {};
    };
    auto error = [&](const char* column) {
      return Status::Error(source_name + ":" + std::to_string(line_no) + ": column " + column +
                           " is not a number");
    };
    WeaponProfile p;
    p.key = col("model_key");
    p.name = col("name");
    p.threat_class = col("class");
    p.typical_launch = col("typical_launch");
    struct Req { const char* column; double* out; };
    for (Req r : {Req{"cruise_speed_mps_min", &p.cruise_speed_min_mps}, Req{"cruise_speed_mps_max", &p.cruise_speed_max_mps},
                  Req{"range_km_min", &p.range_km_min}, Req{"range_km_max", &p.range_km_max}})
      if (!ParseDouble(col(r.column), r.out)) return error(r.column);
    struct Opt { const char* column; std::optional<double>* out; };
    for (Opt o : {Opt{"terminal_speed_mps", &p.terminal_speed_mps}, Opt{"alt_m_min", &p.alt_m_min},
                  Opt{"alt_m_max", &p.alt_m_max}, Opt{"apogee_km", &p.apogee_km}}) {
      std::string v = col(o.column);
      if (v.empty()) continue;
      double d = 0;
      if (!ParseDouble(v, &d)) return error(o.column);
      *o.out = d;
    }
    const std::string& c = p.threat_class;
    if (Contains(c, "UAV") || Contains(c, "loitering")) {
      p.category = ThreatCategory::kDrone;
    } else if (Contains(c, "artillery rocket")) {
      p.category = ThreatCategory::kRocket;
      p.model = FlightModel::kBallistic;
    } else if (Contains(c, "ballistic") || Contains(c, "SRBM") || Contains(c, "MRBM")) {
      p.category = ThreatCategory::kBallisticMissile;
      p.model = FlightModel::kBallistic;
    } else {
      p.category = ThreatCategory::kCruiseMissile;
    }
    out.push_back(std::move(p));
  }
  if (out.empty()) return Status::Error(source_name + ": no weapon profiles in the file");
  return out;
}

Result<std::vector<WeaponProfile>> ReadWeaponProfiles(const std::string& path) {
  std::string p = path;
  if (p.empty()) {
    Result<std::string> r = ResolveDataFile("threats/weapon-profiles.csv");
    if (!r.ok()) return r.status();
    p = *r;
  }
  Result<std::string> text = ReadTextFile(p);
  if (!text.ok()) return text.status();
  return ParseWeaponProfiles(*text, p);
}

const WeaponProfile* FindProfile(const std::vector<WeaponProfile>& profiles, const std::string& key) {
  for (const WeaponProfile& p : profiles)
    if (p.key == key) return &p;
  return nullptr;
}

}  // namespace tocsin::sim
