// The alert engine as it was before its decisions became incremental (2026-11-25):
// every decision walks all the contributors of the zone. Kept for tests only, as the
// oracle the AlertEngine must match event for event (engine_equivalence_test.cpp).
// Same API and contracts as AlertEngine (engine.h).
#include "alert/engine_reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace tocsin::alert::reference {
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
  // Bookkeeping for Evaluate, per level (kept when the contribution is replaced):
  // the level's threats epoch in which this track was recorded as a threat, and
  // where its held entry was last seen.
  std::uint64_t recorded_epoch[2] = {0, 0};
  std::uint32_t held_hint[2] = {0, 0};
};

// A track that touched a level of a zone: the level may end once `release` passed.
struct Held {
  std::uint32_t track;
  double release;
  EndReason reason;
};

struct Level {
  bool open = false;
  AlertId id;
  double started = 0;
  ThreatCategory category = ThreatCategory::kUnknown;
  std::vector<TrackId> threats;  // every track that touched it while open, ascending
  // The slots of the tracks recorded in `threats` (ascending), to skip the string
  // search for tracks already there. Threats adopted from a restored log have none.
  std::vector<std::uint32_t> threat_slots;
  // Changes whenever `threats` is emptied or replaced (never 0 once set).
  std::uint64_t threats_epoch = 0;
  std::vector<Held> held;
  void ClearThreats(std::uint64_t epoch) {
    threats.clear();
    threat_slots.clear();
    threats_epoch = epoch;
  }
};

struct ZoneState {
  std::vector<Contribution> contributors;
  std::vector<std::uint32_t> contributor_slots;  // contributors[i].track, same order (fast search)
  Level level[2];
  std::vector<std::uint32_t> suppressed;  // tracks an operator cancelled here
  bool in_active = false;
  // Position of track `slot` in contributors, or contributors.size().
  std::size_t FindContributor(std::uint32_t slot) const {
    return static_cast<std::size_t>(std::find(contributor_slots.begin(), contributor_slots.end(), slot) -
                                    contributor_slots.begin());
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

}  // namespace

struct ReferenceAlertEngine::Impl {
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

  // Scratch, reused to avoid allocation per call.
  // Zones changed since the last Flush (each once), decided together by Flush.
  std::vector<ZoneIndex> dirty;
  std::vector<char> is_dirty;  // by zone
  std::vector<std::size_t> touching[2];
  // Evaluate's index of a level's held entries by track slot: held_pos[slot] is
  // valid when held_stamp[slot] == stamp.
  std::vector<std::uint32_t> held_stamp, held_pos;
  std::uint32_t stamp = 0;
  std::uint64_t last_threats_epoch = 0;

