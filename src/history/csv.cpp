#include "history/csv.h"

namespace tocsin::history {

bool CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  error_.clear();
  record_line_ = next_line_;
  std::string field;
  bool in_quotes = false, any = false, field_started = false;
  for (;;) {
    int c = in_.get();
    if (c == EOF) {
      if (in_quotes) error_ = "unterminated quoted field";
      if (!any) return false;
      fields->push_back(std::move(field));
      return true;
    }
    any = true;
    if (in_quotes) {
      if (c == '"') {
        if (in_.peek() == '"') {
          in_.get();
          field.push_back('"');
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++next_line_;
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
    } else if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n') {
      ++next_line_;
      if (!field.empty() && field.back() == '\r') field.pop_back();
      fields->push_back(std::move(field));
      return true;
    } else {
      field.push_back(static_cast<char>(c));
      field_started = true;
    }
  }
}

}  // namespace tocsin::history
