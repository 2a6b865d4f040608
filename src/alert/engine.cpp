#include "alert/engine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "alert/due_queue.h"

// How decisions stay cheap with thousands of tracks over the same zones: a zone's
// decision used to walk all its contributors each time. Now each zone keeps, per
// level, the set of contributors that touched it at its last decision ("touching"),
// and a DueQueue with, per contributor, the earliest time its Touches() value can
// change (arrival threshold reached, departure passed). A decision only re-examines
// the contributors that changed (replaced, added, removed) or whose time has come,
// so its cost does not grow with the number of other contributors.
// The held entry of a touching contributor is refreshed lazily: its release is
// "last decision time + hold", written out when it stops touching. Held entries not
// refreshed are kept in a set ordered by (release, append order), which gives both
// the entries to drop (release < now) and the one that decides an end (latest
// release, first appended among ties) — exactly what the per-decision scans gave.

namespace tocsin::alert {
namespace {

using zones::ZoneIndex;

constexpr int kPre = 0;    // level index: pre-alert
constexpr int kAlert = 1;  // level index: alert
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kNoTrack = std::numeric_limits<std::uint32_t>::max();

// Lower is more severe: decides the category of a start when arrivals tie.
int SeverityRank(ThreatCategory c) {
  switch (c) {
    case ThreatCategory::kBallisticMissile: return 0;
    case ThreatCategory::kRocket: return 1;
    case ThreatCategory::kCruiseMissile: return 2;
    case ThreatCategory::kDrone: return 3;
    case ThreatCategory::kAircraft: return 4;
    case ThreatCategory::kUnknown: return 5;
  }
  return 5;
}

// One track's claim on one zone. Per level: the earliest time the threat can be
// there and the latest it can still be there (+inf / -inf when no piece of that
// level reaches the zone).
struct Contribution {
  std::uint32_t track = kNoTrack;  // track slot
  ThreatCategory category = ThreatCategory::kUnknown;
  bool confident[2] = {false, false};  // confidence >= the level's minimum
  double arrival[2] = {kInf, kInf};
  double departure[2] = {-kInf, -kInf};
  // Bookkeeping of the zone, kept when the contribution is replaced (CopyBookkeeping):
  // the level's threats epoch in which this track was recorded as a threat;
  std::uint64_t recorded_epoch[2] = {0, 0};
  // whether it touched the level at the zone's last decision (then its held entry
  // is refreshed lazily);
  bool touching[2] = {false, false};
  // whether an operator cancelled the zone while it contributed;
  bool suppressed = false;
  // its place in the zone's contributor order (smaller: added earlier);
  std::uint64_t order = 0;
  // the id of its live item in the zone's check queue (0: none);
  std::uint64_t check_id = 0;
  // its index in ZoneState::members.
  std::uint32_t member_pos = 0;
};

void CopyBookkeeping(const Contribution& from, Contribution& to) {
  for (int l : {kPre, kAlert}) {
    to.recorded_epoch[l] = from.recorded_epoch[l];
    to.touching[l] = from.touching[l];
  }
  to.suppressed = from.suppressed;
  to.order = from.order;
  to.check_id = from.check_id;
  to.member_pos = from.member_pos;
}

// A track that touched a level of a zone: the level may end once `release` passed.
// While the track touches, `release` is refreshed lazily (see above).
struct Held {
  double release = -kInf;
  EndReason reason = EndReason::kThreatPassed;
  std::uint64_t seq = 0;  // append order (the order of the former held list)
  bool touching = false;  // refreshed lazily; not in Level::by_release
};

// A contribution's next check: when `now` reaches `key`, its Touches() may differ.
struct Check {
  double key;
  std::uint32_t track;
  std::uint64_t id;
};

struct Level {
  bool open = false;
  AlertId id;
  double started = 0;
  ThreatCategory category = ThreatCategory::kUnknown;
  // Every track that touched it while open; appended in any order, sorted (and
  // duplicates dropped) when read: SortedThreats(). Sorted inserts cost O(threats)
  // string moves per new track on zones with thousands of tracks. Null: empty. Once
  // handed out by SharedThreats() the vector is immutable (`threats_shared`): the
  // next change copies it first, so the lists handed out never change.
  mutable std::shared_ptr<std::vector<TrackId>> threats;
  mutable std::size_t threats_sorted = 0;  // length of the sorted, duplicate-free prefix
  mutable bool threats_shared = false;
  // The slots of the tracks recorded in `threats`. Threats adopted from a restored
  // log have none (a track among them recorded again is deduplicated on reading).
  std::unordered_set<std::uint32_t> threat_slots;
  // Changes whenever `threats` is emptied or replaced (never 0 once set).
  std::uint64_t threats_epoch = 0;
  // Held entries by track slot, and those not touching ordered by (release, seq, slot).
  std::unordered_map<std::uint32_t, Held> held;
  std::set<std::tuple<double, std::uint64_t, std::uint32_t>> by_release;
  int touching = 0;  // contributors touching at the last decision
  // `threats`, writable: copied first when it was handed out.
  std::vector<TrackId>& MutableThreats() {
    if (!threats) {
      threats = std::make_shared<std::vector<TrackId>>();
    } else if (threats_shared) {
      threats = std::make_shared<std::vector<TrackId>>(*threats);  // sorted, as every shared list
    }
    threats_shared = false;
    return *threats;
  }
  void ClearThreats(std::uint64_t epoch) {
    if (threats_shared) threats.reset();  // the lists handed out stay as they are
    else if (threats) threats->clear();
    threats_shared = false;
    threats_sorted = 0;
    threat_slots.clear();
    threats_epoch = epoch;
  }
  const std::vector<TrackId>& SortedThreats() const {
    static const std::vector<TrackId> kEmpty;
    if (!threats) return kEmpty;
    if (threats_sorted < threats->size()) {
      // Never shared here: a shared list is sorted, and appending copies it first.
      // Sort the appended tail and merge it in: O(tail log tail + threats).
      std::vector<TrackId>& v = *threats;
      const auto mid = v.begin() + static_cast<std::ptrdiff_t>(threats_sorted);
      std::sort(mid, v.end());
      std::inplace_merge(v.begin(), mid, v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      threats_sorted = v.size();
    }
    return *threats;
  }
  // The sorted list, shared: O(1) unless it changed since it was last handed out.
  ThreatList SharedThreats() const {
    if (!threats) return ThreatList();
    SortedThreats();
    threats_shared = true;
    return ThreatList(std::shared_ptr<const std::vector<TrackId>>(threats));
  }
  void ClearHeld() {
    held.clear();
    by_release.clear();
  }
};

struct ZoneState {
  std::vector<std::uint32_t> members;  // slots of the contributing tracks, any order
  Level level[2];
  DueQueue<Check> checks;
  double last_decided = -kInf;  // `now` of the last Evaluate
  bool in_active = false;
  // Gives back what the containers grew to, for a zone left quiet (no contributor, no
  // open level): every queued check is then stale (no contribution left), and the held
  // entries and recorded threats were cleared when its levels ended, so decisions
  // are unchanged. Otherwise every zone ever crossed keeps the capacity of its busiest
  // moment (replays of a night kept megabytes after the last track ended).
  void ReleaseMemory() {
    std::vector<std::uint32_t>().swap(members);
    checks = DueQueue<Check>();
    for (Level& L : level) {
      L.threats = decltype(L.threats)();  // emptied when the level ended; now its capacity too
      decltype(L.held)().swap(L.held);
      decltype(L.threat_slots)().swap(L.threat_slots);
    }
  }
};

struct TrackState {
  TrackId id;
  Danger danger;
  std::vector<std::pair<ZoneIndex, Contribution>> zones;  // ascending zone
  bool live = true;
  bool lost = false;
  double coast_until = 0;
};

bool Finite(double v) { return std::isfinite(v); }
bool ValidPoint(LatLon p) { return IsValidLatLon(p.lat, p.lon); }

// A lower bound of the first time t >= now at which one component of Touches()
// (confident && departure >= t && arrival - t <= window) can change value, or +inf.
double NextChange(bool confident, double arrival, double departure, double window, double now) {
  if (!confident || !(departure >= now)) return kInf;  // false from now on
  if (arrival - now <= window) {
    // True until t > departure (arrival - t only decreases as t grows).
    return departure == kInf ? kInf : std::nextafter(departure, kInf);
  }
  // False until arrival - t <= window, i.e. t >= arrival - window up to rounding:
  // check a little early (re-checked at every decision until it holds).
  const double threshold = (arrival - window) - (1e-3 + 1e-12 * (std::abs(arrival) + std::abs(window)));
  return std::isnan(threshold) ? kInf : threshold;
}

}  // namespace

struct AlertEngine::Impl {
  Impl(const zones::Catalog& c, Policy p, AlertSink& s, AlertIdAllocator::State ids)
      : catalog(c), policy(std::move(p)), sink(s), ids(ids), zones(c.zones().size()),
        is_dirty(c.zones().size(), 0) {
    for (ZoneIndex z = 0; z < c.zones().size(); ++z) {
      const auto& zone = c.zone(z);
      const std::string key = zone.parent.empty() ? "zone:" + zone.id.str() : zone.parent.str();
      region_of.push_back(key);
      region_zones[key].push_back(z);
    }
  }

