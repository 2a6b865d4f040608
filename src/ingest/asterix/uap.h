// User Application Profiles as tables of length rules, and the generic walk of
// an FSPEC and of the items it announces. Internal to tocsin_asterix.
//
// The walk only needs each item's length rule; the meaning of the bytes is
// interpreted afterwards by the category decoders (cat048.cpp, cat062.cpp) from
// the spans the walk returns.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"
#include "ingest/asterix/cursor.h"

namespace tocsin::ingest::asterix {

enum class Rule : std::uint8_t {
  kAbsent,      // spare FRN: must not be set in the FSPEC
  kFixed,       // n bytes
  kExtended,    // parts of n bytes while FX (bit 1 of a part's last byte) is set
  kRepetitive,  // REP octet then REP elements of n bytes
  kExplicit,    // length octet counting itself
  kCompound,    // primary subfield (FX-extended presence bits) then subfields
};

struct SubSpec {
  Rule rule = Rule::kAbsent;
  std::uint8_t n = 0;
};

struct ItemSpec {
  const char* name = nullptr;  // "I048/010", "SP", "RE"; nullptr for a spare FRN
  Rule rule = Rule::kAbsent;
  std::uint8_t n = 0;
  std::span<const SubSpec> sub;  // kCompound only: subfields in order, FX bits not counted
};

// Up to 35 FRNs (five FSPEC octets) per record, 35 subfields per compound item.
inline constexpr int kMaxFrn = 35;
using ItemSpans = std::array<Bytes, kMaxFrn + 1>;  // index = FRN (1-based); empty = absent
using SubSpans = std::array<Bytes, kMaxFrn + 1>;   // index = subfield number (1-based)

// Reads an FSPEC-like presence field (FX-extended octets) and marks each set
// position 1..: present[k] = true. Fails the cursor when more than max_octets
// octets are used.
inline std::array<bool, kMaxFrn + 1> ReadPresence(Cursor& c, int max_octets, int* last_set) {
  std::array<bool, kMaxFrn + 1> present{};
  *last_set = 0;
  for (int octet = 0;; ++octet) {
    if (octet >= max_octets) {
      c.Fail("has more FX-extended presence octets than this edition defines");
      return present;
    }
    const std::uint8_t b = c.U8();
    if (c.failed()) return present;
    for (int i = 0; i < 7; ++i) {
      if (b & (0x80 >> i)) {
        const int k = octet * 7 + i + 1;
        present[k] = true;
        *last_set = k;
      }
    }
    if ((b & 1) == 0) break;
  }
  return present;
}

// The bytes of one item of the given rule (the whole item, including REP or
// length octets and the compound primary subfield).
inline Bytes WalkItem(Cursor& c, Rule rule, std::uint8_t n, std::span<const SubSpec> sub) {
  switch (rule) {
    case Rule::kFixed: return c.Take(n);
    case Rule::kExtended: return c.TakeExtended(n);
    case Rule::kRepetitive: return c.TakeRepetitive(n);
    case Rule::kExplicit: return c.TakeExplicit();
    case Rule::kCompound: {
      Cursor probe = c;
      const std::size_t start = c.pos();
      int last = 0;
      const auto present = ReadPresence(c, 5, &last);
      if (c.failed()) return {};
      if (last > static_cast<int>(sub.size())) {
        c.Fail("sets a subfield this edition does not define");
        return {};
      }
      for (int k = 1; k <= last; ++k) {
        if (!present[k]) continue;
        const SubSpec& s = sub[k - 1];
        if (s.rule == Rule::kAbsent || s.rule == Rule::kCompound) {
          c.Fail("sets a spare subfield");
          return {};
        }
        WalkItem(c, s.rule, s.n, {});
        if (c.failed()) return {};
      }
      return probe.Take(c.pos() - start);
    }
    case Rule::kAbsent: break;
  }
  c.Fail("is a spare item");
  return {};
}

// Splits a compound item (as returned by WalkItem) into its subfields.
// REQUIRES: item was walked with the same sub table (so it is well formed).
inline SubSpans SplitCompound(Bytes item, std::span<const SubSpec> sub) {
  SubSpans out{};
  Cursor c(item);
  int last = 0;
  const auto present = ReadPresence(c, 5, &last);
  for (int k = 1; k <= last && k <= static_cast<int>(sub.size()); ++k) {
    if (present[k]) out[k] = WalkItem(c, sub[k - 1].rule, sub[k - 1].n, {});
  }
  return out;
}

// Walks one record at c: its FSPEC, then every announced item by the UAP.
// On success fills spans (by FRN) and leaves c after the record. On failure the
// Status names the item and the reason.
inline Status WalkRecord(Cursor& c, std::span<const ItemSpec> uap, const char* category,
                         ItemSpans* spans) {
  *spans = ItemSpans{};
  int last = 0;
  const int max_octets = static_cast<int>((uap.size() + 6) / 7);
  const auto present = ReadPresence(c, max_octets, &last);
  if (c.failed()) {
    return Status::Error(std::string(category) + " FSPEC " + c.why() +
                         ": the block is truncated or corrupt, or follows another edition's UAP");
  }
  if (last == 0) {
    return Status::Error(std::string(category) +
                         " FSPEC announces no item (an empty record: padding or corrupt data)");
  }
  for (int frn = 1; frn <= last; ++frn) {
    if (!present[frn]) continue;
    if (frn > static_cast<int>(uap.size()) || uap[frn - 1].rule == Rule::kAbsent) {
      return Status::Error(std::string(category) + " FSPEC sets FRN " + std::to_string(frn) +
                           ", which is spare in the supported UAP: the data is corrupt or from"
                           " another edition");
    }
    const ItemSpec& item = uap[frn - 1];
    (*spans)[frn] = WalkItem(c, item.rule, item.n, item.sub);
    if (c.failed()) {
      return Status::Error(std::string(category) + " item " + item.name + " (FRN " +
                           std::to_string(frn) + ") " + c.why() +
                           ": the block is truncated or corrupt, or its records follow another"
                           " edition's UAP");
    }
  }
  return Status::Ok();
}

}  // namespace tocsin::ingest::asterix
