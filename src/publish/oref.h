// Israel Home Front Command (Pikud HaOref) public JSON feeds, in the shapes their
// existing clients read (../shared/spec/client-formats.md; examples in
// ../shared/data/clients/oref). Pure formatting; thread-safe.
//
//   /warningMessages/alert/Alerts.json                 FormatOrefAlertsJson
//   /warningMessages/alert/History/AlertsHistory.json  FormatOrefAlertsHistoryJson
//
// Area names are the zones' catalog names (Hebrew for il-areas). Clients key on the
// Hebrew title, so the titles are exactly the HFC ones:
//   missiles, rockets, unknown   "ירי רקטות וטילים"   real-time cat "1",  history 1
//   drones, aircraft             "חדירת כלי טיס עוין"  real-time cat "6",  history 2
//   pre-alert (early warning)    "בדקות הקרובות צפויות להתקבל התרעות באזורך"  cat "10", history 14
//   end ("event ended")          "האירוע הסתיים"      cat "10", history 13
// A pre-alert that ends while an alert is on in its zone (it was superseded by
// the alert) gets no "event ended" notice or row: that would tell people to leave
// the shelter while the alert is on.
// Exercise mode: titles get the suffix " - תרגיל" (drill), history categories are
// the HFC drill ones (15 missiles, 16 drones, 28 early warning, 27 update) and
// objects carry "mode":"exercise", so no client can take a drill for an alert.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "core/units.h"
#include "publish/mode.h"
#include "publish/published_alert.h"

namespace tocsin::publish {

struct OrefOptions {
  // An ended alert is announced ("האירוע הסתיים") in Alerts.json for this long
  // after its end, when no alert or pre-alert is active.
  Seconds end_notice{60};
  // History: rows newer than now - history_window, at most max_history_rows.
  Seconds history_window{86400};
  std::size_t max_history_rows = 3000;
};

// Alerts.json body: one object {"id","cat","title","data":[names],"desc"} for the
// most urgent group of alerts at `now` — active alerts (missiles before drones),
// else active pre-alerts, else alerts and pre-alerts ended within end_notice — or "" (empty body)
// when there is none. `id` is the Windows FILETIME of the group's newest start
// (or end), as the HFC's ids are: a new alert joining the group gives a new id.
std::string FormatOrefAlertsJson(std::span<const PublishedAlert> alerts, UnixTime now, Mode mode,
                                 const OrefOptions& options = {});

// AlertsHistory.json body: a JSON array, newest first, one row per zone and event
// ({"alertDate": Israel local "YYYY-MM-DD HH:MM:SS", "title", "data": name,
// "category": number}): a start row per alert/pre-alert and an end row per ended one.
std::string FormatOrefAlertsHistoryJson(std::span<const PublishedAlert> alerts, UnixTime now, Mode mode,
                                        const OrefOptions& options = {});

// Real-time "cat" and history "category" of an alert of this kind and category
// (the tables above), and its title.
int OrefHistoryCategory(AlertKind kind, ThreatCategory category, Mode mode);
std::string OrefTitle(AlertKind kind, ThreatCategory category, Mode mode);

}  // namespace tocsin::publish
