#include "publish/cap.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <pugixml.hpp>

#include "publish/time_format.h"

namespace tocsin::publish {
namespace {

constexpr const char* kCapNs = "urn:oasis:names:tc:emergency:cap:1.2";
constexpr const char* kAtomNs = "http://www.w3.org/2005/Atom";

std::string SanitisedSender(const std::string& sender) {
  std::string out = sender;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return out;
}

std::string IdentifierPrefix(const CapConfig& config, Mode mode) {
  return "tocsin-" + SanitisedSender(config.sender) + (mode == Mode::kExercise ? "-exercise-" : "-");
}

std::string Time(const CapConfig& config, UnixTime t) {
  return FormatIso8601WithOffset(t, config.utc_offset_minutes ? config.utc_offset_minutes(t) : 0);
}

void AppendNumber(std::string& out, double v, int decimals) {
  char buf[48];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (ec != std::errc()) {
    out += "0";
    return;
  }
  char* p = end;
  if (decimals > 0) {
    while (p > buf && p[-1] == '0') --p;
    if (p > buf && p[-1] == '.') --p;
  }
  if (p - buf == 2 && buf[0] == '-' && buf[1] == '0') {  // "-0"
    out += "0";
    return;
  }
  out.append(buf, p);
}

std::string ThreatList(const std::vector<TrackId>& threats) {
  std::string s;
  for (const auto& t : threats) {
    if (!s.empty()) s += ' ';
    s += t.str();
  }
  return s;
}

std::string EndReasonText(alert::EndReason r) {
  switch (r) {
    case alert::EndReason::kThreatPassed: return "the threat has passed";
    case alert::EndReason::kThreatDestroyed: return "the threat was destroyed";
    case alert::EndReason::kTrackLost: return "the threat is no longer tracked";
    case alert::EndReason::kOperator: return "an operator cancelled the alert";
  }
  return "the alert ended";
}

std::string Seconds0(Seconds s) { return std::to_string(static_cast<long long>(std::lround(s.value()))); }

struct Texts {
  std::string headline, description, instruction;
};

Texts TextsFor(const PublishedAlert& a, const CapMessageRef& msg, const CapConfig& config) {
  Texts t;
  const std::string event(CapEventName(a.category));
  const bool pre = a.kind == AlertKind::kPreAlert;
  if (msg.type == CapMsgType::kCancel) {
    t.headline = std::string(pre ? "Early warning over: " : "All clear: ") + a.zone_name;
    t.description = (pre ? "The early warning for " : "The alert for ") + a.zone_name + " has ended: " +
                    EndReasonText(a.end_reason) + ".";
    t.instruction = pre ? "The early warning has ended. Follow any alert in force for your area and official "
                          "instructions."
                        : "You may leave the shelter. Follow official instructions if a new alert is issued.";
  } else {
    const std::string prefix = msg.type == CapMsgType::kUpdate ? "Updated: " : "";
    if (pre) {
      t.headline = prefix + "Early warning, " + event + " expected: stay near a shelter - " + a.zone_name;
      t.instruction = "Stay near a shelter. If an alert follows, go to it at once";
      t.instruction += a.shelter.value() > 0 ? " (you will have about " + Seconds0(a.shelter) + " seconds)." : ".";
    } else {
      t.headline = prefix + event + ": take shelter now - " + a.zone_name;
      t.instruction = a.shelter.value() > 0
                          ? "Go to a shelter now; you have about " + Seconds0(a.shelter) +
                                " seconds to reach it. Stay there until the all-clear."
                          : "Take cover immediately where you are and stay there until the all-clear.";
    }
    t.description = event + (pre ? " expected near " : " threatening ") + a.zone_name + ".";
    if (a.expected_at) t.description += " Threat expected at " + Time(config, *a.expected_at) + ".";
    if (!a.threats.empty()) t.description += " Tracks: " + ThreatList(a.threats) + ".";
    if (a.manual) t.description += " Issued by an operator.";
  }
  if (!a.note.empty()) t.description += " Note: " + a.note;
  return t;
}

void AddText(pugi::xml_node parent, const char* name, const std::string& text) {
  parent.append_child(name).append_child(pugi::node_pcdata).set_value(text.c_str());
}

void AddValuePair(pugi::xml_node parent, const char* name, const std::string& value_name, const std::string& value) {
  pugi::xml_node n = parent.append_child(name);
  AddText(n, "valueName", value_name);
  AddText(n, "value", value);
}

std::string AlertLink(const CapConfig& config, const std::string& identifier) {
  return config.base_url + "/cap/alerts/" + identifier + ".xml";
}

// Appends the CAP <alert> element for `msg` to `parent`.
pugi::xml_node AppendCapAlert(pugi::xml_node parent, const PublishedAlert& a, const zones::Zone& zone,
                              const CapMessageRef& msg, const std::vector<CapMessageRef>& earlier, Mode mode,
                              const CapConfig& config) {
  pugi::xml_node alert = parent.append_child("alert");
  alert.append_attribute("xmlns") = kCapNs;
  AddText(alert, "identifier", msg.identifier);
  AddText(alert, "sender", config.sender);
  AddText(alert, "sent", Time(config, msg.sent));
  AddText(alert, "status", mode == Mode::kExercise ? "Exercise" : "Actual");
  AddText(alert, "msgType", std::string(ToString(msg.type)));
  AddText(alert, "scope", "Public");
  std::string note;
  if (mode == Mode::kExercise) note = "EXERCISE - this is not a real alert.";
  if (!a.note.empty()) note += (note.empty() ? "" : " ") + std::string("Operator note: ") + a.note;
  if (!note.empty()) AddText(alert, "note", note);
  if (!earlier.empty()) {
    std::string refs;
    for (const auto& r : earlier) {
      if (!refs.empty()) refs += ' ';
      refs += config.sender + "," + r.identifier + "," + Time(config, r.sent);
    }
    AddText(alert, "references", refs);
  }
  AddText(alert, "incidents", a.id.str());

  const Texts texts = TextsFor(a, msg, config);
  const bool cancel = msg.type == CapMsgType::kCancel;
  const bool pre = a.kind == AlertKind::kPreAlert;
  pugi::xml_node info = alert.append_child("info");
  AddText(info, "language", config.language);
  AddText(info, "category", "Security");
  AddText(info, "category", "Safety");
  AddText(info, "event", std::string(CapEventName(a.category)));
  AddText(info, "responseType", cancel ? "AllClear" : (pre ? "Prepare" : "Shelter"));
  AddText(info, "urgency", cancel ? "Past" : (pre ? "Expected" : "Immediate"));
  AddText(info, "severity", cancel ? "Minor" : (pre ? "Severe" : "Extreme"));
  AddText(info, "certainty", cancel ? "Observed" : (pre ? "Possible" : (a.threats.empty() ? "Likely" : "Observed")));
  AddText(info, "effective", Time(config, msg.sent));
  if (!cancel && a.expected_at && *a.expected_at >= msg.sent) AddText(info, "onset", Time(config, *a.expected_at));
  AddText(info, "expires", Time(config, msg.sent + config.expires_after));
  AddText(info, "senderName", config.sender_name);
  AddText(info, "headline", texts.headline);
  AddText(info, "description", texts.description);
  AddText(info, "instruction", texts.instruction);
  if (!config.base_url.empty()) AddText(info, "web", AlertLink(config, msg.identifier));
  AddValuePair(info, "parameter", "tocsin-alert", a.id.str());
  AddValuePair(info, "parameter", "tocsin-kind", std::string(ToString(a.kind)));
  AddValuePair(info, "parameter", "tocsin-category", std::string(ToString(a.category)));
  AddValuePair(info, "parameter", "tocsin-mode", std::string(ToString(mode)));
  AddValuePair(info, "parameter", "tocsin-manual", a.manual ? "true" : "false");
  AddValuePair(info, "parameter", "tocsin-shelter-s", Seconds0(a.shelter));
  if (!a.threats.empty()) AddValuePair(info, "parameter", "tocsin-threats", ThreatList(a.threats));
  if (a.expected_at) AddValuePair(info, "parameter", "tocsin-expected-at", Time(config, *a.expected_at));
  if (cancel) AddValuePair(info, "parameter", "tocsin-end-reason", std::string(alert::ToString(a.end_reason)));

  pugi::xml_node area = info.append_child("area");
  AddText(area, "areaDesc", zone.name.empty() ? zone.id.str() : zone.name);
  for (const auto& poly : zone.geometry) {
    std::string p = CapPolygon(poly.outer, config.polygon_decimals);
    if (!p.empty()) AddText(area, "polygon", p);
  }
  AddValuePair(area, "geocode", config.geocode_name, zone.id.str());
  return alert;
}

struct StringWriter final : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
};

std::string Serialise(const pugi::xml_document& doc) {
  StringWriter w;
  doc.save(w, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + w.out;
}

}  // namespace

std::string_view ToString(CapMsgType t) {
  switch (t) {
    case CapMsgType::kAlert: return "Alert";
    case CapMsgType::kUpdate: return "Update";
    case CapMsgType::kCancel: return "Cancel";
  }
  return "Alert";
}

std::string_view CapEventName(ThreatCategory c) {
  switch (c) {
    case ThreatCategory::kDrone: return "Drone attack";
    case ThreatCategory::kCruiseMissile: return "Cruise missile attack";
    case ThreatCategory::kBallisticMissile: return "Ballistic missile attack";
    case ThreatCategory::kRocket: return "Rocket attack";
    case ThreatCategory::kAircraft: return "Hostile aircraft";
    case ThreatCategory::kUnknown: return "Air attack";
  }
  return "Air attack";
}

std::string CapPolygon(const zones::Ring& ring, int decimals) {
  std::vector<LatLon> pts(ring.begin(), ring.end());
  if (!pts.empty() && !(pts.front() == pts.back())) pts.push_back(pts.front());
  if (pts.size() < 4) return {};
  std::string out;
  out.reserve(pts.size() * (2 * decimals + 10));
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (i) out += ' ';
    AppendNumber(out, pts[i].lat, decimals);
    out += ',';
    AppendNumber(out, pts[i].lon, decimals);
  }
  return out;
}

