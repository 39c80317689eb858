#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "options/catalogue.h"
#include "options/known_directives.h"

namespace hb::options {
namespace {

const DirectiveInfo& get(std::string_view name) {
  const DirectiveInfo* info = find_directive(name);
  if (info == nullptr) throw std::runtime_error("not catalogued: " + std::string(name));
  return *info;
}

TEST(OptionsCatalogue, LookupIsExactAndCaseSensitive) {
  ASSERT_NE(find_directive("ProtectSystem"), nullptr);
  EXPECT_EQ(find_directive("ProtectSystem")->name, "ProtectSystem");
  EXPECT_EQ(find_directive("protectsystem"), nullptr);
  EXPECT_EQ(find_directive("ProtectSystem="), nullptr);
  EXPECT_EQ(find_directive(""), nullptr);
}

// issue 20: what a line under test may be. harden's template and the
// representative hardening lines stay accepted; the service's own lines are not.
TEST(OptionsCatalogue, HardeningLinesOnly) {
  for (const auto& line : strictest_lines())
    EXPECT_EQ(not_hardening_reason(line.key), std::nullopt) << line.key << " is in harden's template";
  for (const char* name : {"DynamicUser", "ReadWritePaths", "IPAddressAllow", "StartLimitBurst",
                           "StartLimitIntervalSec", "SupplementaryGroups", "BindReadOnlyPaths", "MemoryMax"})
    EXPECT_EQ(not_hardening_reason(name), std::nullopt) << name;
  for (const char* name :
       {"ExecStart", "ExecStartPre", "ExecReload", "User", "Group", "Environment", "EnvironmentFile",
        "PassEnvironment", "Type", "Restart", "KillMode", "StandardOutput", "LogLevelMax", "WorkingDirectory",
        "After", "OnFailure", "StartLimitAction", "CPUShares"})
    EXPECT_NE(not_hardening_reason(name), std::nullopt) << name;
  EXPECT_EQ(
      not_hardening_reason("User").value_or(""),
      "it sets who the service runs as, part of the service's definition (DynamicUser= is the hardening "
      "line)");
}

TEST(OptionsCatalogue, NamesAreUnique) {
  std::set<std::string_view> seen;
  for (const auto& info : all_directives()) EXPECT_TRUE(seen.insert(info.name).second) << info.name;
  EXPECT_EQ(directive_names().size(), all_directives().size());
}

TEST(OptionsCatalogue, CoversTheBrief) {
  for (const char* name : {"MemoryMax",
                           "MemoryHigh",
                           "MemoryLimit",
                           "MemorySwapMax",
                           "TasksMax",
                           "CPUQuota",
                           "LimitNOFILE",
                           "LimitCORE",
                           "StartLimitIntervalSec",
                           "StartLimitBurst",
                           "RuntimeDirectory",
                           "StateDirectory",
                           "CacheDirectory",
                           "LogsDirectory",
                           "ConfigurationDirectory",
                           "ReadWritePaths",
                           "ReadOnlyPaths",
                           "InaccessiblePaths",
                           "ExecPaths",
                           "NoExecPaths",
                           "TemporaryFileSystem",
                           "BindPaths",
                           "BindReadOnlyPaths",
                           "UMask",
                           "LockPersonality",
                           "IPAddressDeny",
                           "IPAddressAllow",
                           "SystemCallFilter",
                           "SystemCallArchitectures",
                           "SystemCallErrorNumber",
                           "SystemCallLog",
                           "RestrictAddressFamilies",
                           "RestrictNamespaces",
                           "RestrictRealtime",
                           "RestrictSUIDSGID",
                           "RestrictFileSystems",
                           "PrivateUsers",
                           "PrivateNetwork",
                           "PrivateIPC",
                           "PrivateMounts",
                           "PrivateDevices",
                           "PrivateTmp",
                           "ProtectSystem",
                           "ProtectHome",
                           "ProtectKernelTunables",
                           "ProtectKernelModules",
                           "ProtectKernelLogs",
                           "ProtectControlGroups",
                           "ProtectClock",
                           "ProtectHostname",
                           "ProtectProc",
                           "ProcSubset",
                           "DynamicUser",
                           "User",
                           "Group",
                           "SupplementaryGroups",
                           "NoNewPrivileges",
                           "CapabilityBoundingSet",
                           "AmbientCapabilities",
                           "MemoryDenyWriteExecute",
                           "KeyringMode",
                           "NotifyAccess",
                           "Delegate",
                           "DevicePolicy",
                           "DeviceAllow",
                           "RemoveIPC",
                           "RootDirectory",
                           "RootImage",
                           "KillMode",
                           "Restart",
                           "RestartSec",
                           "TimeoutStartSec",
                           "Environment",
                           "OOMScoreAdjust",
                           "Nice",
                           "CPUSchedulingPolicy",
                           "IOSchedulingClass",
                           "LogLevelMax",
                           "MemoryKSM"}) {
    EXPECT_NE(find_directive(name), nullptr) << name;
  }
}

TEST(OptionsCatalogue, SectionsFollowSystemd) {
  EXPECT_EQ(get("StartLimitBurst").section, "Unit");
  EXPECT_EQ(get("StartLimitIntervalSec").section, "Unit");
  EXPECT_EQ(get("ProtectSystem").section, "Service");
  EXPECT_EQ(get("MemoryMax").section, "Service");
  EXPECT_EQ(section_of("StartLimitBurst"), "Unit");
  EXPECT_EQ(section_of("OOMPolicy"), "Service");  // catalogued
  EXPECT_EQ(section_of("ExecStart"), "Service");  // only known to systemd
  EXPECT_EQ(section_of("Description"), "Unit");
  EXPECT_EQ(section_of("ProtectSytem"), "");
}

// The catalogue agrees with what the systemd 252 and 257 binaries accept.
TEST(OptionsCatalogue, AgreesWithSystemdBinaries) {
  for (const auto& info : all_directives()) {
    const KnownDirective* known = find_known_systemd_directive(info.name);
    ASSERT_NE(known, nullptr) << info.name << " is not a key systemd accepts";
    EXPECT_EQ(known->section, info.section) << info.name;
    EXPECT_TRUE(known->in_systemd_257) << info.name;
    EXPECT_EQ(known->in_systemd_252, info.min_systemd <= 252) << info.name << " min " << info.min_systemd;
  }
}

TEST(OptionsCatalogue, RequirementsOnAHybridHost) {
  EXPECT_EQ(get("ProtectSystem").requirement, Privilege::SysAdmin);
  EXPECT_EQ(get("ProtectHome").requirement, Privilege::SysAdmin);
  EXPECT_EQ(get("PrivateTmp").requirement, Privilege::SysAdmin);
  EXPECT_EQ(get("PrivateNetwork").requirement, Privilege::SysAdmin);
  EXPECT_EQ(get("ReadWritePaths").requirement, Privilege::SysAdmin);
  EXPECT_EQ(get("MemoryMax").requirement, Privilege::Privileged);
  EXPECT_EQ(get("TasksMax").requirement, Privilege::Privileged);
  EXPECT_EQ(get("IPAddressDeny").requirement, Privilege::Privileged);
  EXPECT_EQ(get("DeviceAllow").requirement, Privilege::Privileged);
  EXPECT_EQ(get("NoNewPrivileges").requirement, Privilege::Minimal);
  EXPECT_EQ(get("SystemCallFilter").requirement, Privilege::Minimal);
  EXPECT_EQ(get("CapabilityBoundingSet").requirement, Privilege::Minimal);
  EXPECT_EQ(get("StartLimitBurst").requirement, Privilege::Minimal);
}

TEST(OptionsCatalogue, CgroupV2OnlyLimitsAreMarked) {
  EXPECT_FALSE(get("MemoryMax").cgroup_v2_only);  // memory.limit_in_bytes on v1
  EXPECT_TRUE(get("MemoryHigh").cgroup_v2_only);
  EXPECT_TRUE(get("MemorySwapMax").cgroup_v2_only);
  EXPECT_FALSE(get("TasksMax").cgroup_v2_only);
}

TEST(OptionsCatalogue, ProbesNameTheEvidence) {
  EXPECT_EQ(probe_name(get("NoNewPrivileges").probe), "no_new_privs");
  EXPECT_EQ(probe_name(get("SystemCallFilter").probe), "seccomp");
  EXPECT_EQ(probe_name(get("CapabilityBoundingSet").probe), "cap_bounding");
  EXPECT_EQ(probe_name(get("ProtectSystem").probe), "readonly_paths");
  EXPECT_EQ(probe_name(get("ProtectHome").probe), "hidden_paths");
  EXPECT_EQ(probe_name(get("PrivateTmp").probe), "private_tmp");
  EXPECT_EQ(probe_name(get("PrivateNetwork").probe), "namespace:net");
  EXPECT_EQ(probe_name(get("PrivateUsers").probe), "namespace:user");
  EXPECT_EQ(probe_name(get("MemoryMax").probe), "cgroup_memory");
  EXPECT_EQ(probe_name(get("TasksMax").probe), "cgroup_pids");
  EXPECT_EQ(probe_name(get("User").probe), "user");
  EXPECT_EQ(probe_name(get("UMask").probe), "umask");
  EXPECT_EQ(probe_name(get("Restart").probe), "");
}

// The rows of `systemd-analyze security` (identical in 252 and 257).
TEST(OptionsCatalogue, AssessedMatchesSystemdAnalyzeSecurity) {
  const std::set<std::string_view> rows = {"AmbientCapabilities",
                                           "CapabilityBoundingSet",
                                           "Delegate",
                                           "DeviceAllow",
                                           "DynamicUser",
                                           "IPAddressDeny",
                                           "KeyringMode",
                                           "LockPersonality",
                                           "MemoryDenyWriteExecute",
                                           "NoNewPrivileges",
                                           "NotifyAccess",
                                           "PrivateDevices",
                                           "PrivateMounts",
                                           "PrivateNetwork",
                                           "PrivateTmp",
                                           "PrivateUsers",
                                           "ProcSubset",
                                           "ProtectClock",
                                           "ProtectControlGroups",
                                           "ProtectHome",
                                           "ProtectHostname",
                                           "ProtectKernelLogs",
                                           "ProtectKernelModules",
                                           "ProtectKernelTunables",
                                           "ProtectProc",
                                           "ProtectSystem",
                                           "RemoveIPC",
                                           "RestrictAddressFamilies",
                                           "RestrictNamespaces",
                                           "RestrictRealtime",
                                           "RestrictSUIDSGID",
                                           "RootDirectory",
                                           "RootImage",
                                           "SupplementaryGroups",
                                           "SystemCallArchitectures",
                                           "SystemCallFilter",
                                           "UMask",
                                           "User"};
  std::set<std::string_view> assessed;
  for (const auto& info : all_directives()) {
    if (info.assessed) assessed.insert(info.name);
  }
  EXPECT_EQ(assessed, rows);
}

TEST(OptionsCatalogue, VersionsOfRecentDirectives) {
  EXPECT_EQ(get("ProtectClock").min_systemd, 245);
  EXPECT_EQ(get("ProtectProc").min_systemd, 247);
  EXPECT_EQ(get("ProcSubset").min_systemd, 247);
  EXPECT_EQ(get("PrivateIPC").min_systemd, 248);
  EXPECT_EQ(get("RestrictFileSystems").min_systemd, 250);
  EXPECT_EQ(get("ProtectHostname").min_systemd, 242);
  EXPECT_EQ(get("MemoryKSM").min_systemd, 254);
  EXPECT_EQ(get("PrivatePIDs").min_systemd, 257);
}

TEST(OptionsCatalogue, SplitsSyscallFilterKeepingErrno) {
  const auto& info = get("SystemCallFilter");
  EXPECT_TRUE(is_deny_list("~@mount @swap:EPERM"));
  EXPECT_EQ(split_value(info, "~@mount @swap:EPERM"), (std::vector<std::string>{"@mount", "@swap:EPERM"}));
  EXPECT_FALSE(is_deny_list("@system-service @chown"));
  EXPECT_EQ(split_value(info, "  @system-service\t@chown  "),
            (std::vector<std::string>{"@system-service", "@chown"}));
  EXPECT_EQ(split_value(info, "~ read write"), (std::vector<std::string>{"read", "write"}));
  EXPECT_TRUE(split_value(info, "").empty());
}

TEST(OptionsCatalogue, SplitsOtherLists) {
  EXPECT_EQ(split_value(get("CapabilityBoundingSet"), "~CAP_SYS_ADMIN CAP_NET_RAW"),
            (std::vector<std::string>{"CAP_SYS_ADMIN", "CAP_NET_RAW"}));
  EXPECT_EQ(split_value(get("RestrictAddressFamilies"), "AF_UNIX AF_INET AF_INET6"),
            (std::vector<std::string>{"AF_UNIX", "AF_INET", "AF_INET6"}));
  EXPECT_EQ(split_value(get("RestrictAddressFamilies"), "none"), (std::vector<std::string>{"none"}));
  EXPECT_EQ(split_value(get("RestrictNamespaces"), "~user net"), (std::vector<std::string>{"user", "net"}));
  EXPECT_EQ(split_value(get("RestrictNamespaces"), "yes"), (std::vector<std::string>{"yes"}));
  EXPECT_EQ(split_value(get("ReadWritePaths"), "-/var/lib/foo +/srv \"/with space\""),
            (std::vector<std::string>{"-/var/lib/foo", "+/srv", "/with space"}));
  EXPECT_EQ(split_value(get("IPAddressAllow"), "localhost 10.0.0.0/8 ::1/128"),
            (std::vector<std::string>{"localhost", "10.0.0.0/8", "::1/128"}));
  EXPECT_EQ(split_value(get("SystemCallArchitectures"), "native x86"),
            (std::vector<std::string>{"native", "x86"}));
  EXPECT_EQ(split_value(get("SupplementaryGroups"), "adm audio"), (std::vector<std::string>{"adm", "audio"}));
}

TEST(OptionsCatalogue, NonListsAreOneElement) {
  EXPECT_EQ(split_value(get("ProtectSystem"), " strict "), (std::vector<std::string>{"strict"}));
  EXPECT_EQ(split_value(get("Environment"), "\"A=b c\" D=e"), (std::vector<std::string>{"\"A=b c\" D=e"}));
  EXPECT_EQ(split_value(get("DeviceAllow"), "/dev/null rw"), (std::vector<std::string>{"/dev/null rw"}));
  EXPECT_FALSE(is_list_kind(ValueKind::Bool));
  EXPECT_TRUE(is_list_kind(ValueKind::PathList));
}

TEST(OptionsCatalogue, JoinInvertsSplit) {
  const auto& info = get("SystemCallFilter");
  std::vector<std::string> elements = {"@mount", "@swap:EPERM"};
  EXPECT_EQ(join_value(info, elements, true), "~@mount @swap:EPERM");
  EXPECT_EQ(join_value(info, elements, false), "@mount @swap:EPERM");
  const auto& paths = get("InaccessiblePaths");
  std::vector<std::string> spaced = {"-/a", "/with space"};
  std::string joined = join_value(paths, spaced, false);
  EXPECT_EQ(joined, "-/a \"/with space\"");
  EXPECT_EQ(split_value(paths, joined), spaced);
}

TEST(OptionsCatalogue, UnknownNamesGetDidYouMean) {
  auto error = check_known("ProtectSytem", 252);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("unknown directive ProtectSytem="), std::string::npos) << *error;
  EXPECT_NE(error->find("did you mean ProtectSystem=?"), std::string::npos) << *error;