  // ---- geometry -------------------------------------------------------------
  // Zones reached by one piece; nullopt when the piece cannot be placed.
  std::optional<std::vector<ZoneIndex>> Query(const AreaShape& shape) const {
    if (const auto* d = std::get_if<Disc>(&shape)) {
      if (!ValidPoint(d->centre) || !Finite(d->radius.value()) || d->radius.value() < 0) return std::nullopt;
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

  // The contributions of a track's danger, ascending by zone, fail-safe applied.
  // *placed is set to false when no piece of the danger could be placed (none given,
  // or all invalid).
  std::vector<std::pair<ZoneIndex, Contribution>> ComputeZones(std::uint32_t slot, bool* placed) {
    *placed = false;
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

    std::vector<std::pair<ZoneIndex, Contribution>> raw;
    for (const auto& piece : d.areas) {
      auto hit = Query(piece.shape);
      if (!hit) {
        ++stats.bad_pieces;
        widen = true;
        continue;
      }
      *placed = true;
      const double arr = Finite(piece.earliest_arrival.seconds()) ? piece.earliest_arrival.seconds() : -kInf;
      const double dep = Finite(piece.latest_departure.seconds()) ? piece.latest_departure.seconds() : kInf;
      for (ZoneIndex z : *hit) {
        Contribution c = proto;
        c.arrival[kPre] = arr;
        c.departure[kPre] = dep;
        if (!piece.prealert_only) {
          c.arrival[kAlert] = arr;
          c.departure[kAlert] = dep;
        }
        raw.emplace_back(z, c);
      }
    }
    std::sort(raw.begin(), raw.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<ZoneIndex, Contribution>> out;
    for (auto& [z, c] : raw) {
      if (!out.empty() && out.back().first == z) {
        Contribution& m = out.back().second;
        for (int l : {kPre, kAlert}) {
          m.arrival[l] = std::min(m.arrival[l], c.arrival[l]);
          m.departure[l] = std::max(m.departure[l], c.departure[l]);
        }
      } else {
        out.emplace_back(z, c);
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
    return out;
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

  static Held* FindHeld(Level& L, std::uint32_t track) {
    for (auto& h : L.held)
      if (h.track == track) return &h;
    return nullptr;
  }

  void Emit(AlertEventKind kind, const Level& L, ZoneIndex z, double now, EndReason reason,
            std::optional<double> expected) {
    AlertEvent e;
    e.kind = kind;
    e.alert = L.id;
    e.zone = catalog.zone(z).id;
    e.time = UnixTime(now);
    if (IsStart(kind)) {
      e.threats = L.threats;
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

  // Decides zone z at `now`: opens, extends or ends its pre-alert and alert.
  void Evaluate(ZoneIndex z, double now) {
    ZoneState& s = zones[z];
    // Touches() for both levels in one pass.
    touching[kPre].clear();
    touching[kAlert].clear();
    const double shelter = catalog.zone(z).shelter.value();
    for (std::size_t i = 0; i < s.contributors.size(); ++i) {
      const Contribution& c = s.contributors[i];
      if (!s.suppressed.empty() &&
          std::find(s.suppressed.begin(), s.suppressed.end(), c.track) != s.suppressed.end())
        continue;
      const CategoryPolicy& p = policy.For(c.category);
      const double alert_window = shelter + p.lead_margin.value();
      const bool alert = c.confident[kAlert] && c.departure[kAlert] >= now && c.arrival[kAlert] - now <= alert_window;
      const bool pre = alert || (c.confident[kPre] && c.departure[kPre] >= now &&
                                 c.arrival[kPre] - now <= std::max(p.prealert_horizon.value(), alert_window));
      if (pre) touching[kPre].push_back(i);
      if (alert) touching[kAlert].push_back(i);
    }
    // Starts (pre-alert first), then ends (alert first).
    for (int l : {kPre, kAlert}) {
      Level& L = s.level[l];
      if (touching[l].empty()) continue;
      double earliest = kInf;
      ThreatCategory cat = ThreatCategory::kUnknown;
      bool first = true;
      // Each track is held at most once. Its entry is found by the contribution's
      // hint, else by an index of the held entries by track, built when first needed.
      bool indexed = false;
      auto build_index = [&] {
        if (held_stamp.size() < tracks.size()) {
          held_stamp.resize(tracks.size(), 0);
          held_pos.resize(tracks.size(), 0);
        }
        if (++stamp == 0) {
          std::fill(held_stamp.begin(), held_stamp.end(), 0);
          stamp = 1;
        }
        for (std::size_t k = 0; k < L.held.size(); ++k) {
          const std::uint32_t t = L.held[k].track;
          if (t < held_stamp.size() && held_stamp[t] != stamp) {
            held_stamp[t] = stamp;
            held_pos[t] = static_cast<std::uint32_t>(k);
          }
        }
        indexed = true;
      };
      for (std::size_t i : touching[l]) {
        Contribution& c = s.contributors[i];
        const double release = now + policy.For(c.category).hold.value();
        Held* h = nullptr;
        if (c.held_hint[l] < L.held.size() && L.held[c.held_hint[l]].track == c.track) {
          h = &L.held[c.held_hint[l]];
        } else {
          if (!indexed) build_index();
          if (held_stamp[c.track] == stamp) {
            c.held_hint[l] = held_pos[c.track];
            h = &L.held[held_pos[c.track]];
          }
        }
        if (h) {
          h->release = std::max(h->release, release);
          h->reason = EndReason::kThreatPassed;
        } else {
          c.held_hint[l] = static_cast<std::uint32_t>(L.held.size());
          if (indexed) {
            held_stamp[c.track] = stamp;
            held_pos[c.track] = c.held_hint[l];
          }
          L.held.push_back({c.track, release, EndReason::kThreatPassed});
        }
        const double arr = c.arrival[l];
        if (first || arr < earliest || (arr == earliest && SeverityRank(c.category) < SeverityRank(cat))) {
          earliest = arr;
          cat = c.category;
          first = false;
        }
      }
      // Holds that ran out matter no more while something touches the zone.
      L.held.erase(std::remove_if(L.held.begin(), L.held.end(), [&](const Held& h) { return h.release < now; }),
                   L.held.end());
      const bool opening = !L.open;
      if (opening) {
        L.open = true;
        L.id = l == kAlert ? ids.NextAlert() : ids.NextPreAlert();
        L.started = now;
        L.category = cat;
        L.ClearThreats(++last_threats_epoch);
      }
      for (std::size_t i : touching[l]) {
        Contribution& c = s.contributors[i];
        if (c.recorded_epoch[l] == L.threats_epoch) continue;  // recorded in this epoch already
        c.recorded_epoch[l] = L.threats_epoch;
        const std::uint32_t slot = c.track;
        auto ps = std::lower_bound(L.threat_slots.begin(), L.threat_slots.end(), slot);
        if (ps != L.threat_slots.end() && *ps == slot) continue;  // recorded already
        L.threat_slots.insert(ps, slot);
        const TrackId& id = tracks[slot].id;
        auto it = std::lower_bound(L.threats.begin(), L.threats.end(), id);
        if (it == L.threats.end() || *it != id) L.threats.insert(it, id);
      }
      if (opening) {
        std::optional<double> expected;
        if (Finite(earliest)) expected = std::round(std::max(0.0, earliest - now) * 10.0) / 10.0;
        else expected = 0.0;  // can be there already
        Emit(l == kAlert ? AlertEventKind::kStart : AlertEventKind::kPreStart, L, z, now,
             EndReason::kThreatPassed, expected);
      }
    }
    for (int l : {kAlert, kPre}) {
      Level& L = s.level[l];
      if (!touching[l].empty()) continue;
      if (!L.open) {
        L.held.clear();
        continue;
      }
      const Held* last = nullptr;
      for (const auto& h : L.held)
        if (!last || h.release > last->release) last = &h;
      if (last && last->release > now) continue;  // still held
      const EndReason reason = last ? last->reason : EndReason::kThreatPassed;
      Emit(l == kAlert ? AlertEventKind::kEnd : AlertEventKind::kPreEnd, L, z, now, reason, std::nullopt);
      L.open = false;
      L.held.clear();
      L.ClearThreats(++last_threats_epoch);
    }
  }

  // Takes track `slot` off zone z; records why on the held entries it leaves.
  void RemoveContribution(ZoneIndex z, std::uint32_t slot, EndReason reason, double now) {
    ZoneState& s = zones[z];
    const std::size_t pos = s.FindContributor(slot);
    if (pos < s.contributors.size()) {
      auto it = s.contributors.begin() + static_cast<std::ptrdiff_t>(pos);
      const CategoryPolicy& p = policy.For(it->category);
      for (int l : {kPre, kAlert}) {
        Level& L = s.level[l];
        if (!L.open) continue;
        const bool touched_now = Touches(l, *it, z, now);
        Held* h = FindHeld(L, slot);
        if (touched_now) {
          if (h) h->release = std::max(h->release, now + p.hold.value());
          else {
            L.held.push_back({slot, now + p.hold.value(), reason});
            h = &L.held.back();
          }
        }
        if (!h) continue;
        h->reason = reason;
        if (reason == EndReason::kThreatDestroyed) h->release = std::min(h->release, now + p.destroyed_hold.value());
      }
      s.contributors.erase(it);
      s.contributor_slots.erase(s.contributor_slots.begin() + static_cast<std::ptrdiff_t>(pos));
    }
    s.suppressed.erase(std::remove(s.suppressed.begin(), s.suppressed.end(), slot), s.suppressed.end());
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

  // Replaces the contributions of track `slot`; the zones affected are marked dirty.
  void ApplyZones(std::uint32_t slot, std::vector<std::pair<ZoneIndex, Contribution>> next, double now) {
    TrackState& t = tracks[slot];
    std::size_t i = 0, j = 0;
    const auto& prev = t.zones;
    while (i < prev.size() || j < next.size()) {
      if (j == next.size() || (i < prev.size() && prev[i].first < next[j].first)) {
        RemoveContribution(prev[i].first, slot, EndReason::kThreatPassed, now);
        MarkDirty(prev[i].first);
        ++i;
        continue;
      }
      const ZoneIndex z = next[j].first;
      ZoneState& zs = zones[z];
      const std::size_t pos = zs.FindContributor(slot);
      if (pos < zs.contributors.size()) {
        Contribution& cur = zs.contributors[pos];
        Contribution replaced = next[j].second;
        for (int l : {kPre, kAlert}) {
          replaced.recorded_epoch[l] = cur.recorded_epoch[l];
          replaced.held_hint[l] = cur.held_hint[l];
        }
        cur = replaced;
      } else {
        zs.contributors.push_back(next[j].second);
        zs.contributor_slots.push_back(slot);
      }
      MarkDirty(z);
      if (i < prev.size() && prev[i].first == z) ++i;
      ++j;
    }
    t.zones = std::move(next);
  }

  void Recompute(std::uint32_t slot, double now) {
    bool placed = false;
    auto next = ComputeZones(slot, &placed);
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
    ApplyZones(slot, std::move(next), now);
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
    for (const auto& [z, c] : t.zones) {
      RemoveContribution(z, slot, reason, now);
      MarkDirty(z);
    }
    std::vector<std::pair<ZoneIndex, Contribution>>().swap(t.zones);  // slots stay: free the memory
    t.live = false;
    t.lost = false;
    t.danger = Danger{};
    slot_of.erase(t.id);
  }
};

ReferenceAlertEngine::ReferenceAlertEngine(const zones::Catalog& catalog, Policy policy, AlertSink& sink,
                         AlertIdAllocator::State ids)
    : impl_(std::make_unique<Impl>(catalog, std::move(policy), sink, ids)) {}

ReferenceAlertEngine::~ReferenceAlertEngine() = default;

const AlertIdAllocator::State& ReferenceAlertEngine::id_state() const { return impl_->ids.state(); }
const EngineStats& ReferenceAlertEngine::stats() const { return impl_->stats; }
const Policy& ReferenceAlertEngine::policy() const { return impl_->policy; }

void ReferenceAlertEngine::UpsertDanger(const Danger& danger, UnixTime now) {
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

void ReferenceAlertEngine::Update(std::span<const Danger> dangers, UnixTime now) {
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

void ReferenceAlertEngine::RemoveDanger(const TrackId& track, EndReason reason, UnixTime now) {
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

void ReferenceAlertEngine::SetSensorStale(const SensorId& sensor, bool stale, UnixTime now) {
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

bool ReferenceAlertEngine::CancelZone(const ZoneId& zone, UnixTime now) {
  Impl& m = *impl_;
  auto z = m.catalog.Find(zone);
  if (!z) return false;
  ZoneState& s = m.zones[*z];
  for (const auto& c : s.contributors)
    if (std::find(s.suppressed.begin(), s.suppressed.end(), c.track) == s.suppressed.end())
      s.suppressed.push_back(c.track);
  for (int l : {kAlert, kPre}) {
    Level& L = s.level[l];
    if (!L.open) continue;
    m.Emit(l == kAlert ? AlertEventKind::kEnd : AlertEventKind::kPreEnd, L, *z, now.seconds(),
           EndReason::kOperator, std::nullopt);
    L.open = false;
    L.held.clear();
    L.ClearThreats(++m.last_threats_epoch);
  }
  return true;
}

void ReferenceAlertEngine::UpsertManual(const TrackId& source, std::span<const zones::ZoneIndex> zone_list,
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
  m.ApplyZones(slot, std::move(next), now.seconds());
  auto it = std::find_if(m.manual.begin(), m.manual.end(), [&](const auto& e) { return e.first == slot; });
  if (it != m.manual.end()) it->second = until.seconds();
  else m.manual.emplace_back(slot, until.seconds());
  m.Flush(now.seconds());
}

void ReferenceAlertEngine::Tick(UnixTime now) {
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
                                  const bool keep = !s.contributors.empty() || s.level[kPre].open ||
                                                    s.level[kAlert].open;
                                  if (!keep) s.in_active = false;
                                  return !keep;
                                }),
                 m.active.end());
}

void ReferenceAlertEngine::RestoreOpenAlerts(std::span<const AlertEvent> open_starts, UnixTime now) {
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
    L.threats = e.threats;
    std::sort(L.threats.begin(), L.threats.end());
    L.held.push_back({kNoTrack, now.seconds() + m.policy.For(e.category).hold.value(), EndReason::kTrackLost});
    m.MarkActive(*z);
  }
}

std::optional<AlertId> ReferenceAlertEngine::OpenAlert(zones::ZoneIndex zone, bool prealert) const {
  const Level& L = impl_->zones[zone].level[prealert ? kPre : kAlert];
  if (!L.open) return std::nullopt;
  return L.id;
}

std::vector<ActiveAlert> ReferenceAlertEngine::Active() const {
  const Impl& m = *impl_;
  std::vector<ZoneIndex> zs = m.active;
  std::sort(zs.begin(), zs.end());
  std::vector<ActiveAlert> out;
  for (ZoneIndex z : zs)
    for (int l : {kPre, kAlert}) {
      const Level& L = m.zones[z].level[l];
      if (!L.open) continue;
      out.push_back({l == kPre, L.id, z, UnixTime(L.started), L.threats, L.category});
    }
  return out;
}

}  // namespace tocsin::alert::reference