std::string CapIdentifier(const CapConfig& config, Mode mode, const AlertId& alert, CapMsgType type, int update_seq) {
  std::string id = IdentifierPrefix(config, mode) + alert.str();
  if (type == CapMsgType::kUpdate) id += "-U" + std::to_string(update_seq);
  if (type == CapMsgType::kCancel) id += "-C";
  return id;
}

std::optional<CapMessageRef> ParseCapIdentifier(const CapConfig& config, Mode mode, std::string_view identifier,
                                                AlertId* alert) {
  const std::string prefix = IdentifierPrefix(config, mode);
  if (identifier.size() <= prefix.size() || identifier.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view rest = identifier.substr(prefix.size());
  // Alert ids are "<letter>-<digits>"; anything after them is the message suffix.
  if (rest.size() < 3 || rest[1] != '-') return std::nullopt;
  std::size_t i = 2;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
  if (i == 2) return std::nullopt;
  CapMessageRef ref;
  std::string_view suffix = rest.substr(i);
  if (suffix.empty()) {
    ref.type = CapMsgType::kAlert;
  } else if (suffix == "-C") {
    ref.type = CapMsgType::kCancel;
  } else if (suffix.size() > 2 && suffix.substr(0, 2) == "-U") {
    int n = 0;
    auto [p, ec] = std::from_chars(suffix.data() + 2, suffix.data() + suffix.size(), n);
    if (ec != std::errc() || p != suffix.data() + suffix.size() || n < 1) return std::nullopt;
    ref.type = CapMsgType::kUpdate;
    ref.update_seq = n;
  } else {
    return std::nullopt;
  }
  ref.identifier = std::string(identifier);
  if (alert) *alert = AlertId(std::string(rest.substr(0, i)));
  return ref;
}

std::vector<CapMessageRef> CapMessagesOf(const PublishedAlert& a, const CapConfig& config, Mode mode) {
  std::vector<CapMessageRef> out;
  out.push_back({CapMsgType::kAlert, 0, CapIdentifier(config, mode, a.id, CapMsgType::kAlert), a.started});
  for (std::size_t i = 0; i < a.updates.size(); ++i) {
    const int seq = static_cast<int>(i) + 1;
    out.push_back({CapMsgType::kUpdate, seq, CapIdentifier(config, mode, a.id, CapMsgType::kUpdate, seq), a.updates[i]});
  }
  if (a.ended) out.push_back({CapMsgType::kCancel, 0, CapIdentifier(config, mode, a.id, CapMsgType::kCancel), *a.ended});
  return out;
}

namespace {

std::string FormatNth(const PublishedAlert& a, const zones::Zone& zone, const std::vector<CapMessageRef>& msgs,
                      std::size_t index, Mode mode, const CapConfig& config) {
  pugi::xml_document doc;
  const std::vector<CapMessageRef> earlier(msgs.begin(), msgs.begin() + static_cast<std::ptrdiff_t>(index));
  AppendCapAlert(doc, a, zone, msgs[index], earlier, mode, config);
  return Serialise(doc);
}

}  // namespace

std::string FormatCapMessage(const PublishedAlert& a, const zones::Zone& zone, const CapMessageRef& msg, Mode mode,
                             const CapConfig& config) {
  const auto msgs = CapMessagesOf(a, config, mode);
  std::size_t index = 0;
  for (std::size_t i = 0; i < msgs.size(); ++i)
    if (msgs[i].identifier == msg.identifier) index = i;
  return FormatNth(a, zone, msgs, index, mode, config);
}

std::string FormatCapAlert(const PublishedAlert& a, const zones::Zone& zone, Mode mode, const CapConfig& config) {
  return FormatNth(a, zone, CapMessagesOf(a, config, mode), 0, mode, config);
}

std::string FormatLatestCapMessage(const PublishedAlert& a, const zones::Zone& zone, Mode mode,
                                   const CapConfig& config) {
  const auto msgs = CapMessagesOf(a, config, mode);
  return FormatNth(a, zone, msgs, msgs.size() - 1, mode, config);
}

std::optional<std::string> FindCapMessage(std::span<const PublishedAlert> alerts, const zones::Catalog& catalog,
                                          std::string_view identifier, Mode mode, const CapConfig& config) {
  AlertId id;
  if (!ParseCapIdentifier(config, mode, identifier, &id)) return std::nullopt;
  for (const auto& a : alerts) {
    if (a.id != id || a.zone_index >= catalog.zones().size()) continue;
    const auto msgs = CapMessagesOf(a, config, mode);
    for (std::size_t i = 0; i < msgs.size(); ++i)
      if (msgs[i].identifier == identifier) return FormatNth(a, catalog.zone(a.zone_index), msgs, i, mode, config);
  }
  return std::nullopt;
}

std::string FormatCapAtomFeed(std::span<const PublishedAlert> alerts, const zones::Catalog& catalog, Mode mode,
                              const CapConfig& config, UnixTime now, const AtomOptions& options) {
  struct Entry {
    std::size_t alert;
    std::vector<CapMessageRef> const* msgs;
    std::size_t index;
  };
  std::vector<std::vector<CapMessageRef>> all_msgs;
  all_msgs.reserve(alerts.size());
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    all_msgs.push_back(CapMessagesOf(alerts[i], config, mode));
  }
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    if (alerts[i].zone_index >= catalog.zones().size()) continue;  // not of this catalog: left out
    for (std::size_t k = 0; k < all_msgs[i].size(); ++k) entries.push_back({i, &all_msgs[i], k});
  }
  auto newer = [](const Entry& x, const Entry& y) {
    const auto& mx = (*x.msgs)[x.index];
    const auto& my = (*y.msgs)[y.index];
    if (mx.sent != my.sent) return mx.sent > my.sent;
    return mx.identifier > my.identifier;
  };
  const std::size_t keep = std::min(entries.size(), options.max_entries);
  std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(keep), entries.end(), newer);
  entries.resize(keep);

  pugi::xml_document doc;
  pugi::xml_node feed = doc.append_child("feed");
  feed.append_attribute("xmlns") = kAtomNs;
  const std::string self = config.base_url + "/cap/atom.xml";
  AddText(feed, "id", config.base_url.empty()
                          ? "urn:tocsin:" + SanitisedSender(config.sender) + ":" + std::string(ToString(mode)) + ":cap"
                          : self);
  AddText(feed, "title", (mode == Mode::kExercise ? "EXERCISE - " : "") + options.title);
  const UnixTime updated = entries.empty() ? now : (*entries[0].msgs)[entries[0].index].sent;
  AddText(feed, "updated", Time(config, updated));
  pugi::xml_node author = feed.append_child("author");
  AddText(author, "name", config.sender_name);
  AddText(feed, "generator", "Tocsin");
  pugi::xml_node link = feed.append_child("link");
  link.append_attribute("rel") = "self";
  link.append_attribute("type") = "application/atom+xml";
  link.append_attribute("href") = self.c_str();

  for (const Entry& e : entries) {
    const PublishedAlert& a = alerts[e.alert];
    const CapMessageRef& msg = (*e.msgs)[e.index];
    const zones::Zone& zone = catalog.zone(a.zone_index);
    const Texts texts = TextsFor(a, msg, config);
    pugi::xml_node entry = feed.append_child("entry");
    const std::string href = AlertLink(config, msg.identifier);
    AddText(entry, "id", config.base_url.empty() ? "urn:tocsin:cap:" + msg.identifier : href);
    AddText(entry, "title", std::string(ToString(msg.type)) + ": " + texts.headline);
    AddText(entry, "updated", Time(config, msg.sent));
    AddText(entry, "published", Time(config, msg.sent));
    pugi::xml_node l = entry.append_child("link");
    l.append_attribute("rel") = "alternate";
    l.append_attribute("type") = "application/cap+xml";
    l.append_attribute("href") = href.c_str();
    pugi::xml_node cat = entry.append_child("category");
    cat.append_attribute("term") = std::string(ToString(msg.type)).c_str();
    AddText(entry, "summary", texts.instruction);
    if (options.embed_cap) {
      pugi::xml_node content = entry.append_child("content");
      content.append_attribute("type") = "application/cap+xml";
      const std::vector<CapMessageRef> earlier(e.msgs->begin(), e.msgs->begin() + static_cast<std::ptrdiff_t>(e.index));
      AppendCapAlert(content, a, zone, msg, earlier, mode, config);
    }
  }
  return Serialise(doc);
}

}  // namespace tocsin::publish
