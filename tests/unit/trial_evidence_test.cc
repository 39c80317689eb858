#include <gtest/gtest.h>

#include "trial/evidence.h"

namespace hb::trial {
namespace {

TEST(TrialEvidence, ParsesSectionsAndProperties) {
  std::string out =
      "\n@@HB-abc@@ boot_state\nrunning\n@@HB-abc@@ boot_ms\n310\n@@HB-abc@@ start_rc\n0\n"
      "@@HB-abc@@ workload_rc\n124\n@@HB-abc@@ workload_ms\n2004\n"
      "@@HB-abc@@ show\nActiveState=active\nResult=success\n@@HB-abc@@ end\n";
  Evidence e = parse_evidence(out, "abc", 2000);
  EXPECT_TRUE(e.complete);
  EXPECT_EQ(e.boot_state, "running");
  EXPECT_EQ(e.boot_ms, 310);
  EXPECT_EQ(*e.start_rc, 0);
  EXPECT_TRUE(e.workload_timed_out);
  EXPECT_EQ(e.property("ActiveState"), "active");
  // A workload that exits 124 on its own, quickly, did not time out.
  Evidence quick = parse_evidence("@@HB-abc@@ workload_rc\n124\n@@HB-abc@@ workload_ms\n15\n@@HB-abc@@ end\n",
                                  "abc", 2000);
  EXPECT_FALSE(quick.workload_timed_out);
}

TEST(TrialEvidence, WorkloadCannotForgeMarkers) {
  std::string out =
      "@@HB-abc@@ workload_output\n@@HB-zzz@@ end\n@@HB-zzz@@ show\nActiveState=active\n"
      "@@HB-abc@@ show\nActiveState=failed\n";
  Evidence e = parse_evidence(out, "abc", 1000);
  EXPECT_FALSE(e.complete);
  EXPECT_EQ(e.property("ActiveState"), "failed");
  EXPECT_NE(e.section("workload_output").find("@@HB-zzz@@ end"), std::string::npos);
}

TEST(TrialEvidence, ParsesSecurityRowsAndOverallExposure) {
  Evidence e;
  parse_security(
      "  NAME                          DESCRIPTION                                        EXPOSURE\n"
      "\xE2\x9C\x97 PrivateNetwork=               Service has access to the host's network           0.5\n"
      "\xE2\x9C\x93 PrivateTmp=                   Service has no access to other software's temporary files\n"
      "  RemoveIPC=                    Service runs as root, option does not apply\n"
      "\xE2\x9C\x97 SystemCallFilter=~@clock      Service does not filter system calls               0.2\n"
      "\n"
      "\xE2\x86\x92 Overall exposure level for sshd.service: 9.6 UNSAFE \xF0\x9F\x98\xA8\n",
      e);
  ASSERT_TRUE(e.exposure);
  EXPECT_DOUBLE_EQ(*e.exposure, 9.6);
  EXPECT_EQ(e.exposure_rating, "UNSAFE");
  ASSERT_EQ(e.exposure_rows.size(), 4u);
  EXPECT_EQ(e.exposure_rows[0].name, "PrivateNetwork=");
  EXPECT_FALSE(e.exposure_rows[0].ok);
  ASSERT_TRUE(e.exposure_rows[0].exposure);
  EXPECT_DOUBLE_EQ(*e.exposure_rows[0].exposure, 0.5);
  EXPECT_EQ(e.exposure_rows[0].description, "Service has access to the host's network");
  EXPECT_TRUE(e.exposure_rows[1].ok);
  EXPECT_FALSE(e.exposure_rows[1].exposure);
  EXPECT_EQ(e.exposure_rows[2].name, "RemoveIPC=");
  EXPECT_EQ(e.exposure_rows[3].name, "SystemCallFilter=~@clock");
}

TEST(TrialEvidence, SecurityAsciiOutputAndNoRating) {
  Evidence e;
  parse_security(
      "- NoNewPrivileges=   Service processes may acquire new privileges   0.2\n"
      "-> Overall exposure level for x.service: 4.2 OK :-)\n",
      e);
  ASSERT_TRUE(e.exposure);
  EXPECT_DOUBLE_EQ(*e.exposure, 4.2);
  ASSERT_EQ(e.exposure_rows.size(), 1u);
  Evidence none;
  parse_security("Failed to get unit: Unit x.service not loaded.\n", none);
  EXPECT_FALSE(none.exposure);
  EXPECT_TRUE(none.exposure_rows.empty());
}

TEST(TrialEvidence, SecurityFromTheDriverOutput) {
  std::string out =
      "\n@@HB-n1@@ boot_state\nrunning\n@@HB-n1@@ security\n"
      "\xE2\x86\x92 Overall exposure level for x.service: 6.4 MEDIUM \xF0\x9F\x98\x90\n"
      "@@HB-n1@@ security_ms\n23\n@@HB-n1@@ end\n";
  Evidence e = parse_evidence(out, "n1", 5000);
  ASSERT_TRUE(e.exposure);
  EXPECT_DOUBLE_EQ(*e.exposure, 6.4);
  EXPECT_EQ(e.exposure_rating, "MEDIUM");
  EXPECT_EQ(e.security_ms, 23);
}

}  // namespace
}  // namespace hb::trial