  auto nothing_close = check_known("Frobnicate", 252);
  ASSERT_TRUE(nothing_close.has_value());
  EXPECT_EQ(nothing_close->find("did you mean"), std::string::npos) << *nothing_close;

  // systemd is case-sensitive; the suggestion fixes the case.
  auto lower = check_known("nonewprivileges", 252);
  ASSERT_TRUE(lower.has_value());
  EXPECT_NE(lower->find("NoNewPrivileges="), std::string::npos) << *lower;
}

TEST(OptionsCatalogue, RejectsDirectivesTooNewForTheImage) {
  auto error = check_known("ProtectProc", 246);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("247"), std::string::npos) << *error;
  EXPECT_NE(error->find("246"), std::string::npos) << *error;
  EXPECT_FALSE(check_known("ProtectProc", 247).has_value());
  EXPECT_FALSE(check_known("ProtectProc=", 252).has_value());
  EXPECT_FALSE(check_known("ProtectProc", 0).has_value());  // version unknown: no check
  EXPECT_TRUE(check_known("PrivatePIDs", 252).has_value());
  EXPECT_FALSE(check_known("PrivatePIDs", 257).has_value());
}

TEST(OptionsCatalogue, AcceptsKeysSystemdKnowsButWeDoNotCatalogue) {
  EXPECT_FALSE(check_known("ExecStartPre", 252).has_value());
  EXPECT_FALSE(check_known("Wants", 257).has_value());
  // Known only to 257's binary: too new for 252.
  EXPECT_TRUE(check_known("RestartSteps", 252).has_value());
  EXPECT_FALSE(check_known("RestartSteps", 257).has_value());
}

