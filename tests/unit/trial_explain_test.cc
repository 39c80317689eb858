#include <gtest/gtest.h>

#include "trial/evidence.h"
#include "trial/explain.h"

namespace hb::trial {
namespace {

using options::Directive;

Directive opt(const std::string& key, const std::string& value) { return Directive{"Service", key, value}; }

// A unit whose main process was killed by a signal (ExecMainCode 2 = CLD_KILLED).
Evidence killed(int signal, const std::string& exec_path = "/bin/sed") {
  Evidence e;
  e.boot_state = "running";
  e.complete = true;
  e.start_rc = 1;
  e.properties = {
      {"Id", "sedk.service"},
      {"ActiveState", "failed"},
      {"Result", "signal"},
      {"ExecMainCode", "2"},
      {"ExecMainStatus", std::to_string(signal)},
      {"ExecStart", "{ path=" + exec_path + " ; argv[]=" + exec_path +
                        " -i s/a/b/ /tmp/f ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; "
                        "pid=0 ; code=(null) ; status=0/0 }"}};
  return e;
}

Evidence exited(int status, const std::string& journal) {
  Evidence e;
  e.boot_state = "running";
  e.complete = true;
  e.start_rc = 0;
  e.workload_rc = 1;
  e.properties = {{"Id", "demo.service"},
                  {"ActiveState", "failed"},
                  {"Result", "exit-code"},
                  {"ExecMainCode", "1"},
                  {"ExecMainStatus", std::to_string(status)}};
  e.sections["journal"] = journal;
  return e;
}

const char* kSedAudit =
    "audit: type=1326 audit(1795657377.141:4): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=14098 "
    "comm=\"sed\" exe=\"/usr/bin/sed\" sig=31 arch=c000003e syscall=93 compat=0 ip=0x7f18f582e547 "
    "code=0x80000000";
const char* kSshdAudit =
    "audit: type=1326 audit(1795657437.633:5): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=30350 "
    "comm=\"sshd\" exe=\"/usr/sbin/sshd\" sig=31 arch=c000003e syscall=161 compat=0 ip=0x7f3cfefaebe7 "
    "code=0x80000000";

TEST(TrialExplain, ParsesSeccompRecord) {
  auto record = parse_seccomp_record(kSedAudit);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->pid, 14098);
  EXPECT_EQ(record->comm, "sed");
  EXPECT_EQ(record->exe, "/usr/bin/sed");
  EXPECT_EQ(record->signal, 31);
  EXPECT_EQ(record->syscall, 93);
  ASSERT_TRUE(record->arch);
  EXPECT_EQ(*record->arch, 0xc000003eu);
  EXPECT_EQ(record->code, "0x80000000");
  EXPECT_FALSE(parse_seccomp_record("Memory cgroup out of memory: Killed process 1 (sh)"));
}

TEST(TrialExplain, SigsysOnDenyListNamesSyscallGroupAndFix) {
  Evidence e = killed(31);
  e.sections["host_kernel"] = std::string(kSedAudit) + "\n";
  std::string why = explain_failure(e, {opt("SystemCallFilter", "~@chown")});
  EXPECT_EQ(why,
            "sed killed by SIGSYS on fchown: SystemCallFilter=~@chown denies it (through @chown); "
            "add SystemCallFilter=@chown (or only fchown)");
}

TEST(TrialExplain, SigsysOnAllowListSaysItIsNotAllowed) {
  Evidence e = killed(31);
  e.sections["kernel"] = std::string(kSedAudit) + "\n";
  std::string why = explain_failure(e, {opt("SystemCallFilter", "@basic-io @file-system")});
  EXPECT_EQ(why,
            "sed killed by SIGSYS on fchown: SystemCallFilter=@basic-io @file-system does not allow it; "
            "add SystemCallFilter=@chown (or only fchown)");
}

TEST(TrialExplain, SigsysThroughANestedGroup) {
  Evidence e = killed(31);
  e.sections["host_kernel"] = kSedAudit;
  std::string why = explain_failure(e, {opt("SystemCallFilter", "~@privileged @mount")});
  EXPECT_NE(why.find("SystemCallFilter=~@privileged @mount denies it (through @privileged)"),
            std::string::npos)
      << why;
}

TEST(TrialExplain, PrefersTheKillOfTheServicesProgram) {
  // The host's log holds other containers' kills too.
  Evidence e = killed(31);
  e.sections["host_kernel"] = std::string(kSshdAudit) + "\n" + kSedAudit + "\n" + kSshdAudit + "\n";
  std::string why = explain_failure(e, {opt("SystemCallFilter", "~@chown")});
  EXPECT_EQ(why.rfind("sed killed by SIGSYS on fchown", 0), 0u) << why;
}

TEST(TrialExplain, KillOfAnotherProgramAloneExplainsNothing) {
  Evidence e = exited(1, "[ 1.0] h demo[5]: something went wrong\n");
  e.sections["host_kernel"] = kSshdAudit;
  EXPECT_EQ(explain_failure(e, {opt("SystemCallFilter", "~@chown")}), "");
}

TEST(TrialExplain, ChildKilledBySigsysUnderAShell) {
  // sh -c 'sed ...': the shell reports its child's SIGSYS as exit 159.
  Evidence e = exited(159, "[ 1.0] h demo[5]: Bad system call\n");
  e.properties["ExecStart"] = "{ path=/bin/sh ; argv[]=/bin/sh -c sed -i s/a/b/ /tmp/f ; }";
  e.sections["host_kernel"] = kSedAudit;
  std::string why = explain_failure(e, {opt("SystemCallFilter", "~@chown")});
  EXPECT_EQ(why.rfind("sed (a child of the main process) killed by SIGSYS on fchown", 0), 0u) << why;
}

TEST(TrialExplain, SigsysWithoutAuditLineSaysHowToFindTheSyscall) {
  Evidence e = killed(31);
  std::string why = explain_failure(e, {opt("SystemCallFilter", "@system-service")});
  EXPECT_NE(why.find("sed killed by SIGSYS under SystemCallFilter=@system-service"), std::string::npos)
      << why;
  EXPECT_NE(why.find("could not be identified"), std::string::npos) << why;
  EXPECT_NE(why.find("SystemCallErrorNumber=EPERM"), std::string::npos) << why;
  EXPECT_NE(why.find("SystemCallLog="), std::string::npos) << why;
}

TEST(TrialExplain, ForeignArchitectureUnderSystemCallArchitectures) {
  Evidence e = killed(31, "/usr/bin/legacy");
  e.sections["host_kernel"] =
      "audit: type=1326 audit(1.2:3): pid=9 comm=\"legacy\" exe=\"/usr/bin/legacy\" sig=31 arch=40000003 "
      "syscall=5 compat=1 ip=0x1 code=0x0";
  std::string why = explain_failure(e, {opt("SystemCallArchitectures", "native")});
  EXPECT_NE(why.find("legacy killed by SIGSYS on open"), std::string::npos) << why;
  EXPECT_NE(why.find("SystemCallArchitectures=native forbids other ABIs"), std::string::npos) << why;
}

TEST(TrialExplain, OomKillUnderMemoryMax) {
  Evidence e = killed(9, "/bin/sh");
  e.properties["Id"] = "oom.service";
  e.sections["kernel"] =
      "sh invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
      "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=libpod-c5cd,mems_allowed=0,"
      "oom_memcg=/libpod_parent/libpod-c5cd/system.slice/oom.service,"
      "task_memcg=/libpod_parent/libpod-c5cd/system.slice/oom.service,task=sh,pid=4360,uid=0\n"
      "Memory cgroup out of memory: Killed process 4360 (sh) total-vm:125488kB, anon-rss:50800kB, "
      "file-rss:1448kB, shmem-rss:0kB, UID:0 pgtables:176kB oom_score_adj:0\n";
  std::string why = explain_failure(e, {opt("MemoryMax", "50M")});
  EXPECT_EQ(why,
            "sh was killed by the OOM killer with 49.6 MiB resident: MemoryMax=50M is below what the service "
            "needs; raise it above the service's peak use or drop the line");
}

TEST(TrialExplain, OomKillOfAnotherUnitIsIgnored) {
  Evidence e = killed(9, "/bin/sh");
  e.properties["Id"] = "mine.service";
  e.sections["host_kernel"] =
      "oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/libpod_parent/libpod-x/system.slice/other.service,"
      "task=stress,pid=77,uid=0\n"
      "Memory cgroup out of memory: Killed process 77 (stress) total-vm:1kB, anon-rss:10kB\n";
  std::string why = explain_failure(e, {opt("MemoryMax", "50M")});
  // Only the SIGKILL itself, not the other unit's kill.
  EXPECT_EQ(why.find("stress"), std::string::npos) << why;
  EXPECT_NE(why.find("probably the OOM killer"), std::string::npos) << why;
}

TEST(TrialExplain, OomResultWithoutLimit) {
  Evidence e = killed(9, "/bin/sh");
  e.properties["Result"] = "oom-kill";
  std::string why = explain_failure(e, {opt("PrivateTmp", "yes")});
  EXPECT_NE(why.find("no memory limit was applied"), std::string::npos) << why;
}

TEST(TrialExplain, ReadOnlyFileSystemUnderProtectSystemStrict) {
  Evidence e = exited(1,
                      "[ 2041.3] 7cc5fda5f0a5 demo-cache[68]: mkdir: cannot create directory "
                      "\xE2\x80\x98/usr/local/share/demo-cache\xE2\x80\x99: Read-only file system\n");
  std::string why = explain_failure(e, {opt("PrivateTmp", "yes"), opt("ProtectSystem", "strict")});
  EXPECT_EQ(
      why,
      "mkdir failed on /usr/local/share/demo-cache (Read-only file system): ProtectSystem=strict makes the "
      "whole file system but /dev, /proc and /sys read-only; add ReadWritePaths=/usr/local/share");
}

TEST(TrialExplain, ShellErrorNamesThePathNotTheShell) {
  Evidence e = exited(3,
                      "[ 1.0] h usr-writer[9]: /bin/sh: 1: cannot create /usr/local/share/stamp: "
                      "Read-only file system\n");
  std::string why = explain_failure(e, {opt("ProtectSystem", "full")});
  EXPECT_EQ(why.rfind("sh failed on /usr/local/share/stamp (Read-only file system): ProtectSystem=full", 0),
            0u)
      << why;
}

TEST(TrialExplain, ReadWritePathsExemptsFromProtectSystem) {
  Evidence e = exited(1, "[ 1.0] h demo[5]: touch: cannot touch '/var/lib/demo/x': Read-only file system\n");
  std::string why =
      explain_failure(e, {opt("ProtectSystem", "strict"), opt("ReadWritePaths", "/var/lib/demo"),
                          opt("ReadOnlyPaths", "/var/lib/demo/x")});
  EXPECT_NE(why.find("ReadOnlyPaths=/var/lib/demo/x makes it read-only"), std::string::npos) << why;
}

TEST(TrialExplain, ProtectHomeHidesHome) {
  Evidence e = exited(1, "[ 1.0] h demo[5]: cat: /home/alice/.config/demo: No such file or directory\n");
  std::string why = explain_failure(e, {opt("ProtectHome", "yes")});
  EXPECT_NE(
      why.find("cat failed on /home/alice/.config/demo (No such file or directory): ProtectHome=yes hides"),
      std::string::npos)
      << why;
  EXPECT_NE(why.find("ProtectHome=read-only"), std::string::npos) << why;
}

TEST(TrialExplain, PrivateTmpSeparatesTmp) {
  Evidence e = exited(1, "[ 1.0] h demo[5]: cat: /tmp/shared.sock: No such file or directory\n");
  std::string why = explain_failure(e, {opt("PrivateTmp", "yes")});
  EXPECT_NE(why.find("PrivateTmp=yes gives the service its own empty /tmp"), std::string::npos) << why;
}

TEST(TrialExplain, InaccessiblePathsNamesTheEntry) {
  Evidence e = exited(1, "[ 1.0] h demo[5]: open(\"/etc/demo/key\") failed: Permission denied\n");
  std::string why = explain_failure(e, {opt("InaccessiblePaths", "-/srv /etc/demo")});
  EXPECT_NE(why.find("InaccessiblePaths=-/srv /etc/demo makes it inaccessible"), std::string::npos) << why;
  EXPECT_NE(why.find("drop /etc/demo from the list"), std::string::npos) << why;
}

TEST(TrialExplain, PermissionDeniedWithoutDacOverride) {
  Evidence e = exited(1, "[ 1.0] h demo[5]: demo: /var/lib/demo/db: Permission denied\n");
  std::string why = explain_failure(e, {opt("CapabilityBoundingSet", "CAP_NET_BIND_SERVICE")});
  EXPECT_NE(why.find("drops CAP_DAC_OVERRIDE"), std::string::npos) << why;
}

TEST(TrialExplain, PathErrorNoOptionCoversExplainsNothing) {
  Evidence e = exited(1, "[ 1.0] h demo[5]: cat: /srv/data: No such file or directory\n");
  EXPECT_EQ(explain_failure(e, {opt("ProtectSystem", "strict")}), "");
}

TEST(TrialExplain, MissingReadWritePathSuggestsDashPrefix) {
  // systemd 252 names the path below its staging root; 257 does not.
  for (const char* shown : {"/run/systemd/unit-root/nonexistent/x", "/nonexistent/x"}) {
    Evidence e =
        exited(226, std::string("[ 1.0] h (sleep)[65]: sleep.service: Failed to set up mount namespacing: ") +
                        shown +
                        ": No such file or directory\n"
                        "[ 1.0] h (sleep)[65]: sleep.service: Failed at step NAMESPACE spawning /bin/sleep: "
                        "No such file or directory\n");
    std::string why = explain_failure(e, {opt("ReadWritePaths", "/var/lib/demo /nonexistent/x")});
    EXPECT_EQ(
        why,
        "ReadWritePaths=/var/lib/demo /nonexistent/x names /nonexistent/x, which does not exist in the "
        "container (226/NAMESPACE); write ReadWritePaths=/var/lib/demo -/nonexistent/x to skip it when it "
        "is missing");
  }
}

TEST(TrialExplain, NamespaceFailureFromTheUnitFile) {
  Evidence e = exited(226,
                      "[ 1.0] h (sleep)[65]: x.service: Failed to set up mount namespacing: /data: "
                      "No such file or directory\n");
  std::string why = explain_failure(e, {opt("PrivateTmp", "yes")});
  EXPECT_NE(why.find("no applied option names it"), std::string::npos) << why;
}

TEST(TrialExplain, NothingToSay) {
  Evidence e = exited(1, "[ 1.0] h demo[5]: config error on line 3\n");
  EXPECT_EQ(explain_failure(e, {opt("NoNewPrivileges", "yes")}), "");
}

TEST(TrialExplain, KernelLinesMergeWithoutDuplicates) {
  Evidence e;
  e.sections["kernel"] = std::string(kSedAudit) + "\n";
  e.sections["host_kernel"] = std::string(kSedAudit) + "\n" + kSshdAudit + "\n";
  EXPECT_EQ(kernel_lines(e).size(), 2u);
}

}  // namespace
}  // namespace hb::trial
