// A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF or LF.
// Thread-safety: a CsvReader is used by one thread at a time.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace tocsin::history {

class CsvReader {
 public:
  // REQUIRES: `in` outlives the reader.
  explicit CsvReader(std::istream& in) : in_(in) {}
  // Reads the next record into `fields`; false at end of input. A quoted field may
  // span lines. An unterminated quote ends at end of input and sets `error`.
  bool Next(std::vector<std::string>* fields);
  // Line number (1-based) where the last record returned started.
  int line() const { return record_line_; }
  // Non-empty when the last record was malformed (e.g. an unterminated quote).
  const std::string& error() const { return error_; }

 private:
  std::istream& in_;
  int next_line_ = 1;
  int record_line_ = 0;
  std::string error_;
};

}  // namespace tocsin::history
