// ReferenceAlertEngine: the alert engine as it was before its decisions became
// incremental (each decision walked every contributor of the zone). For tests only:
// the oracle AlertEngine must match event for event (engine_equivalence_test.cpp).
// Same API, contracts and thread-safety as AlertEngine (engine.h); not linked into
// the tocsin_alert library.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "alert/engine.h"

namespace tocsin::alert::reference {

class ReferenceAlertEngine {
 public:
  ReferenceAlertEngine(const zones::Catalog& catalog, Policy policy, AlertSink& sink,
                       AlertIdAllocator::State ids = {});
  ~ReferenceAlertEngine();
  ReferenceAlertEngine(const ReferenceAlertEngine&) = delete;
  ReferenceAlertEngine& operator=(const ReferenceAlertEngine&) = delete;

  void UpsertDanger(const Danger& danger, UnixTime now);
  void Update(std::span<const Danger> dangers, UnixTime now);
  void RemoveDanger(const TrackId& track, EndReason reason, UnixTime now);
  void SetSensorStale(const SensorId& sensor, bool stale, UnixTime now);
  bool CancelZone(const ZoneId& zone, UnixTime now);
  void UpsertManual(const TrackId& source, std::span<const zones::ZoneIndex> zone_list,
                    ThreatCategory category, UnixTime until, UnixTime now);
  void Tick(UnixTime now);
  void RestoreOpenAlerts(std::span<const AlertEvent> open_starts, UnixTime now);

  std::vector<ActiveAlert> Active() const;
  std::optional<AlertId> OpenAlert(zones::ZoneIndex zone, bool prealert) const;
  const AlertIdAllocator::State& id_state() const;
  const EngineStats& stats() const;
  const Policy& policy() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::alert::reference