TEST(OptionsCatalogue, RequirementFlagsForTheDoctor) {
  EXPECT_EQ(privilege_flags(Privilege::Minimal), "none");
  EXPECT_EQ(privilege_flags(Privilege::SysAdmin), "--cap-add SYS_ADMIN");
  EXPECT_EQ(privilege_flags(Privilege::Privileged), "--privileged --cgroupns=private");
  std::vector<std::string> names = {"NoNewPrivileges", "ProtectSystem"};
  EXPECT_EQ(least_requirement(names), Privilege::SysAdmin);
  names.push_back("MemoryMax");
  EXPECT_EQ(least_requirement(names), Privilege::Privileged);
  std::vector<std::string> unprivileged = {"SystemCallFilter", "ExecStart", "Nonsense"};
  EXPECT_EQ(least_requirement(unprivileged), Privilege::Minimal);
}

TEST(OptionsCatalogue, TableHasOneRowPerDirective) {
  auto rows = catalogue_table();
  ASSERT_EQ(rows.size(), all_directives().size());
  const CatalogueRow* protect_system = nullptr;
  const CatalogueRow* memory_high = nullptr;
  for (const auto& row : rows) {
    if (row.name == "ProtectSystem") protect_system = &row;
    if (row.name == "MemoryHigh") memory_high = &row;
  }
  ASSERT_NE(protect_system, nullptr);
  EXPECT_EQ(protect_system->section, "Service");
  EXPECT_EQ(protect_system->requirement, "--cap-add SYS_ADMIN");
  EXPECT_EQ(protect_system->probe, "readonly_paths");
  EXPECT_EQ(protect_system->kind, "enum");
  EXPECT_TRUE(protect_system->assessed);
  ASSERT_NE(memory_high, nullptr);
  EXPECT_EQ(memory_high->requirement, "--privileged --cgroupns=private");
  EXPECT_NE(memory_high->caveat.find("cgroup v2 only"), std::string::npos);
}

}  // namespace
}  // namespace hb::options
