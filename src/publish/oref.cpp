#include "publish/oref.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "publish/time_format.h"

namespace tocsin::publish {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kTitleMissiles = "ירי רקטות וטילים";
constexpr const char* kTitleAircraft = "חדירת כלי טיס עוין";
constexpr const char* kTitleEarly = "בדקות הקרובות צפויות להתקבל התרעות באזורך";
constexpr const char* kTitleEnded = "האירוע הסתיים";
constexpr const char* kDrillSuffix = " - תרגיל";

constexpr const char* kDescShelter = "היכנסו למרחב המוגן ושהו בו 10 דקות";
constexpr const char* kDescEarly =
    "על תושבי האזורים הבאים לשפר את המיקום למיגון המיטבי בקרבתך. במקרה של קבלת התרעה, יש להיכנס למרחב המוגן ולשהות בו "
    "עד להודעה חדשה.";
constexpr const char* kDescEnded = "השוהים במרחב המוגן יכולים לצאת.";

bool IsAircraft(ThreatCategory c) { return c == ThreatCategory::kDrone || c == ThreatCategory::kAircraft; }

// The group an alert belongs to in Alerts.json; lower is more urgent.
enum class Group { kMissiles = 0, kAircraft = 1, kEarly = 2, kEnded = 3 };

Group GroupOf(const PublishedAlert& a) {
  if (a.kind == AlertKind::kPreAlert) return Group::kEarly;
  return IsAircraft(a.category) ? Group::kAircraft : Group::kMissiles;
}

std::string WithMode(const char* title, Mode mode) {
  return mode == Mode::kExercise ? std::string(title) + kDrillSuffix : std::string(title);
}

// Real-time categories ("cat"): 1 missiles, 6 aircraft intrusion, 10 news flash
// (early warnings and "event ended"). Drills use the history drill numbers.
std::string RealTimeCat(Group g, Mode mode) {
  if (mode == Mode::kExercise) {
    switch (g) {
      case Group::kMissiles: return "15";
      case Group::kAircraft: return "16";
      case Group::kEarly: return "28";
      case Group::kEnded: return "27";
    }
  }
  switch (g) {
    case Group::kMissiles: return "1";
    case Group::kAircraft: return "6";
    case Group::kEarly:
    case Group::kEnded: return "10";
  }
  return "1";
}

std::string TitleOf(Group g, Mode mode) {
  switch (g) {
    case Group::kMissiles: return WithMode(kTitleMissiles, mode);
    case Group::kAircraft: return WithMode(kTitleAircraft, mode);
    case Group::kEarly: return WithMode(kTitleEarly, mode);
    case Group::kEnded: return WithMode(kTitleEnded, mode);
  }
  return WithMode(kTitleMissiles, mode);
}

// Windows FILETIME (100 ns ticks since 1601-01-01) of t, as a decimal string.
std::string FileTimeId(UnixTime t) {
  const auto ticks = static_cast<std::uint64_t>(std::llround((t.seconds() + 11644473600.0) * 1e7));
  return std::to_string(ticks);
}

// Pre-alerts whose zone was under an alert when they ended: the pre-alert was
// superseded, not lifted, and announcing "event ended" then would tell people
// to leave the shelter while the alert is on.
class Superseded {
 public:
  explicit Superseded(std::span<const PublishedAlert> alerts) {
    for (const auto& a : alerts)
      if (a.kind == AlertKind::kAlert) by_zone_[a.zone_id.str()].push_back(&a);
  }
  bool operator()(const PublishedAlert& pre) const {
    if (pre.kind != AlertKind::kPreAlert || !pre.ended) return false;
    auto it = by_zone_.find(pre.zone_id.str());
    if (it == by_zone_.end()) return false;
    for (const PublishedAlert* a : it->second)
      if (a->started <= *pre.ended && (!a->ended || *a->ended > *pre.ended)) return true;
    return false;
  }

 private:
  std::unordered_map<std::string, std::vector<const PublishedAlert*>> by_zone_;
};

}  // namespace

int OrefHistoryCategory(AlertKind kind, ThreatCategory category, Mode mode) {
  const bool drill = mode == Mode::kExercise;
  if (kind == AlertKind::kPreAlert) return drill ? 28 : 14;
  if (IsAircraft(category)) return drill ? 16 : 2;
  return drill ? 15 : 1;
}

std::string OrefTitle(AlertKind kind, ThreatCategory category, Mode mode) {
  PublishedAlert a;
  a.kind = kind;
  a.category = category;
  return TitleOf(GroupOf(a), mode);
}

std::string FormatOrefAlertsJson(std::span<const PublishedAlert> alerts, UnixTime now, Mode mode,
                                 const OrefOptions& options) {
  const Superseded superseded(alerts);
  // Pick the most urgent non-empty group.
  std::optional<Group> best;
  for (const auto& a : alerts) {
    if (a.started > now) continue;
    if (a.active()) {
      const Group g = GroupOf(a);
      if (!best || g < *best) best = g;
    } else if (*a.ended <= now && now - *a.ended <= options.end_notice && !superseded(a)) {
      if (!best) best = Group::kEnded;
    }
  }
  if (!best) return {};
  std::vector<std::string> names;
  std::set<std::string> seen;
  UnixTime newest(-1e18);
  for (const auto& a : alerts) {
    if (a.started > now) continue;
    bool in = false;
    UnixTime t = a.started;
    if (*best == Group::kEnded) {
      in = !a.active() && *a.ended <= now && now - *a.ended <= options.end_notice && !superseded(a);
      if (in) t = *a.ended;
    } else {
      in = a.active() && GroupOf(a) == *best;
      if (in && !a.updates.empty()) t = a.updates.back();
    }
    if (!in) continue;
    newest = std::max(newest, t);
    if (seen.insert(a.zone_name).second) names.push_back(a.zone_name);
  }
  json j = json::object();
  j["id"] = FileTimeId(newest);
  j["cat"] = RealTimeCat(*best, mode);
  j["title"] = TitleOf(*best, mode);
  j["data"] = names;
  j["desc"] = *best == Group::kEnded ? kDescEnded : (*best == Group::kEarly ? kDescEarly : kDescShelter);
  if (mode == Mode::kExercise) j["mode"] = "exercise";
  return j.dump();
}

std::string FormatOrefAlertsHistoryJson(std::span<const PublishedAlert> alerts, UnixTime now, Mode mode,
                                        const OrefOptions& options) {
  struct Row {
    UnixTime time;
    std::string title;
    const std::string* name;
    int category;
  };
  std::vector<Row> rows;
  const UnixTime since = now - options.history_window;
  const Superseded superseded(alerts);
  for (const auto& a : alerts) {
    if (a.started <= now && a.started >= since)
      rows.push_back({a.started, TitleOf(GroupOf(a), mode), &a.zone_name, OrefHistoryCategory(a.kind, a.category, mode)});
    if (a.ended && *a.ended <= now && *a.ended >= since && !superseded(a))
      rows.push_back({*a.ended, TitleOf(Group::kEnded, mode), &a.zone_name, mode == Mode::kExercise ? 27 : 13});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) { return x.time > y.time; });
  if (rows.size() > options.max_history_rows) rows.resize(options.max_history_rows);
  json out = json::array();
  for (const Row& r : rows) {
    json o = json::object();
    o["alertDate"] = FormatIsraelLocal(r.time);
    o["title"] = r.title;
    o["data"] = *r.name;
    o["category"] = r.category;
    if (mode == Mode::kExercise) o["mode"] = "exercise";
    out.push_back(std::move(o));
  }
  return out.dump();
}

}  // namespace tocsin::publish
