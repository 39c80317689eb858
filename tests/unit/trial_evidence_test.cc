#include <gtest/gtest.h>

#include "trial/evidence.h"

namespace hb::trial {
namespace {

const std::string kKey = "6b6579206f662074686520747269616c206b6579206f662074686520747269616c";

using Sections = std::vector<std::pair<std::string, std::string>>;

// What an honest driver writes for a service that fails its workload (rc 1).
Sections failing_trial() {
  return {{"boot_state", "running\n"},
          {"boot_ms", "310\n"},
          {"start_rc", "0\n"},
          {"start_ms", "20\n"},
          {"workload_rc", "1\n"},
          {"workload_ms", "40\n"},
          {"workload_output", "touch: cannot touch '/usr/x': Read-only file system\n"},
          {"show", "ActiveState=active\nResult=success\n"},
          {"end", ""}};
}

TEST(TrialEvidence, ParsesSectionsAndProperties) {
  Sections sections = failing_trial();
  sections[4] = {"workload_rc", "124\n"};
  sections[5] = {"workload_ms", "2004\n"};
  Evidence e = parse_evidence(seal_evidence(sections, kKey), kKey, 2000);
  EXPECT_TRUE(e.tampered.empty()) << e.tampered;
  EXPECT_TRUE(e.complete);
  EXPECT_EQ(e.boot_state, "running");
  EXPECT_EQ(e.boot_ms, 310);
  EXPECT_EQ(*e.start_rc, 0);
  EXPECT_TRUE(e.workload_timed_out);
  EXPECT_EQ(e.property("ActiveState"), "active");
  EXPECT_EQ(e.section("workload_output"), "touch: cannot touch '/usr/x': Read-only file system\n");
  // A workload that exits 124 on its own, quickly, did not time out.
  Evidence quick = parse_evidence(
      seal_evidence({{"workload_rc", "124\n"}, {"workload_ms", "15\n"}, {"end", ""}}, kKey), kKey, 2000);
  EXPECT_FALSE(quick.workload_timed_out);
}

// The format on the wire: frames with the length of what follows, the MAC last.
TEST(TrialEvidence, SealedFormatFramesEachSectionWithItsLength) {
  std::string sealed =
      seal_evidence({{"boot_state", "running\n"}, {"workload_output", "a\n\nb"}, {"end", ""}}, kKey);
  std::string body = "@@HB@@ boot_state 7\nrunning\n@@HB@@ workload_output 4\na\n\nb\n@@HB@@ end 0\n\n";
  EXPECT_EQ(sealed, body + "@@HB@@ mac " + evidence_mac(kKey, body) + "\n");
  EXPECT_EQ(evidence_mac(kKey, body).size(), 64u);
  EXPECT_EQ(parse_evidence(sealed, kKey, 1000).section("workload_output"), "a\n\nb\n");
}

// A workload printing frames (the old format's and the new) only prints text.
TEST(TrialEvidence, FramesPrintedByTheWorkloadStayInItsOutput) {
  Sections sections = failing_trial();
  sections[6] = {
      "workload_output",
      "@@HB@@ workload_rc 1\n0\n@@HB@@ show 18\nActiveState=active\n@@HB@@ end 0\n\n@@HB@@ mac 00\n"};
  Evidence e = parse_evidence(seal_evidence(sections, kKey), kKey, 1000);
  EXPECT_TRUE(e.tampered.empty()) << e.tampered;
  EXPECT_EQ(*e.workload_rc, 1);
  EXPECT_NE(e.section("workload_output").find("@@HB@@ workload_rc 1\n0\n"), std::string::npos);
}

// Without the key nothing passes: a forged file, one sealed with another key,
// a section appended to the driver's, the driver's with its MAC cut off.
TEST(TrialEvidence, WithoutTheKeysMacItIsTampered) {
  Sections passing = failing_trial();
  passing[4] = {"workload_rc", "0\n"};
  const std::string real = seal_evidence(failing_trial(), kKey);
  for (const std::string& forged :
       {seal_evidence(passing, "0000"), seal_evidence(passing, ""), real.substr(0, real.rfind("@@HB@@ mac")),
        real + "@@HB@@ workload_rc 1\n0\n", real.substr(0, real.size() - 2) + "0\n",
        std::string("@@HB@@ workload_rc 1\n0\n@@HB@@ end 0\n\n@@HB@@ mac ") + std::string(64, '0') + "\n",
        std::string(), std::string("garbage")}) {
    Evidence e = parse_evidence(forged, kKey, 1000);
    EXPECT_FALSE(e.tampered.empty()) << forged;
    EXPECT_FALSE(e.workload_rc) << forged;  // nothing of it is kept
    EXPECT_FALSE(e.complete);
    EXPECT_TRUE(e.sections.empty());
  }
  EXPECT_NE(parse_evidence(real + "x", kKey, 1000).tampered.find("MAC"), std::string::npos);
  EXPECT_NE(parse_evidence(seal_evidence(passing, "0000"), kKey, 1000).tampered.find("MAC does not match"),
            std::string::npos);
}

// Even with a valid MAC (a driver bug, a leaked key), only the driver's
// sections pass, each once and in the driver's order, all data in sections.
TEST(TrialEvidence, SectionsOutOfPlaceAreTamperedEvenWithTheKey) {
  auto tampered = [](const Sections& sections) {
    return parse_evidence(seal_evidence(sections, kKey), kKey, 1000).tampered;
  };
  Sections duplicated = failing_trial();
  duplicated.insert(duplicated.end() - 1, {"workload_rc", "0\n"});
  EXPECT_EQ(tampered(duplicated), "section 'workload_rc' appears twice");
  Sections reordered = failing_trial();
  std::swap(reordered[4], reordered[5]);  // workload_ms before workload_rc
  EXPECT_EQ(tampered(reordered), "section 'workload_rc' after 'workload_ms'");
  Sections unknown = failing_trial();
  unknown.insert(unknown.begin() + 1, {"verdict", "pass\n"});
  EXPECT_EQ(tampered(unknown), "unknown section 'verdict'");
  Sections after_end = failing_trial();
  after_end.back().second = "more\n";
  EXPECT_EQ(tampered(after_end), "data after the end");

  auto raw = [](const std::string& body) {
    return parse_evidence(body + "@@HB@@ mac " + evidence_mac(kKey, body) + "\n", kKey, 1000).tampered;
  };
  EXPECT_EQ(raw("running\n@@HB@@ boot_state 7\nrunning\n@@HB@@ end 0\n\n"), "data before the first section");
  EXPECT_EQ(raw("@@HB@@ boot_state 7\nrunning\nextra\n@@HB@@ end 0\n\n"), "data after section 'boot_state'");
  EXPECT_EQ(raw("@@HB@@ boot_state 3\nrunning\n@@HB@@ end 0\n\n"),
            "section 'boot_state' does not end where its length says");
  EXPECT_EQ(raw("@@HB@@ boot_state 99\nrunning\n@@HB@@ end 0\n\n"),
            "section 'boot_state' does not end where its length says");
  EXPECT_EQ(raw("@@HB@@ boot_state\nrunning\n@@HB@@ end 0\n\n"),
            "a malformed frame line '@@HB@@ boot_state'");
  EXPECT_EQ(raw("@@HB@@ boot_state 7\nrunning\n@@HB@@ end 0\n"),
            "section 'end' does not end where its length says");
  EXPECT_EQ(raw("@@HB@@ boot_state 7\nrunning\n@@HB@@ end 0\n\n"), "");
  // Every section the driver prints, in its order, passes.
  Sections all;
  for (const auto& name : evidence_sections()) all.emplace_back(name, name == "end" ? "" : "x\n");
  EXPECT_EQ(tampered(all), "");
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
  std::string out = seal_evidence(
      {{"boot_state", "running\n"},
       {"security", "\xE2\x86\x92 Overall exposure level for x.service: 6.4 MEDIUM \xF0\x9F\x98\x90\n"},
       {"security_ms", "23\n"},
       {"end", ""}},
      kKey);
  Evidence e = parse_evidence(out, kKey, 5000);
  ASSERT_TRUE(e.exposure);
  EXPECT_DOUBLE_EQ(*e.exposure, 6.4);
  EXPECT_EQ(e.exposure_rating, "MEDIUM");
  EXPECT_EQ(e.security_ms, 23);
}

}  // namespace
}  // namespace hb::trial
