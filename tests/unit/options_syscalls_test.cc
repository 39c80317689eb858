#include <gtest/gtest.h>

#include "options/syscalls.h"

namespace hb::options {
namespace {

constexpr std::uint32_t kAuditArchX86_64 = 0xc000003e;
constexpr std::uint32_t kAuditArchI386 = 0x40000003;

TEST(OptionsSyscalls, ResolvesAuditNumbersOnX86_64) {
  // "audit: type=1326 ... comm="chown" sig=31 arch=c000003e syscall=260"
  EXPECT_EQ(syscall_name(260, kAuditArchX86_64), "fchownat");
  EXPECT_EQ(syscall_name(93, kAuditArchX86_64), "fchown");
  EXPECT_EQ(syscall_name(0, kAuditArchX86_64), "read");
  EXPECT_EQ(syscall_number("fchownat", kAuditArchX86_64), 260);
  // The same number means something else on i386.
  EXPECT_NE(syscall_name(260, kAuditArchI386), "fchownat");
}

#if defined(__x86_64__)
TEST(OptionsSyscalls, NativeIsX86_64Here) {
  EXPECT_EQ(syscall_name(260), "fchownat");
  EXPECT_EQ(syscall_number("fchownat"), 260);
}
#endif

TEST(OptionsSyscalls, UnknownsAreNullopt) {
  EXPECT_FALSE(syscall_name(-1).has_value());
  EXPECT_FALSE(syscall_name(100000, kAuditArchX86_64).has_value());
  EXPECT_FALSE(syscall_number("frobnicate").has_value());
}

TEST(OptionsSyscalls, ParsesAuditArch) {
  EXPECT_EQ(parse_audit_arch("c000003e"), kAuditArchX86_64);
  EXPECT_EQ(parse_audit_arch("0xC000003E"), kAuditArchX86_64);
  EXPECT_FALSE(parse_audit_arch("").has_value());
  EXPECT_FALSE(parse_audit_arch("zz").has_value());
  EXPECT_FALSE(parse_audit_arch("12345678").has_value());
}

}  // namespace
}  // namespace hb::options
