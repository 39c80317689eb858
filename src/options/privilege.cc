#include "options/privilege.h"

namespace hb::options {

const char* privilege_name(Privilege privilege) { return util::name_of(kPrivilegeNames, privilege); }

std::optional<Privilege> parse_privilege(std::string_view name) {
  return util::parse_name(kPrivilegeNames, name);
}

std::string_view privilege_flags(Privilege privilege) {
  switch (privilege) {
    case Privilege::Minimal:
      return "none";
    case Privilege::SysAdmin:
      return "--cap-add SYS_ADMIN";
    case Privilege::Privileged:
      return "--privileged --cgroupns=private";
  }
  return "--privileged --cgroupns=private";
}

const char* requested_privilege_name(const std::optional<Privilege>& requested) {
  return requested ? privilege_name(*requested) : "auto";
}

}  // namespace hb::options
