// The alert engine: turns the current dangers (one per track) into per-zone alert
// and pre-alert starts and ends, written to an AlertSink in the order decided.
//
// Rules (per threat category, from the Policy):
//  - A danger *touches* zone Z for the alert when one of its pieces (not
//    prealert_only) reaches Z, the piece's window has not passed, the danger's
//    confidence >= min_confidence, and the threat can arrive within
//    Z.shelter + lead_margin.
//  - It touches Z for the pre-alert when a piece reaches Z, its window has not
//    passed, confidence >= prealert_min_confidence and the threat can arrive within
//    max(prealert_horizon, Z.shelter + lead_margin). Alert-touching implies
//    pre-alert-touching, so a pre-alert is open whenever an alert is.
//  - A level opens ("start"/"prestart") when something touches the zone and none is
//    open; it ends ("end"/"preend") once nothing has touched it for `hold` (the
//    category's hold of each contributing track; `destroyed_hold` for a track that
//    ended destroyed). At most one open alert and one open pre-alert per zone;
//    widening or extending writes nothing.
//  - End reasons: threat_passed (the danger moved on or its window passed),
//    threat_destroyed / track_lost (the track was removed with that reason and was
//    the last to touch), operator (CancelZone).
//  - Fail-safe: a danger whose uncertainty exceeds max_uncertainty, any of whose
//    sensors is stale, or with a piece that cannot be placed (non-finite numbers), is
//    widened to every zone of the parent regions of the zones it touches, with the
//    danger's earliest arrival. An update none of whose pieces can be placed (no
//    pieces, or all invalid) keeps the danger's previous zones (never quietly
//    shrinks to nothing); their time windows still expire. A lost track
//    keeps acting for lost_coast before its hold starts.
//
// Time: every call takes `now` (scenario or wall-clock Unix seconds, from the
// caller's injected Clock) rather than reading a Clock itself: the caller (tracker
// loop, replay) already holds the time of the measurement it processed, and tests
// and replays stay deterministic. Events carry `now` as their time. Calls must come with
// non-decreasing `now`. Decisions are deterministic: the same calls give the same
// events and ids (zones are decided in catalog order).
//
// Cost: UpsertDanger is one catalog query per piece plus O(log n) per zone touched
// (n: contributors of that zone), independent of how many other dangers cover the
// same zones; Tick is O(zones with a contributor or an open alert) plus O(log n) per
// contribution whose arrival threshold or departure came; opening a level is
// O(n log n) once (its start lists every touching track); CancelZone is O(n).
// Memory: O(contributions + held entries).
//
// Thread-safety: not synchronised; one owner thread calls everything. The catalog
// and the sink must outlive the engine.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "alert/alert_ids.h"
#include "alert/alert_log.h"
#include "alert/danger.h"
#include "alert/policy.h"
#include "zones/catalog.h"

namespace tocsin::alert {

// The tracks of an open alert: an immutable list, ascending, without duplicates,
// shared by the engine and every copy of it, so copying one (every snapshot of the
// active alerts) copies a pointer, not thousands of ids. Reads like a const
// std::vector<TrackId>. The engine copies its list before changing it once it was
// handed out (copy on write).
// Thread-safety: immutable; copies may be read and dropped on any thread.
class ThreatList {
 public:
  using value_type = TrackId;
  using const_iterator = std::vector<TrackId>::const_iterator;
  using iterator = const_iterator;

  ThreatList() = default;
  // REQUIRES: ids ascending without duplicates. Implicit, so tests and the reference
  // engine can write a list as a vector.
  ThreatList(std::vector<TrackId> ids)  // NOLINT(google-explicit-constructor)
      : ids_(std::make_shared<const std::vector<TrackId>>(std::move(ids))) {}
  // REQUIRES: *ids ascending without duplicates, never changed again (null: empty).
  explicit ThreatList(std::shared_ptr<const std::vector<TrackId>> ids) : ids_(std::move(ids)) {}

  const std::vector<TrackId>& ids() const { return ids_ ? *ids_ : Empty(); }
  operator const std::vector<TrackId>&() const { return ids(); }  // NOLINT(google-explicit-constructor)
  const_iterator begin() const { return ids().begin(); }
  const_iterator end() const { return ids().end(); }
  std::size_t size() const { return ids().size(); }
  bool empty() const { return ids().empty(); }
  const TrackId& operator[](std::size_t i) const { return ids()[i]; }
  // O(log n).
  bool Contains(const TrackId& t) const { return std::binary_search(begin(), end(), t); }
  friend bool operator==(const ThreatList& a, const ThreatList& b) { return a.ids() == b.ids(); }
  // O(1): both are the same shared list (so equal), e.g. an alert's list unchanged
  // between two Active() calls. False says nothing.
  bool SameListAs(const ThreatList& o) const { return ids_ == o.ids_; }

