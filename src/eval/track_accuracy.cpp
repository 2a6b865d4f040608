#include "eval/track_accuracy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <istream>
#include <limits>
#include <numeric>
#include <ostream>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "core/geo.h"
#include "track/ecef.h"
#include "track/track_log.h"

namespace tocsin::eval {

TrackLog ParseTrackLog(std::istream& in, const std::string& source_name) {
  TrackLog log;
  std::unordered_map<std::string, std::size_t> index;
  auto slot = [&](const std::string& id) -> TrackHistory& {
    auto [it, inserted] = index.try_emplace(id, log.tracks.size());
    if (inserted) log.tracks.push_back(TrackHistory{id, {}, std::nullopt});
    return log.tracks[it->second];
  };
  std::string line;
  while (std::getline(in, line)) {
    ++log.lines;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto record = track::ParseTrackLogLine(line);
    if (!record.ok()) {
      if (++log.bad_lines <= 10) {
        log.problems.push_back(source_name + ": line " + std::to_string(log.lines) + ": " +
                               record.status().message());
      }
      continue;
    }
    if (const auto* u = std::get_if<track::TrackUpdate>(&record.value())) {
      slot(u->id.str()).updates.push_back(TrackSample{u->time.seconds(), u->position.lat, u->position.lon, u->alt_m,
                                                      u->alt_known, u->vel_east, u->vel_north, u->vel_up});
    } else {
      const auto& e = std::get<track::TrackEnd>(record.value());
      TrackHistory& h = slot(e.id.str());
      if (!h.end_time || e.time.seconds() < *h.end_time) h.end_time = e.time.seconds();
    }
  }
  if (log.bad_lines > 10) {
    log.problems.push_back(source_name + ": " + std::to_string(log.bad_lines - 10) + " more bad lines not shown");
  }
  return log;
}

Result<TrackLog> ReadTrackLogFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::Error(path + ": cannot open the track log (write one with `tocsin replay --tracks FILE`; "
                         "format docs/track-log.md)");
  }
  return ParseTrackLog(in, path);
}

std::vector<int> MinCostAssignment(const std::vector<double>& cost, int rows, int cols) {
  std::vector<int> row_to_col(std::max(rows, 0), -1);
  if (rows <= 0 || cols <= 0) return row_to_col;
  const bool transpose = rows > cols;
  const int n = transpose ? cols : rows;  // n <= m
  const int m = transpose ? rows : cols;
  auto a = [&](int i, int j) {  // 1-based, i in [1, n], j in [1, m]
    return transpose ? cost[static_cast<std::size_t>(j - 1) * cols + (i - 1)]
                     : cost[static_cast<std::size_t>(i - 1) * cols + (j - 1)];
  };
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0), minv(m + 1);
  std::vector<int> p(m + 1, 0), way(m + 1, 0);
  std::vector<char> used(m + 1);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::fill(minv.begin(), minv.end(), kInf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      const int i0 = p[j0];
      double delta = kInf;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = a(i0, j) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  for (int j = 1; j <= m; ++j) {
    if (p[j] == 0) continue;
    if (transpose) {
      row_to_col[j - 1] = p[j] - 1;
    } else {
      row_to_col[p[j] - 1] = j - 1;
    }
  }
  return row_to_col;
}

