#pragma once
#include <string>

namespace hb::util {

// Writes through a temporary file and rename(2), so a report is either whole
// or absent, also when we are interrupted.
void write_file_atomically(const std::string& path, const std::string& content);

std::string read_file(const std::string& path);

}  // namespace hb::util