 private:
  static const std::vector<TrackId>& Empty() {
    static const std::vector<TrackId> empty;
    return empty;
  }
  std::shared_ptr<const std::vector<TrackId>> ids_;
};

struct ActiveAlert {
  bool prealert = false;
  AlertId id;
  zones::ZoneIndex zone = 0;
  UnixTime started;
  ThreatList threats;  // tracks that touched it since it started, ascending
  ThreatCategory category = ThreatCategory::kUnknown;
};

// Counters for monitoring.
struct EngineStats {
  std::uint64_t upserts = 0;
  std::uint64_t widened_dangers = 0;       // upserts widened by the fail-safe
  std::uint64_t kept_previous_zones = 0;   // upserts with no placeable piece; previous zones kept
  std::uint64_t bad_pieces = 0;            // pieces that could not be placed
};

class AlertEngine {
 public:
  AlertEngine(const zones::Catalog& catalog, Policy policy, AlertSink& sink,
              AlertIdAllocator::State ids = {});
  ~AlertEngine();
  AlertEngine(const AlertEngine&) = delete;
  AlertEngine& operator=(const AlertEngine&) = delete;

  // Sets the danger of `danger.track` (replacing its previous one) and decides the
  // zones it affects at `now`. A lost track given a danger again is live again.
  void UpsertDanger(const Danger& danger, UnixTime now);
  // Convenience: upserts each danger and removes (as threat_passed) every live track
  // not among them, then Ticks. For callers that hand the whole set at once.
  void Update(std::span<const Danger> dangers, UnixTime now);
  // The track ended. kTrackLost: its danger coasts for lost_coast first.
  // kThreatDestroyed: its zones are held for destroyed_hold only. Others: removed now,
  // ordinary hold. Unknown tracks are ignored.
  void RemoveDanger(const TrackId& track, EndReason reason, UnixTime now);
  // Marks a sensor feed stale (blind) or fresh; dangers depending on it are widened
  // while it is stale.
  void SetSensorStale(const SensorId& sensor, bool stale, UnixTime now);
  // An operator lifts the alert and pre-alert of a zone (reason "operator"). The
  // tracks touching it now cannot reopen it; other tracks can. Returns false for an
  // unknown zone.
  bool CancelZone(const ZoneId& zone, UnixTime now);
  // An operator's manual alert: `source` (an id no tracker uses, e.g. "op-R-000003")
  // touches exactly `zone_list` (both levels, full confidence, arriving now) from
  // `now` until `until`; then the category's hold runs and the zones end as usual
  // (reason threat_passed) unless something else touches them. Upserting the same
  // source again replaces its zones and end time. End it early with CancelZone on
  // its zones (reason operator) and RemoveDanger(source, kOperator).
  // REQUIRES: every index < catalog.zones().size().
  void UpsertManual(const TrackId& source, std::span<const zones::ZoneIndex> zone_list,
                    ThreatCategory category, UnixTime until, UnixTime now);
  // Decides every zone whose state can change with time (thresholds reached, holds
  // expired, coasting tracks ended). Call about once a second.
  void Tick(UnixTime now);

  // Adopts alerts left open by a previous run (AlertLogState::open) so that they are
  // ended, not restarted; each is held for the hold of its category from `now`.
  // Call before any danger. Unknown zones are skipped.
  void RestoreOpenAlerts(std::span<const AlertEvent> open_starts, UnixTime now);

  // In zone order, pre-alert first. O(open alerts): the threat lists are shared, not
  // copied (a list changed since it was last handed out is sorted and copied once).
  std::vector<ActiveAlert> Active() const;
  // The id of the alert (or pre-alert) open on `zone`, if any; cheaper than Active().
  // REQUIRES: zone < catalog.zones().size().
  std::optional<AlertId> OpenAlert(zones::ZoneIndex zone, bool prealert) const;
  // The alert (or pre-alert) open on `zone`, as Active() lists it, if any; O(1)
  // unless its threat list changed since it was last handed out.
  // REQUIRES: zone < catalog.zones().size().
  std::optional<ActiveAlert> ActiveAt(zones::ZoneIndex zone, bool prealert) const;
  // Appends the pre-alert and the alert open on `zone` (as Active() lists them) to `out`.
  // REQUIRES: zone < catalog.zones().size().
  void ActiveOn(zones::ZoneIndex zone, std::vector<ActiveAlert>& out) const;
  // The id allocator's state, to persist and hand to the next run's constructor.
  const AlertIdAllocator::State& id_state() const;
  const EngineStats& stats() const;
  const Policy& policy() const;
  // Tracks (and manual sources) ever given a danger, and those not yet removed (live
  // or coasting); for memory checks.
  std::size_t track_slots() const;
  std::size_t live_tracks() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::alert