  const zones::Catalog& catalog;
  Policy policy;
  AlertSink& sink;
  AlertIdAllocator ids;
  EngineStats stats;

  std::vector<ZoneState> zones;
  std::vector<std::string> region_of;  // zone -> region key
  std::unordered_map<std::string, std::vector<ZoneIndex>> region_zones;
  std::vector<TrackState> tracks;  // by slot; slots are never reused
  std::unordered_map<TrackId, std::uint32_t> slot_of;  // live (and coasting) tracks
  std::unordered_set<SensorId> stale;
  std::vector<ZoneIndex> active;  // zones with contributors or open levels
  std::vector<std::uint32_t> coasting;
  std::vector<std::pair<std::uint32_t, double>> manual;  // manual sources: slot, until

  std::uint64_t last_threats_epoch = 0;
  std::uint64_t last_order = 0;     // contributor order counter
  std::uint64_t last_check_id = 0;  // check item id counter
  std::uint64_t last_held_seq = 0;  // held append order counter

  // Scratch, reused to avoid allocation per call.
  // Zones changed since the last Flush (each once), decided together by Flush.
  std::vector<ZoneIndex> dirty;
  std::vector<char> is_dirty;  // by zone
  std::vector<std::pair<std::uint64_t, std::uint32_t>> entering[2];  // (order, slot)
  std::vector<Check> rechecks;
  // ComputeZones: the time window of each placed piece, and (zone, piece) hits.
  struct PieceWindow {
    double arrival, departure;
    bool prealert_only;
  };
  std::vector<PieceWindow> piece_windows;
  std::vector<std::pair<ZoneIndex, std::uint32_t>> zone_hits;
  // ComputeZones: concentric discs' radii, and per piece its disc's place among them (-1: none).
  std::vector<Metres> ring_radii;
  std::vector<int> ring_of_piece;
  // A track's next contributions (Recompute); after ApplyZones, its previous ones.
  std::vector<std::pair<ZoneIndex, Contribution>> next_zones;