namespace {

// A present object at a sample time: ECEF at its altitude and on the ellipsoid.
struct Point {
  track::Vec3 at_alt;
  track::Vec3 on_ground;
};

Point MakePoint(double lat, double lon, double alt) {
  return Point{track::ToEcef(lat, lon, alt), track::ToEcef(lat, lon, 0.0)};
}

double WrapLon(double lon) {
  while (lon > 180) lon -= 360;
  while (lon < -180) lon += 360;
  return lon;
}

struct DisjointSets {
  explicit DisjointSets(int n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int Find(int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(int a, int b) { parent[Find(a)] = Find(b); }
  std::vector<int> parent;
};

struct Edge {
  int threat, track;  // indices into this sample's present lists
  double d2;
};

struct Assigned {
  int threat, track;  // indices into the sample's lists
  double d2;
};

// GOSPA terms of one sample.
struct SampleResult {
  std::vector<Assigned> pairs;  // assigned within c
  double localisation = 0;      // sum of their d^2
  int missed = 0, falses = 0;
  int duplicates = 0;           // false tracks within c of some threat
};

// The optimal GOSPA assignment between `threats` and `tracks` (p = 2, alpha = 2,
// cut-off sqrt(c2)). Pairs within c split the problem into connected components; a
// pair at >= c costs c^2 whether assigned or not, so it never needs to be.
SampleResult AssignSample(const std::vector<const Point*>& threats, const std::vector<Point>& tracks,
                          const std::vector<char>& alt_known, double c2) {
  SampleResult result;
  const int n = static_cast<int>(threats.size());
  const int m = static_cast<int>(tracks.size());
  std::vector<Edge> edges;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < m; ++j) {
      const double d2 = alt_known[j] ? (threats[i]->at_alt - tracks[j].at_alt).squaredNorm()
                                     : (threats[i]->on_ground - tracks[j].on_ground).squaredNorm();
      if (d2 < c2) edges.push_back(Edge{i, j, d2});
    }
  }
  DisjointSets sets(n + m);
  for (const Edge& e : edges) sets.Join(e.threat, n + e.track);
  std::unordered_map<int, std::vector<const Edge*>> by_component;
  for (const Edge& e : edges) by_component[sets.Find(e.threat)].push_back(&e);
  std::vector<char> track_has_edge(m, 0), track_assigned(m, 0);
  for (const Edge& e : edges) track_has_edge[e.track] = 1;
  for (const auto& [root, comp] : by_component) {
    std::vector<int> rows, cols;
    for (const Edge* e : comp) {
      rows.push_back(e->threat);
      cols.push_back(e->track);
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    const int r = static_cast<int>(rows.size()), q = static_cast<int>(cols.size());
    std::vector<double> cost(static_cast<std::size_t>(r) * q, c2);
    for (const Edge* e : comp) {
      const int ri = static_cast<int>(std::lower_bound(rows.begin(), rows.end(), e->threat) - rows.begin());
      const int ci = static_cast<int>(std::lower_bound(cols.begin(), cols.end(), e->track) - cols.begin());
      cost[static_cast<std::size_t>(ri) * q + ci] = e->d2;
    }
    const std::vector<int> match = MinCostAssignment(cost, r, q);
    for (int ri = 0; ri < r; ++ri) {
      if (match[ri] < 0) continue;
      const double d2 = cost[static_cast<std::size_t>(ri) * q + match[ri]];
      if (!(d2 < c2)) continue;
      result.pairs.push_back(Assigned{rows[ri], cols[match[ri]], d2});
      result.localisation += d2;
      track_assigned[cols[match[ri]]] = 1;
    }
  }
  const int assigned = static_cast<int>(result.pairs.size());
  result.missed = n - assigned;
  result.falses = m - assigned;
  for (int j = 0; j < m; ++j) result.duplicates += !track_assigned[j] && track_has_edge[j];
  return result;
}

}  // namespace

TrackAccuracy ComputeTrackAccuracy(const Truth& truth, const TrackLog& log, const TrackAccuracyOptions& options) {
  TrackAccuracy acc;
  acc.options = options;
  acc.tracks = log.tracks.size();
  for (const TruthThreat& t : truth.threats) ++acc.by_kind[t.kind].threats;
  if (truth.threats.empty() || !(options.step_s > 0)) return acc;

  double start = std::numeric_limits<double>::infinity();
  for (const TruthThreat& t : truth.threats) start = std::min(start, t.points.front().time);
  if (truth.epoch > 0) start = std::min(start, truth.epoch);
  const double end = *truth.LastTime();
  const double c = options.cutoff_m;
  const double c2 = c * c;

  // Each track's updates in time order (stable: the log's order breaks ties).
  std::vector<std::vector<TrackSample>> updates(log.tracks.size());
  for (std::size_t k = 0; k < log.tracks.size(); ++k) {
    updates[k] = log.tracks[k].updates;
    std::stable_sort(updates[k].begin(), updates[k].end(),
                     [](const TrackSample& a, const TrackSample& b) { return a.time < b.time; });
  }
  std::vector<std::size_t> track_cursor(log.tracks.size(), 0), threat_cursor(truth.threats.size(), 0);
  std::vector<std::unordered_set<int>> ids_of_threat(truth.threats.size());
  std::map<ThreatCategory, double> sq_by_kind;
  double sq_sum = 0;
  double gospa_sum = 0, loc_sum = 0, missed_sum = 0, false_sum = 0, dup_sum = 0;
  std::size_t missed_count = 0, false_count = 0;

  std::vector<int> threats_now, tracks_now;
  std::vector<Point> threat_points, track_points;
  std::vector<char> track_alt_known;
  std::vector<char> threat_seen;
  std::size_t seen_active = 0, seen_missed_count = 0;
  double seen_gospa_sum = 0;
  const long long n_samples = static_cast<long long>(std::floor((end - start) / options.step_s)) + 1;
  for (long long s = 0; s < n_samples; ++s) {
    const double t = start + static_cast<double>(s) * options.step_s;
    ++acc.samples;
    threats_now.clear();
    threat_points.clear();
    threat_seen.clear();
    for (std::size_t i = 0; i < truth.threats.size(); ++i) {
      const auto& pts = truth.threats[i].points;
      if (t < pts.front().time || t > pts.back().time) continue;
      std::size_t& cur = threat_cursor[i];
      while (cur + 1 < pts.size() && pts[cur + 1].time <= t) ++cur;
      const TruthPoint& a = pts[cur];
      double lat = a.position.lat, lon = a.position.lon, alt = a.alt_m;
      if (cur + 1 < pts.size() && pts[cur + 1].time > a.time) {
        const TruthPoint& b = pts[cur + 1];
        const double f = (t - a.time) / (b.time - a.time);
        lat += f * (b.position.lat - a.position.lat);
        lon = WrapLon(lon + f * WrapLon(b.position.lon - a.position.lon));
        alt += f * (b.alt_m - a.alt_m);
      }
      threats_now.push_back(static_cast<int>(i));
      threat_points.push_back(MakePoint(lat, lon, alt));
      threat_seen.push_back(truth.threats[i].first_seen && t >= *truth.threats[i].first_seen);
    }
    tracks_now.clear();
    track_points.clear();
    track_alt_known.clear();
    for (std::size_t k = 0; k < updates.size(); ++k) {
      const auto& ups = updates[k];
      if (ups.empty() || t < ups.front().time) continue;
      if (log.tracks[k].end_time && t >= *log.tracks[k].end_time) continue;
      std::size_t& cur = track_cursor[k];
      while (cur + 1 < ups.size() && ups[cur + 1].time <= t) ++cur;
      const TrackSample& u = ups[cur];
      const double dt = t - u.time;
      if (dt > options.max_age_s) continue;
      const LocalTangentPlane plane(LatLon{u.lat, u.lon});
      const double lat = std::clamp(u.lat + u.vel_north * dt / plane.metres_per_degree_lat(), -90.0, 90.0);
      const double lon = WrapLon(u.lon + u.vel_east * dt / plane.metres_per_degree_lon());
      tracks_now.push_back(static_cast<int>(k));
      track_points.push_back(MakePoint(lat, lon, u.alt_m + u.vel_up * dt));
      track_alt_known.push_back(u.alt_known ? 1 : 0);
    }
    const int n = static_cast<int>(threats_now.size());
    const int m = static_cast<int>(tracks_now.size());
    for (int i : threats_now) ++acc.by_kind[truth.threats[i].kind].samples;
    acc.threat_samples += n;
    if (n == 0 && m == 0) continue;
    ++acc.active_samples;

    std::vector<const Point*> all(n), seen;
    for (int i = 0; i < n; ++i) {
      all[i] = &threat_points[i];
      if (threat_seen[i]) seen.push_back(&threat_points[i]);
    }
    const SampleResult r = AssignSample(all, track_points, track_alt_known, c2);
    for (const Assigned& pair : r.pairs) {
      const int threat = threats_now[pair.threat];
      sq_sum += pair.d2;
      ++acc.assigned;
      KindAccuracy& kind = acc.by_kind[truth.threats[threat].kind];
      ++kind.assigned;
      sq_by_kind[truth.threats[threat].kind] += pair.d2;
      ids_of_threat[threat].insert(tracks_now[pair.track]);
    }
    const double missed_cost = c2 / 2 * r.missed, false_cost = c2 / 2 * r.falses;
    gospa_sum += std::sqrt(r.localisation + missed_cost + false_cost);
    loc_sum += r.localisation;
    missed_sum += missed_cost;
    false_sum += false_cost;
    missed_count += r.missed;
    false_count += r.falses;
    dup_sum += r.duplicates;
    // The same with only the threats reported by then.
    acc.seen_threat_samples += seen.size();
    if (!seen.empty() || m > 0) {
      ++seen_active;
      const SampleResult rs = seen.size() == all.size() ? r : AssignSample(seen, track_points, track_alt_known, c2);
      acc.seen_assigned += rs.pairs.size();
      seen_gospa_sum += std::sqrt(rs.localisation + c2 / 2 * (rs.missed + rs.falses));
      seen_missed_count += rs.missed;
    }
  }
  if (acc.active_samples > 0) {
    const double a = static_cast<double>(acc.active_samples);
    acc.gospa_mean_m = gospa_sum / a;
    acc.localisation_mean_m2 = loc_sum / a;
    acc.missed_mean_m2 = missed_sum / a;
    acc.false_mean_m2 = false_sum / a;
    acc.missed_threats_mean = missed_count / a;
    acc.false_tracks_mean = false_count / a;
    acc.duplicate_tracks_mean = dup_sum / a;
  }
  if (seen_active > 0) {
    acc.seen_gospa_mean_m = seen_gospa_sum / seen_active;
    acc.seen_missed_threats_mean = static_cast<double>(seen_missed_count) / seen_active;
  }
  if (acc.assigned > 0) acc.rmse_m = std::sqrt(sq_sum / acc.assigned);
  for (auto& [kind, k] : acc.by_kind) {
    if (k.assigned > 0) k.rmse_m = std::sqrt(sq_by_kind[kind] / k.assigned);
  }
  std::size_t seen = 0, ids = 0;
  for (const auto& s : ids_of_threat) {
    if (s.empty()) continue;
    ++seen;
    ids += s.size();
  }
  if (seen > 0) acc.track_ids_per_threat_mean = static_cast<double>(ids) / seen;
  return acc;
}

namespace {

// `v` rounded to `decimals` places (the nearest double, so it prints short).
double Round(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

}  // namespace

nlohmann::ordered_json ToJson(const TrackAccuracy& a) {
  nlohmann::ordered_json j;
  j["step_s"] = a.options.step_s;
  j["cutoff_m"] = a.options.cutoff_m;
  j["max_age_s"] = a.options.max_age_s;
  j["samples"] = a.samples;
  j["active_samples"] = a.active_samples;
  j["tracks"] = a.tracks;
  j["gospa_mean_m"] = Round(a.gospa_mean_m, 1);
  j["gospa_localisation_mean_m2"] = Round(a.localisation_mean_m2, 1);
  j["gospa_missed_mean_m2"] = Round(a.missed_mean_m2, 1);
  j["gospa_false_mean_m2"] = Round(a.false_mean_m2, 1);
  j["missed_threats_mean"] = Round(a.missed_threats_mean, 3);
  j["false_tracks_mean"] = Round(a.false_tracks_mean, 3);
  j["duplicate_tracks_mean"] = Round(a.duplicate_tracks_mean, 3);
  j["threat_samples"] = a.threat_samples;
  j["assigned"] = a.assigned;
  j["coverage"] = a.threat_samples > 0 ? Round(static_cast<double>(a.assigned) / a.threat_samples, 4) : 0.0;
  if (a.assigned > 0) {
    j["rmse_m"] = Round(a.rmse_m, 1);
  } else {
    j["rmse_m"] = nullptr;
  }
  nlohmann::ordered_json by_kind = nlohmann::ordered_json::object();
  nlohmann::ordered_json cover_by_kind = nlohmann::ordered_json::object();
  for (const auto& [kind, k] : a.by_kind) {
    const std::string name(ToString(kind));
    if (k.assigned > 0) {
      by_kind[name] = Round(k.rmse_m, 1);
    } else {
      by_kind[name] = nullptr;
    }
    cover_by_kind[name] = k.samples > 0 ? Round(static_cast<double>(k.assigned) / k.samples, 4) : 0.0;
  }
  j["rmse_by_kind"] = by_kind;
  j["coverage_by_kind"] = cover_by_kind;
  j["seen_threat_samples"] = a.seen_threat_samples;
  j["seen_assigned"] = a.seen_assigned;
  j["seen_coverage"] =
      a.seen_threat_samples > 0 ? Round(static_cast<double>(a.seen_assigned) / a.seen_threat_samples, 4) : 0.0;
  j["seen_gospa_mean_m"] = Round(a.seen_gospa_mean_m, 1);
  j["seen_missed_threats_mean"] = Round(a.seen_missed_threats_mean, 3);
  j["track_ids_per_threat_mean"] = Round(a.track_ids_per_threat_mean, 2);
  return j;
}

void PrintTrackAccuracy(const TrackAccuracy& a, std::ostream& out) {
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "track accuracy (every %.0f s, GOSPA p=2 alpha=2 c=%.0f m, tracks older than %.0f s dropped)\n"
                "  GOSPA mean       %.1f m over %zu active samples (of %zu)\n"
                "  per sample       %.2f missed threats, %.2f false tracks (%.2f of them duplicates within c)\n",
                a.options.step_s, a.options.cutoff_m, a.options.max_age_s, a.gospa_mean_m, a.active_samples,
                a.samples, a.missed_threats_mean, a.false_tracks_mean, a.duplicate_tracks_mean);
  out << buf;
  std::snprintf(buf, sizeof buf, "  position RMSE    %.1f m over %zu assigned (threat, sample) of %zu (%.1f%%)\n",
                a.rmse_m, a.assigned, a.threat_samples,
                a.threat_samples > 0 ? 100.0 * a.assigned / a.threat_samples : 0.0);
  out << buf;
  for (const auto& [kind, k] : a.by_kind) {
    if (k.threats == 0) continue;
    std::snprintf(buf, sizeof buf, "    %-18s %zu threats, RMSE %.1f m, %.1f%% of samples tracked\n",
                  std::string(ToString(kind)).c_str(), k.threats, k.rmse_m,
                  k.samples > 0 ? 100.0 * k.assigned / k.samples : 0.0);
    out << buf;
  }
  std::snprintf(buf, sizeof buf,
                "  after first_seen GOSPA mean %.1f m, %.2f missed threats per sample, %.1f%% of samples tracked\n"
                "  track ids/threat %.2f\n",
                a.seen_gospa_mean_m, a.seen_missed_threats_mean,
                a.seen_threat_samples > 0 ? 100.0 * a.seen_assigned / a.seen_threat_samples : 0.0,
                a.track_ids_per_threat_mean);
  out << buf;
}

}  // namespace tocsin::eval
