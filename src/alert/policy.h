// Alert policy: the rules the alert engine applies, per threat category.
// Loaded from a JSON file (docs/policy.md documents every key, its unit, range and
// default); the defaults are embedded (Policy::Defaults()) so that no file is needed.
//
// File layout: top-level settings apply to every category; "categories" holds
// per-category objects with the same keys (except "categories") that override them:
//   {"lead_margin_s": 60, "hold_s": 90, ..., "failsafe": {"max_uncertainty_m": 15000},
//    "categories": {"ballistic_missile": {"min_confidence": 0.3}}}
// Loading rejects unknown keys, wrong types and out-of-range values; the error names
// the file, the key path (e.g. "categories.drone.hold_s") and the reason, and lists
// every problem found, not just the first.
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <string>

#include "core/category.h"
#include "core/status.h"
#include "core/units.h"

namespace tocsin::alert {

// The rules for one threat category. Ranges are enforced by the loader.
struct CategoryPolicy {
  // A zone is alerted once the threat can arrive within shelter_s + lead_margin.
  Seconds lead_margin{60};              // [0, 3600]
  // An alert stays open until no danger has touched the zone for this long.
  Seconds hold{90};                     // [0, 3600]
  // Dangers below this confidence cause pre-alerts only, never alerts.
  double min_confidence = 0.5;          // [0, 1]
  // Pre-alert: zones the threat can reach within this horizon.
  Seconds prealert_horizon{600};        // [0, 7200]
  // Dangers below this confidence cause nothing at all.
  double prealert_min_confidence = 0.0; // [0, 1]
  // Hold after a track ended destroyed (replaces `hold` for that track), >= 0.
  Seconds destroyed_hold{30};           // [0, 3600]
  // After a track is lost its last danger keeps acting for this long (coasting),
  // then the ordinary hold applies; ends are reported as "track_lost".
  Seconds lost_coast{120};              // [0, 3600]
  // Fail-safe: a danger whose 1-sigma position uncertainty exceeds this is widened
  // to every zone of the parent regions of the zones it touches.
  Metres max_uncertainty{15000};        // (0, 1e6]
};

inline constexpr int kCategoryCount = 6;
inline int CategoryIndex(ThreatCategory c) { return static_cast<int>(c); }

struct Policy {
  // Per-category rules, indexed by CategoryIndex(); overrides already applied.
  std::array<CategoryPolicy, kCategoryCount> categories;

  const CategoryPolicy& For(ThreatCategory c) const { return categories[CategoryIndex(c)]; }

  // The embedded defaults: the base values above plus a few per-category overrides;
  // identical to data/policy/default-policy.json (a test checks this).
  static Policy Defaults();
};

// Parses policy JSON text; `source_name` names it in messages. A file describes the
// whole policy: keys it does not give take the base values (CategoryPolicy's
// initialisers), top-level keys apply to every category, "categories" overrides them. On error the Status lists every problem ("SOURCE: KEY: REASON").
Result<Policy> ParsePolicy(const std::string& json_text, const std::string& source_name);
// Reads and parses a policy file.
Result<Policy> LoadPolicyFile(const std::string& path);

}  // namespace tocsin::alert