  // ---- geometry -------------------------------------------------------------
  static bool Placeable(const Disc& d) {
    return ValidPoint(d.centre) && Finite(d.radius.value()) && d.radius.value() >= 0;
  }
  // Zones reached by one piece; nullopt when the piece cannot be placed.
  std::optional<std::vector<ZoneIndex>> Query(const AreaShape& shape) const {
    if (const auto* d = std::get_if<Disc>(&shape)) {
      if (!Placeable(*d)) return std::nullopt;
      return catalog.ZonesWithin(d->centre, d->radius);
    }
    if (const auto* c = std::get_if<Corridor>(&shape)) {
      if (c->polyline.empty() || !Finite(c->half_width.value()) || c->half_width.value() < 0) return std::nullopt;
      for (const auto& p : c->polyline)
        if (!ValidPoint(p)) return std::nullopt;
      return catalog.ZonesTouchingCorridor(c->polyline, c->half_width);
    }
    if (const auto* e = std::get_if<Ellipse>(&shape)) {
      double a = e->semi_major.value(), b = e->semi_minor.value();
      if (!ValidPoint(e->centre) || !Finite(a) || !Finite(b) || a < 0 || b < 0 || !Finite(e->major_azimuth_deg))
        return std::nullopt;
      if (b > a) std::swap(a, b);
      return catalog.ZonesTouchingEllipse(e->centre, Metres(a), Metres(b), e->major_azimuth_deg);
    }
    const auto& poly = std::get<zones::Polygon>(shape);
    for (const auto& p : poly.outer)
      if (!ValidPoint(p)) return std::nullopt;
    if (poly.outer.size() < 3) return std::nullopt;
    const bool closed = poly.outer.front() == poly.outer.back();
    if (closed && poly.outer.size() >= 4) return catalog.ZonesTouching(poly);
    // Repair: close the ring (dropping holes errs on the side of more zones).
    zones::Polygon fixed;
    fixed.outer = poly.outer;
    if (!closed) fixed.outer.push_back(poly.outer.front());
    if (fixed.outer.size() < 4) return std::nullopt;
    return catalog.ZonesTouching(fixed);
  }

