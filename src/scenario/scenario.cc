#include "scenario/scenario.h"

namespace hb::scenario {

std::string SourceLoc::str() const {
  if (line <= 0) return file;
  std::string out = file + ":" + std::to_string(line);
  if (column > 0) out += ":" + std::to_string(column);
  return out;
}

}  // namespace hb::scenario
