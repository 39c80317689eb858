#include "scenario/scenario.h"

namespace hb::scenario {

std::string SourceLoc::str() const {
  if (line <= 0) return file;
  std::string out = file + ":" + std::to_string(line);
  if (column > 0) out += ":" + std::to_string(column);
  return out;
}

const char* to_string(Privilege privilege) {
  switch (privilege) {
    case Privilege::Auto: return "auto";
    case Privilege::Minimal: return "minimal";
    case Privilege::SysAdmin: return "sys-admin";
    case Privilege::Privileged: return "privileged";
  }
  return "auto";
}

}  // namespace hb::scenario
