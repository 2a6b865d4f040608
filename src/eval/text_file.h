// Reading whole text files for the eval readers.
#pragma once

#include <string>

#include "core/status.h"

namespace tocsin::eval {

// The whole content of the file at `path`; an error naming the path and the reason
// when it cannot be opened or read.
Result<std::string> ReadWholeFile(const std::string& path);

// 1-based line number of byte offset `byte` in `text` (clamped to the text's end).
int LineOfByte(const std::string& text, std::size_t byte);

// A number as readers quote it in messages: up to 15 significant digits.
std::string FormatNumber(double v);

}  // namespace tocsin::eval
