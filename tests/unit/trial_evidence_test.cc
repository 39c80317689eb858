#include "trial/evidence.h"

#include <gtest/gtest.h>

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
  Evidence quick = parse_evidence(
      "@@HB-abc@@ workload_rc\n124\n@@HB-abc@@ workload_ms\n15\n@@HB-abc@@ end\n", "abc", 2000);
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

}  // namespace
}  // namespace hb::trial
