#include <gtest/gtest.h>

#include <algorithm>

#include "options/syscall_groups.h"

namespace hb::options {
namespace {

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(OptionsSyscallGroups, KnowsSystemd252Groups) {
  for (const char* name :
       {"@default", "@aio",         "@basic-io",       "@chown",     "@clock",   "@cpu-emulation",
        "@debug",   "@file-system", "@io-event",       "@ipc",       "@keyring", "@memlock",
        "@module",  "@mount",       "@network-io",     "@obsolete",  "@pkey",    "@privileged",
        "@process", "@raw-io",      "@reboot",         "@resources", "@setuid",  "@signal",
        "@swap",    "@sync",        "@system-service", "@timer",     "@known"}) {
    EXPECT_NE(find_syscall_group(name), nullptr) << name;
  }
  EXPECT_EQ(syscall_groups().size(), 29u);
  EXPECT_EQ(find_syscall_group("chown"), nullptr);  // the "@" is part of the name
  EXPECT_EQ(find_syscall_group("@sandbox"), nullptr);
}

TEST(OptionsSyscallGroups, ChownGroupHasTheFchownFamily) {
  auto chown = expand_syscall_group("@chown");
  ASSERT_TRUE(chown.has_value());
  EXPECT_EQ(*chown, (std::vector<std::string>{"chown", "chown32", "fchown", "fchown32", "fchownat", "lchown",
                                              "lchown32"}));
  EXPECT_TRUE(group_contains("@chown", "fchown"));
  EXPECT_TRUE(group_contains("@chown", "fchownat"));
  EXPECT_FALSE(group_contains("@chown", "chmod"));
}

TEST(OptionsSyscallGroups, GroupsContainingAreMostSpecificFirst) {
  auto groups = groups_containing("fchown");
  ASSERT_FALSE(groups.empty());
  EXPECT_EQ(groups.front(), "@chown");
  // @chown is nested in @privileged and @system-service in systemd 252.
  EXPECT_TRUE(has(groups, "@privileged"));
  EXPECT_TRUE(has(groups, "@system-service"));
  EXPECT_FALSE(has(groups, "@known"));
  EXPECT_TRUE(has(groups_containing("fchown", true), "@known"));
  EXPECT_TRUE(groups_containing("not_a_syscall").empty());
}

TEST(OptionsSyscallGroups, ExpansionIsRecursive) {
  auto service = expand_syscall_group("@system-service");
  ASSERT_TRUE(service.has_value());
  EXPECT_TRUE(std::is_sorted(service->begin(), service->end()));
  EXPECT_TRUE(has(*service, "fchownat"));  // through @chown
  EXPECT_TRUE(has(*service, "read"));      // through @basic-io
  EXPECT_TRUE(has(*service, "execve"));    // through @default
  EXPECT_TRUE(has(*service, "umask"));     // listed directly
  EXPECT_FALSE(has(*service, "mount"));    // @mount is not part of it
  EXPECT_FALSE(has(*service, "reboot"));
  for (const auto& name : *service) EXPECT_FALSE(name.starts_with('@')) << name;
  EXPECT_FALSE(expand_syscall_group("@nope").has_value());
}

TEST(OptionsSyscallGroups, PrivilegedNestsOtherGroups) {
  EXPECT_TRUE(group_contains("@privileged", "reboot"));  // via @reboot
  EXPECT_TRUE(group_contains("@privileged", "swapon"));  // via @swap
  EXPECT_TRUE(group_contains("@privileged", "setuid"));  // direct
}

TEST(OptionsSyscallGroups, KnownSyscalls) {
  EXPECT_TRUE(is_known_syscall("fchownat"));
  EXPECT_TRUE(is_known_syscall("openat"));
  EXPECT_FALSE(is_known_syscall("frobnicate"));
}

TEST(OptionsSyscallGroups, FilterAllows) {
  // The narrative: sed killed on fchown under an allow list without @chown.
  EXPECT_FALSE(syscall_filter_allows("@basic-io @file-system", "fchown"));
  EXPECT_TRUE(syscall_filter_allows("@basic-io @file-system @chown", "fchown"));
  EXPECT_TRUE(syscall_filter_allows("@system-service", "fchown"));
  // Allow lists always let @default through.
  EXPECT_TRUE(syscall_filter_allows("@basic-io", "execve"));
  // Deny lists.
  EXPECT_FALSE(syscall_filter_allows("~@mount @swap:EPERM", "swapon"));
  EXPECT_FALSE(syscall_filter_allows("~@mount @swap:EPERM", "mount"));
  EXPECT_TRUE(syscall_filter_allows("~@mount @swap:EPERM", "read"));
  EXPECT_FALSE(syscall_filter_allows("~fchown", "fchown"));
}

}  // namespace
}  // namespace hb::options
