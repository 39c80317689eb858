// Explanations on a remote Podman host, whose kernel log is not reachable
// from here: they say so, and come from the container's journal alone.
#include <gtest/gtest.h>

#include "job/plan.h"
#include "trial/evidence.h"
#include "trial/explain.h"

namespace hb::trial {
namespace {

Evidence killed_by_sigsys() {
  Evidence e;
  e.boot_state = "running";
  e.complete = true;
  e.start_rc = 1;
  e.properties = {{"Id", "sedk.service"},
                  {"ActiveState", "failed"},
                  {"Result", "signal"},
                  {"ExecMainCode", "2"},
                  {"ExecMainStatus", "31"}};
  return e;
}

const std::vector<options::Directive> kChownDenied{{"Service", "SystemCallFilter", "~@chown"}};

TEST(TrialExplainRemote, AKillWithoutTheRemoteKernelLogSaysWhyItIsNotNamed) {
  Evidence e = killed_by_sigsys();
  e.sections[kKernelLogUnreachable] = job::kRemoteKernelLog;
  std::string why = explain_failure(e, kChownDenied);
  EXPECT_NE(why.find("SIGSYS"), std::string::npos) << why;
  EXPECT_NE(why.find("the remote host's kernel log is not reachable from here"), std::string::npos) << why;
}

TEST(TrialExplainRemote, TheContainersJournalStillExplainsAndSaysWhereFrom) {
  Evidence e = killed_by_sigsys();
  e.sections[kKernelLogUnreachable] = job::kRemoteKernelLog;
  // A privileged container's own kernel lines: what the journal shows.
  e.sections["kernel"] =
      "audit: type=1326 audit(1795657377.141:4): pid=14098 comm=\"sed\" exe=\"/usr/bin/sed\" sig=31 "
      "arch=c000003e syscall=93 compat=0 ip=0x7f18f582e547 code=0x80000000\n";
  std::string why = explain_failure(e, kChownDenied);
  EXPECT_EQ(why.find("not reachable"), std::string::npos) << why;  // it had a kernel record
  EXPECT_NE(why.find("fchown"), std::string::npos) << why;
}

TEST(TrialExplainRemote, OnThisHostNothingIsAdded) {
  Evidence e = killed_by_sigsys();
  std::string why = explain_failure(e, kChownDenied);
  EXPECT_EQ(why.find("not reachable"), std::string::npos) << why;
}

}  // namespace
}  // namespace hb::trial
