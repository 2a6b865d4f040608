// Per-category record decoders used by decoder.cpp. Internal to tocsin_asterix.
#pragma once

#include <string>

#include "core/status.h"
#include "ingest/asterix/cursor.h"
#include "ingest/asterix/records.h"

namespace tocsin::ingest::asterix {

// Decode one record starting at c (its FSPEC) and leave c after it. On error the
// Status says which item and why; c is then unusable.
Status DecodeCat048Record(Cursor& c, Cat048Record* out);
Status DecodeCat062Record(Cursor& c, Cat062Record* out);

// n characters of the ICAO 6-bit alphabet packed in the bytes (code 0 as a
// space, '?' for other codes outside A-Z, 0-9 and space).
std::string IcaoChars(Bytes bytes, int n);
// n raw ASCII characters (non-printable ones as '?').
std::string AsciiChars(Bytes bytes);

}  // namespace tocsin::ingest::asterix