  // The contributions of a track's danger, ascending by zone, fail-safe applied, into
  // `out` (cleared first; its capacity is reused). *placed is set to false when no
  // piece of the danger could be placed (none given, or all invalid).
  void ComputeZones(std::uint32_t slot, bool* placed, std::vector<std::pair<ZoneIndex, Contribution>>& out) {
    *placed = false;
    out.clear();
    const Danger& d = tracks[slot].danger;
    const CategoryPolicy& p = policy.For(d.category);
    double conf = d.confidence;
    if (!Finite(conf)) conf = 1.0;  // fail-safe: unknown confidence counts as sure
    conf = std::clamp(conf, 0.0, 1.0);
    bool widen = !(d.uncertainty.value() <= p.max_uncertainty.value());  // NaN widens
    for (const auto& s : d.sensors)
      if (stale.count(s)) widen = true;

    Contribution proto;
    proto.track = slot;
    proto.category = d.category;
    proto.confident[kPre] = conf >= p.prealert_min_confidence;
    proto.confident[kAlert] = conf >= p.min_confidence;

    // (zone, piece) pairs, sorted by zone: cheaper to sort than whole contributions.
    piece_windows.clear();
    zone_hits.clear();
    // The discs around the first valid disc's centre (a danger of unknown heading is
    // rings around the track) in one catalog pass: ZonesWithinEach gives each disc
    // exactly what Query (ZonesWithin) would.
    ring_radii.clear();
    ring_of_piece.assign(d.areas.size(), -1);
    const LatLon* ring_centre = nullptr;
    for (size_t i = 0; i < d.areas.size(); ++i) {
      const auto* disc = std::get_if<Disc>(&d.areas[i].shape);
      if (!disc || !Placeable(*disc)) continue;
      if (!ring_centre) ring_centre = &disc->centre;
      if (disc->centre.lat != ring_centre->lat || disc->centre.lon != ring_centre->lon) continue;
      ring_of_piece[i] = static_cast<int>(ring_radii.size());
      ring_radii.push_back(disc->radius);
    }
    std::vector<std::vector<ZoneIndex>> ring_hits;
    if (ring_radii.size() >= 2) ring_hits = catalog.ZonesWithinEach(*ring_centre, ring_radii);
    for (size_t i = 0; i < d.areas.size(); ++i) {
      const auto& piece = d.areas[i];
      std::optional<std::vector<ZoneIndex>> hit;
      if (ring_of_piece[i] >= 0 && !ring_hits.empty()) hit = std::move(ring_hits[ring_of_piece[i]]);
      else hit = Query(piece.shape);
      if (!hit) {
        ++stats.bad_pieces;
        widen = true;
        continue;
      }
      *placed = true;
      const double arr = Finite(piece.earliest_arrival.seconds()) ? piece.earliest_arrival.seconds() : -kInf;
      const double dep = Finite(piece.latest_departure.seconds()) ? piece.latest_departure.seconds() : kInf;
      const auto k = static_cast<std::uint32_t>(piece_windows.size());
      piece_windows.push_back({arr, dep, piece.prealert_only});
      for (ZoneIndex z : *hit) zone_hits.emplace_back(z, k);
    }
    std::sort(zone_hits.begin(), zone_hits.end());
    // Per zone: the earliest arrival and latest departure of the pieces reaching it
    // (min / max: the same whatever the order).
    for (const auto& [z, k] : zone_hits) {
      const PieceWindow& w = piece_windows[k];
      if (!out.empty() && out.back().first == z) {
        Contribution& m = out.back().second;
        m.arrival[kPre] = std::min(m.arrival[kPre], w.arrival);
        m.departure[kPre] = std::max(m.departure[kPre], w.departure);
        if (!w.prealert_only) {
          m.arrival[kAlert] = std::min(m.arrival[kAlert], w.arrival);
          m.departure[kAlert] = std::max(m.departure[kAlert], w.departure);
        }
      } else {
        Contribution& c = out.emplace_back(z, proto).second;
        c.arrival[kPre] = w.arrival;
        c.departure[kPre] = w.departure;
        if (!w.prealert_only) {
          c.arrival[kAlert] = w.arrival;
          c.departure[kAlert] = w.departure;
        }
      }
    }
    if (widen && !out.empty()) {
      ++stats.widened_dangers;
      Contribution all = proto;
      for (const auto& [z, c] : out)
        for (int l : {kPre, kAlert}) {
          all.arrival[l] = std::min(all.arrival[l], c.arrival[l]);
          all.departure[l] = std::max(all.departure[l], c.departure[l]);
        }
      std::vector<std::string> regions;
      for (const auto& [z, c] : out) regions.push_back(region_of[z]);
      std::sort(regions.begin(), regions.end());
      regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
      std::vector<std::pair<ZoneIndex, Contribution>> wide;
      for (const auto& r : regions)
        for (ZoneIndex z : region_zones[r]) wide.emplace_back(z, all);
      std::sort(wide.begin(), wide.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      // Every zone of the regions takes the danger's earliest arrival (already in `all`).
      out = std::move(wide);
    }
  }

  // ---- contributions ----------------------------------------------------------
  // The contribution of track `slot` to zone z, or nullptr.
  Contribution* Find(ZoneIndex z, std::uint32_t slot) {
    auto& tz = tracks[slot].zones;
    auto it = std::lower_bound(tz.begin(), tz.end(), z, [](const auto& e, ZoneIndex v) { return e.first < v; });
    if (it == tz.end() || it->first != z) return nullptr;
    return &it->second;
  }

  // ---- decisions ------------------------------------------------------------
  bool Touches(int level, const Contribution& c, ZoneIndex z, double now) const {
    const CategoryPolicy& p = policy.For(c.category);
    const double alert_window = catalog.zone(z).shelter.value() + p.lead_margin.value();
    const bool alert = c.confident[kAlert] && c.departure[kAlert] >= now && c.arrival[kAlert] - now <= alert_window;
    if (level == kAlert) return alert;
    return alert || (c.confident[kPre] && c.departure[kPre] >= now &&
                     c.arrival[kPre] - now <= std::max(p.prealert_horizon.value(), alert_window));
  }

  // Touches() for both levels, an operator's suppression applied.
  void Decide(const Contribution& c, double shelter, double now, bool out[2]) const {
    if (c.suppressed) {
      out[kPre] = out[kAlert] = false;
      return;
    }
    const CategoryPolicy& p = policy.For(c.category);
    const double alert_window = shelter + p.lead_margin.value();
    out[kAlert] = c.confident[kAlert] && c.departure[kAlert] >= now && c.arrival[kAlert] - now <= alert_window;
    out[kPre] = out[kAlert] || (c.confident[kPre] && c.departure[kPre] >= now &&
                                c.arrival[kPre] - now <= std::max(p.prealert_horizon.value(), alert_window));
  }

  // A lower bound of the next time Decide() can change for c, or +inf.
  double NextCheck(const Contribution& c, double shelter, double now) const {
    if (c.suppressed) return kInf;
    const CategoryPolicy& p = policy.For(c.category);
    const double alert_window = shelter + p.lead_margin.value();
    return std::min(NextChange(c.confident[kAlert], c.arrival[kAlert], c.departure[kAlert], alert_window, now),
                    NextChange(c.confident[kPre], c.arrival[kPre], c.departure[kPre],
                               std::max(p.prealert_horizon.value(), alert_window), now));
  }

  // Drops the stale items of zone s's check queue once they outnumber the live ones.
  void CompactChecks(ZoneState& s) {
    const ZoneIndex z = static_cast<ZoneIndex>(&s - zones.data());
    s.checks.CompactIfBloated(s.members.size(), [&](const Check& k) {
      const Contribution* c = Find(z, k.track);
      return c && c->check_id == k.id;
    });
  }

  // Held entries not touching enter the ordered set; touching ones leave it.
  static void Unindex(Level& L, std::uint32_t slot, const Held& h) {
    if (!h.touching) L.by_release.erase({h.release, h.seq, slot});
  }
  static void Index(Level& L, std::uint32_t slot, const Held& h) {
    if (!h.touching) L.by_release.insert({h.release, h.seq, slot});
  }
  Held& AppendHeld(Level& L, std::uint32_t slot, double release, EndReason reason, bool touching) {
    Held& h = L.held[slot];
    h = Held{release, reason, ++last_held_seq, touching};
    Index(L, slot, h);
    return h;
  }

  // Contribution c stops touching level l of zone s: its lazily refreshed held entry
  // takes the release of the last decision it touched (the zone's last one).
  void StopTouching(ZoneState& s, int l, Contribution& c) {
    Level& L = s.level[l];
    auto it = L.held.find(c.track);
    Held* h = it == L.held.end() ? nullptr : &it->second;
    UnsetTouching(s, l, c, h);
    if (h) Index(L, c.track, *h);
  }
  // StopTouching with c's held entry h already found (nullptr: none, which cannot
  // happen for a touching track); h is left out of the release index for the caller.
  void UnsetTouching(ZoneState& s, int l, Contribution& c, Held* h) {
    c.touching[l] = false;
    --s.level[l].touching;
    if (!h) return;
    h->release = std::max(h->release, s.last_decided + policy.For(c.category).hold.value());
    h->touching = false;
  }

  void Emit(AlertEventKind kind, const Level& L, ZoneIndex z, double now, EndReason reason,
            std::optional<double> expected) {
    AlertEvent e;
    e.kind = kind;
    e.alert = L.id;
    e.zone = catalog.zone(z).id;
    e.time = UnixTime(now);
    if (IsStart(kind)) {
      e.threats = L.SortedThreats();
      e.category = L.category;
      e.expected_s = expected;
    } else {
      e.reason = reason;
    }
    sink.Emit(e);
  }

  void MarkActive(ZoneIndex z) {
    if (!zones[z].in_active) {
      zones[z].in_active = true;
      active.push_back(z);
    }
  }

  void RecordThreat(Level& L, Contribution& c, int l) {
    if (c.recorded_epoch[l] == L.threats_epoch) return;  // recorded in this epoch already
    c.recorded_epoch[l] = L.threats_epoch;
    if (!L.threat_slots.insert(c.track).second) return;  // recorded already
    L.MutableThreats().push_back(tracks[c.track].id);
  }

  // Decides zone z at `now`: opens, extends or ends its pre-alert and alert.
  // Same decisions as examining every contributor (Touches() each; refresh the held
  // entry of each touching one; drop held entries past their release; open when
  // something touches; end when nothing touches and no hold remains), but only the
  // contributors due for a check are examined.
  void Evaluate(ZoneIndex z, double now) {
    ZoneState& s = zones[z];
    const double shelter = catalog.zone(z).shelter.value();
    entering[kPre].clear();
    entering[kAlert].clear();
    rechecks.clear();
    while (!s.checks.empty() && s.checks.Top().key <= now) {
      const Check k = s.checks.Top();
      s.checks.Pop();
      Contribution* c = Find(z, k.track);
      if (!c || c->check_id != k.id) continue;  // stale item
      bool touch[2];
      Decide(*c, shelter, now, touch);
      for (int l : {kPre, kAlert}) {
        if (c->touching[l] && !touch[l]) StopTouching(s, l, *c);
        else if (!c->touching[l] && touch[l]) entering[l].emplace_back(c->order, c->track);
      }
      const double next = NextCheck(*c, shelter, now);
      if (next < kInf) rechecks.push_back({next, k.track, k.id});
      else c->check_id = 0;
    }
    for (const Check& k : rechecks) s.checks.Push(k);
    // Starts (pre-alert first), then ends (alert first).
    for (int l : {kPre, kAlert}) {
      Level& L = s.level[l];
      // New touching tracks refresh (or append, in contributor order) their held entry.
      std::sort(entering[l].begin(), entering[l].end());
      for (const auto& [order, slot] : entering[l]) {
        Contribution& c = *Find(z, slot);
        const double release = now + policy.For(c.category).hold.value();
        auto it = L.held.find(slot);
        if (it == L.held.end()) {
          AppendHeld(L, slot, release, EndReason::kThreatPassed, true);
        } else {
          Held& h = it->second;
          Unindex(L, slot, h);
          h.release = std::max(h.release, release);
          h.reason = EndReason::kThreatPassed;
          h.touching = true;
        }
        c.touching[l] = true;
        ++L.touching;
      }
      if (L.touching == 0) continue;
      // Holds that ran out matter no more while something touches the zone.
      while (!L.by_release.empty() && std::get<0>(*L.by_release.begin()) < now) {
        L.held.erase(std::get<2>(*L.by_release.begin()));
        L.by_release.erase(L.by_release.begin());
      }
      if (!L.open) {
        // The earliest arrival of the touching tracks (in contributor order: the
        // first of equals) decides the category and the expected time.
        std::vector<std::pair<std::uint64_t, Contribution*>> now_touching;
        for (std::uint32_t slot : s.members) {
          Contribution* c = Find(z, slot);
          if (c->touching[l]) now_touching.emplace_back(c->order, c);
        }
        std::sort(now_touching.begin(), now_touching.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        double earliest = kInf;
        ThreatCategory cat = ThreatCategory::kUnknown;
        bool first = true;
        for (const auto& [order, c] : now_touching) {
          const double arr = c->arrival[l];
          if (first || arr < earliest || (arr == earliest && SeverityRank(c->category) < SeverityRank(cat))) {
            earliest = arr;
            cat = c->category;
            first = false;
          }
        }
        L.open = true;
        L.id = l == kAlert ? ids.NextAlert() : ids.NextPreAlert();
        L.started = now;
        L.category = cat;
        L.ClearThreats(++last_threats_epoch);
        for (const auto& [order, c] : now_touching) RecordThreat(L, *c, l);
        std::optional<double> expected;
        if (Finite(earliest)) expected = std::round(std::max(0.0, earliest - now) * 10.0) / 10.0;
        else expected = 0.0;  // can be there already
        Emit(l == kAlert ? AlertEventKind::kStart : AlertEventKind::kPreStart, L, z, now,
             EndReason::kThreatPassed, expected);
      } else {
        for (const auto& [order, slot] : entering[l]) RecordThreat(L, *Find(z, slot), l);
      }
    }
    for (int l : {kAlert, kPre}) {
      Level& L = s.level[l];
      if (L.touching > 0) continue;
      if (!L.open) {
        L.ClearHeld();
        continue;
      }
      // The latest release decides; among equal releases the first appended.
      if (!L.by_release.empty()) {
        const double latest = std::get<0>(*L.by_release.rbegin());
        if (latest > now) continue;  // still held
      }
      EndReason reason = EndReason::kThreatPassed;
      if (!L.by_release.empty()) {
        const double latest = std::get<0>(*L.by_release.rbegin());
        const auto last = L.by_release.lower_bound({latest, 0, 0});
        reason = L.held.at(std::get<2>(*last)).reason;
      }
      Emit(l == kAlert ? AlertEventKind::kEnd : AlertEventKind::kPreEnd, L, z, now, reason, std::nullopt);
      L.open = false;
      L.ClearHeld();
      L.ClearThreats(++last_threats_epoch);
    }
    s.last_decided = now;
  }

  // Takes contribution c (of track `slot`) off zone z; records why on the held
  // entries it leaves. c stays in the track's list (the caller drops it).
  void RemoveContribution(ZoneIndex z, Contribution& c, EndReason reason, double now) {
    ZoneState& s = zones[z];
    const std::uint32_t slot = c.track;
    const CategoryPolicy& p = policy.For(c.category);
    for (int l : {kPre, kAlert}) {
      Level& L = s.level[l];
      if (!L.open) {
        if (c.touching[l]) StopTouching(s, l, c);
        continue;
      }
      // What StopTouching and then this update give, with one look-up of the held
      // entry and one change of its place among the releases.
      const bool touched_now = Touches(l, c, z, now);
      auto it = L.held.find(slot);
      Held* h = it == L.held.end() ? nullptr : &it->second;
      const bool indexed = h && !h->touching;  // in by_release under (old_release, seq)
      const double old_release = h ? h->release : -kInf;
      if (c.touching[l]) UnsetTouching(s, l, c, h);
      if (touched_now && !h) {
        h = &L.held[slot];
        *h = Held{-kInf, reason, ++last_held_seq, false};
      }
      if (!h) continue;
      if (touched_now) h->release = std::max(h->release, now + p.hold.value());
      h->reason = reason;
      if (reason == EndReason::kThreatDestroyed) h->release = std::min(h->release, now + p.destroyed_hold.value());
      if (indexed) {
        if (h->release == old_release) continue;  // same place
        L.by_release.erase({old_release, h->seq, slot});
      }
      Index(L, slot, *h);
    }
    // Swap-remove from the members.
    const std::uint32_t pos = c.member_pos;
    const std::uint32_t moved = s.members.back();
    s.members[pos] = moved;
    s.members.pop_back();
    if (moved != slot) Find(z, moved)->member_pos = pos;
    c.check_id = 0;
  }

  void MarkDirty(ZoneIndex z) {
    if (!is_dirty[z]) {
      is_dirty[z] = 1;
      dirty.push_back(z);
    }
  }

  // Decides every zone marked dirty, in catalog order.
  void Flush(double now) {
    std::sort(dirty.begin(), dirty.end());
    for (ZoneIndex z : dirty) {
      is_dirty[z] = 0;
      MarkActive(z);
      Evaluate(z, now);
    }
    dirty.clear();
  }

  // Replaces the contributions of track `slot` with `next` (ascending by zone); the
  // zones affected are marked dirty. `next` is left holding the previous ones.
  void ApplyZones(std::uint32_t slot, std::vector<std::pair<ZoneIndex, Contribution>>& next, double now) {
    TrackState& t = tracks[slot];
    std::size_t i = 0, j = 0;
    auto& prev = t.zones;
    while (i < prev.size() || j < next.size()) {
      if (j == next.size() || (i < prev.size() && prev[i].first < next[j].first)) {
        RemoveContribution(prev[i].first, prev[i].second, EndReason::kThreatPassed, now);
        MarkDirty(prev[i].first);
        ++i;
        continue;
      }
      const ZoneIndex z = next[j].first;
      ZoneState& zs = zones[z];
      Contribution& c = next[j].second;
      c.track = slot;
      if (i < prev.size() && prev[i].first == z) {
        Contribution& old = prev[i].second;
        if (old.category != c.category) {
          // Replaced by another category (another hold): the old values stop
          // touching (their holds written out); the new ones are checked at the next
          // decision.
          for (int l : {kPre, kAlert})
            if (old.touching[l]) StopTouching(zs, l, old);
          CopyBookkeeping(old, c);
          c.check_id = ++last_check_id;
          zs.checks.Push({-kInf, slot, c.check_id});
        } else {
          // Same category, so the same hold: a level the new values still touch goes
          // on touching (its held entry stays lazily refreshed: the zone is decided
          // at `now` below, and it is written out with that hold whenever it stops
          // touching), instead of stopping and re-entering, which gives the same
          // release. A level that changes is left to the decision (it stops or
          // enters there, as for any due check).
          CopyBookkeeping(old, c);
          c.check_id = ++last_check_id;
          bool touch[2];
          const double shelter = catalog.zone(z).shelter.value();
          Decide(c, shelter, now, touch);
          if (touch[kPre] == c.touching[kPre] && touch[kAlert] == c.touching[kAlert]) {
            // Nothing changes now: only its next check is due (as the decision would
            // schedule it).
            const double next_check = NextCheck(c, shelter, now);
            if (next_check < kInf) zs.checks.Push({next_check, slot, c.check_id});
            else c.check_id = 0;
          } else {
            zs.checks.Push({-kInf, slot, c.check_id});
          }
        }
        ++i;
      } else {
        c.order = ++last_order;
        c.member_pos = static_cast<std::uint32_t>(zs.members.size());
        zs.members.push_back(slot);
        c.check_id = ++last_check_id;
        zs.checks.Push({-kInf, slot, c.check_id});
      }
      MarkDirty(z);
      ++j;
    }
    t.zones.swap(next);
    // Reusing buffers saves an allocation per update, but a track keeps no more than
    // twice what it needs, and the caller's buffer no more than a few widened dangers'.
    if (t.zones.capacity() > 2 * t.zones.size() + 16) t.zones.shrink_to_fit();
    if (next.capacity() > 8192) std::vector<std::pair<ZoneIndex, Contribution>>().swap(next);
    for (const auto& [z, c] : t.zones) CompactChecks(zones[z]);
  }

  void Recompute(std::uint32_t slot, double now) {
    bool placed = false;
    auto& next = next_zones;
    ComputeZones(slot, &placed, next);
    if (!placed && !tracks[slot].zones.empty()) {
      // Never quietly shrink to nothing: a danger that cannot be placed keeps the
      // zones it had (their windows still expire). A danger whose valid pieces touch
      // no zone (it left the catalog's area) does shrink.
      ++stats.kept_previous_zones;
      next = tracks[slot].zones;
      // Refresh the confidence/category-derived fields from the new danger.
      const Danger& d = tracks[slot].danger;
      for (auto& [z, c] : next) c.category = d.category;
    }
    ApplyZones(slot, next, now);
  }

  // The slot of `id`, created when new (live, no zones yet).
  std::uint32_t SlotFor(const TrackId& id) {
    if (auto it = slot_of.find(id); it != slot_of.end()) return it->second;
    const auto slot = static_cast<std::uint32_t>(tracks.size());
    tracks.push_back(TrackState{});
    tracks[slot].id = id;
    slot_of.emplace(id, slot);
    return slot;
  }

  // Takes the track off every zone (marked dirty; the caller flushes).
  void FinalRemove(std::uint32_t slot, EndReason reason, double now) {
    TrackState& t = tracks[slot];
    if (!t.live) return;
    for (auto& [z, c] : t.zones) {
      RemoveContribution(z, c, reason, now);
      MarkDirty(z);
    }
    std::vector<std::pair<ZoneIndex, Contribution>>().swap(t.zones);  // slots stay: free the memory
    t.live = false;
    t.lost = false;
    t.danger = Danger{};
    slot_of.erase(t.id);
  }
};

AlertEngine::AlertEngine(const zones::Catalog& catalog, Policy policy, AlertSink& sink,
                         AlertIdAllocator::State ids)
    : impl_(std::make_unique<Impl>(catalog, std::move(policy), sink, ids)) {}

AlertEngine::~AlertEngine() = default;

const AlertIdAllocator::State& AlertEngine::id_state() const { return impl_->ids.state(); }
const EngineStats& AlertEngine::stats() const { return impl_->stats; }
const Policy& AlertEngine::policy() const { return impl_->policy; }
std::size_t AlertEngine::track_slots() const { return impl_->tracks.size(); }
std::size_t AlertEngine::live_tracks() const { return impl_->slot_of.size(); }

void AlertEngine::UpsertDanger(const Danger& danger, UnixTime now) {
  Impl& m = *impl_;
  ++m.stats.upserts;
  const std::uint32_t slot = m.SlotFor(danger.track);
  TrackState& t = m.tracks[slot];
  t.danger = danger;
  if (t.lost) {
    t.lost = false;
    m.coasting.erase(std::remove(m.coasting.begin(), m.coasting.end(), slot), m.coasting.end());
  }
  m.Recompute(slot, now.seconds());
  m.Flush(now.seconds());
}

void AlertEngine::Update(std::span<const Danger> dangers, UnixTime now) {
  Impl& m = *impl_;
  std::unordered_set<TrackId> present;
  for (const auto& d : dangers) {
    present.insert(d.track);
    UpsertDanger(d, now);
  }
  std::vector<std::pair<TrackId, std::uint32_t>> gone;
  for (const auto& [id, slot] : m.slot_of)
    if (!present.count(id) && !m.tracks[slot].lost) gone.emplace_back(id, slot);
  std::sort(gone.begin(), gone.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [id, slot] : gone) RemoveDanger(id, EndReason::kThreatPassed, now);
  Tick(now);
}

void AlertEngine::RemoveDanger(const TrackId& track, EndReason reason, UnixTime now) {
  Impl& m = *impl_;
  auto it = m.slot_of.find(track);
  if (it == m.slot_of.end()) return;
  const std::uint32_t slot = it->second;
  TrackState& t = m.tracks[slot];
  if (reason == EndReason::kTrackLost) {
    const double coast = m.policy.For(t.danger.category).lost_coast.value();
    if (coast > 0) {
      if (!t.lost) {
        t.lost = true;
        t.coast_until = now.seconds() + coast;
        m.coasting.push_back(slot);
      }
      return;
    }
  }
  m.coasting.erase(std::remove(m.coasting.begin(), m.coasting.end(), slot), m.coasting.end());
  m.FinalRemove(slot, reason, now.seconds());
  m.Flush(now.seconds());
}

void AlertEngine::SetSensorStale(const SensorId& sensor, bool stale, UnixTime now) {
  Impl& m = *impl_;
  const bool was = m.stale.count(sensor) > 0;
  if (was == stale) return;
  if (stale) m.stale.insert(sensor);
  else m.stale.erase(sensor);
  for (std::uint32_t slot = 0; slot < m.tracks.size(); ++slot) {
    const TrackState& t = m.tracks[slot];
    if (!t.live) continue;
    if (std::find(t.danger.sensors.begin(), t.danger.sensors.end(), sensor) == t.danger.sensors.end()) continue;
    m.Recompute(slot, now.seconds());
  }
  m.Flush(now.seconds());
}

bool AlertEngine::CancelZone(const ZoneId& zone, UnixTime now) {
  Impl& m = *impl_;
  auto z = m.catalog.Find(zone);
  if (!z) return false;
  ZoneState& s = m.zones[*z];
  // The tracks touching it now stop touching for good (while they contribute here);
  // their holds go with the alerts.
  for (std::uint32_t slot : s.members) {
    Contribution& c = *m.Find(*z, slot);
    c.suppressed = true;
    c.touching[kPre] = c.touching[kAlert] = false;
  }
  for (int l : {kAlert, kPre}) {
    Level& L = s.level[l];
    L.touching = 0;
    if (!L.open) continue;
    m.Emit(l == kAlert ? AlertEventKind::kEnd : AlertEventKind::kPreEnd, L, *z, now.seconds(),
           EndReason::kOperator, std::nullopt);
    L.open = false;
    L.ClearHeld();
    L.ClearThreats(++m.last_threats_epoch);
  }
  return true;
}

void AlertEngine::UpsertManual(const TrackId& source, std::span<const zones::ZoneIndex> zone_list,
                               ThreatCategory category, UnixTime until, UnixTime now) {
  Impl& m = *impl_;
  const std::uint32_t slot = m.SlotFor(source);
  TrackState& t = m.tracks[slot];
  t.danger = Danger{};
  t.danger.track = source;
  t.danger.category = category;
  Contribution c;
  c.track = slot;
  c.category = category;
  c.confident[kPre] = c.confident[kAlert] = true;
  c.arrival[kPre] = c.arrival[kAlert] = now.seconds();
  c.departure[kPre] = c.departure[kAlert] = until.seconds();
  std::vector<std::pair<ZoneIndex, Contribution>> next;
  for (ZoneIndex z : zone_list) next.emplace_back(z, c);
  std::sort(next.begin(), next.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  next.erase(std::unique(next.begin(), next.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
             next.end());
  m.ApplyZones(slot, next, now.seconds());
  auto it = std::find_if(m.manual.begin(), m.manual.end(), [&](const auto& e) { return e.first == slot; });
  if (it != m.manual.end()) it->second = until.seconds();
  else m.manual.emplace_back(slot, until.seconds());
  m.Flush(now.seconds());
}

void AlertEngine::Tick(UnixTime now) {
  Impl& m = *impl_;
  const double t = now.seconds();
  // Manual sources past their end leave their zones (the hold then runs as usual).
  for (std::size_t i = 0; i < m.manual.size();) {
    if (m.manual[i].second < t || !m.tracks[m.manual[i].first].live) {
      m.FinalRemove(m.manual[i].first, EndReason::kThreatPassed, t);
      m.manual.erase(m.manual.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  m.Flush(t);
  if (!m.coasting.empty()) {
    std::vector<std::uint32_t> due;
    for (std::uint32_t slot : m.coasting)
      if (m.tracks[slot].coast_until <= t) due.push_back(slot);
    if (!due.empty()) {
      std::sort(due.begin(), due.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::make_pair(m.tracks[a].coast_until, a) < std::make_pair(m.tracks[b].coast_until, b);
      });
      m.coasting.erase(std::remove_if(m.coasting.begin(), m.coasting.end(),
                                      [&](std::uint32_t s) { return m.tracks[s].coast_until <= t; }),
                       m.coasting.end());
      for (std::uint32_t slot : due) m.FinalRemove(slot, EndReason::kTrackLost, t);
      m.Flush(t);
    }
  }
  std::sort(m.active.begin(), m.active.end());
  for (ZoneIndex z : m.active) m.Evaluate(z, t);
  m.active.erase(std::remove_if(m.active.begin(), m.active.end(),
                                [&](ZoneIndex z) {
                                  ZoneState& s = m.zones[z];
                                  const bool keep = !s.members.empty() || s.level[kPre].open ||
                                                    s.level[kAlert].open;
                                  if (!keep) {
                                    s.in_active = false;
                                    s.ReleaseMemory();
                                  }
                                  return !keep;
                                }),
                 m.active.end());
}

void AlertEngine::RestoreOpenAlerts(std::span<const AlertEvent> open_starts, UnixTime now) {
  Impl& m = *impl_;
  for (const auto& e : open_starts) {
    if (!IsStart(e.kind)) continue;
    auto z = m.catalog.Find(e.zone);
    if (!z) continue;
    Level& L = m.zones[*z].level[IsPreAlert(e.kind) ? kPre : kAlert];
    if (L.open) continue;
    L.open = true;
    L.id = e.alert;
    L.started = e.time.seconds();
    L.category = e.category;
    L.ClearThreats(++m.last_threats_epoch);
    L.MutableThreats() = e.threats;  // duplicates in a malformed log are dropped (sorted when read)
    m.AppendHeld(L, kNoTrack, now.seconds() + m.policy.For(e.category).hold.value(), EndReason::kTrackLost, false);
    m.MarkActive(*z);
  }
}

std::optional<AlertId> AlertEngine::OpenAlert(zones::ZoneIndex zone, bool prealert) const {
  const Level& L = impl_->zones[zone].level[prealert ? kPre : kAlert];
  if (!L.open) return std::nullopt;
  return L.id;
}

std::optional<ActiveAlert> AlertEngine::ActiveAt(zones::ZoneIndex zone, bool prealert) const {
  const Level& L = impl_->zones[zone].level[prealert ? kPre : kAlert];
  if (!L.open) return std::nullopt;
  return ActiveAlert{prealert, L.id, zone, UnixTime(L.started), L.SharedThreats(), L.category};
}

void AlertEngine::ActiveOn(zones::ZoneIndex zone, std::vector<ActiveAlert>& out) const {
  for (bool pre : {true, false})
    if (auto a = ActiveAt(zone, pre)) out.push_back(std::move(*a));
}

std::vector<ActiveAlert> AlertEngine::Active() const {
  const Impl& m = *impl_;
  std::vector<ZoneIndex> zs = m.active;
  std::sort(zs.begin(), zs.end());
  std::vector<ActiveAlert> out;
  for (ZoneIndex z : zs) ActiveOn(z, out);
  return out;
}

}  // namespace tocsin::alert
