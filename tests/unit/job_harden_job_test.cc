#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "fake_runtime.h"
#include "image/image_builder.h"
#include "job/harden_job.h"
#include "options/catalogue.h"
#include "report/harden_report.h"
#include "runtime/process.h"
#include "runtime/reaper.h"
#include "util/error.h"

namespace hb::job {
namespace {

namespace rules = hb::testing::rules;
using options::Privilege;

std::vector<std::string> lines_of(const std::vector<options::Directive>& lines) {
  std::vector<std::string> out;
  for (const auto& d : lines) out.push_back(d.line());
  return out;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

const NotTested* not_tested(const HardenTemplate& tmpl, const std::string& line) {
  for (const auto& n : tmpl.not_tested)
    if (n.line == line) return &n;
  return nullptr;
}

TEST(JobHardenJob, EveryStrictestLineIsACatalogueDirective) {
  for (const auto& line : options::strictest_lines()) {
    const options::DirectiveInfo* info = options::find_directive(line.key);
    ASSERT_NE(info, nullptr) << line.key;
    EXPECT_TRUE(info->assessed || line.key == "PrivateIPC" || line.key == "DevicePolicy" ||
                line.key == "SocketBindDeny" || line.key == "RestrictFileSystems")
        << line.key << " is not rated by systemd-analyze security: say why it is in the template";
  }
  EXPECT_EQ(lines_of(options::strictest_of("SystemCallFilter")),
            (std::vector<std::string>{"SystemCallFilter=@system-service",
                                      "SystemCallFilter=~@privileged @resources"}));
  EXPECT_TRUE(options::strictest_of("User").empty());
}

TEST(JobHardenJob, TheTemplateAtPrivilegedHoldsTheStrictestValues) {
  HardenTemplate tmpl = build_template(252, Privilege::Privileged, {});
  std::vector<std::string> lines = lines_of(tmpl.lines);
  for (const char* line : {"ProtectSystem=strict",
                           "ProtectHome=yes",
                           "PrivateTmp=yes",
                           "PrivateDevices=yes",
                           "ProtectKernelTunables=yes",
                           "ProtectKernelModules=yes",
                           "ProtectKernelLogs=yes",
                           "ProtectControlGroups=yes",
                           "ProtectClock=yes",
                           "ProtectHostname=yes",
                           "RestrictNamespaces=yes",
                           "LockPersonality=yes",
                           "MemoryDenyWriteExecute=yes",
                           "RestrictRealtime=yes",
                           "RestrictSUIDSGID=yes",
                           "NoNewPrivileges=yes",
                           "CapabilityBoundingSet=",
                           "SystemCallFilter=@system-service",
                           "SystemCallFilter=~@privileged @resources",
                           "SystemCallArchitectures=native",
                           "RestrictAddressFamilies=none",
                           "PrivateNetwork=yes",
                           "IPAddressDeny=any",
                           "UMask=0077",
                           "ProcSubset=pid",
                           "ProtectProc=invisible",
                           "PrivateUsers=yes"})
    EXPECT_TRUE(has(lines, line)) << line;
  // What this host cannot enforce at any privilege is listed, with why.
  const NotTested* fs = not_tested(tmpl, "RestrictFileSystems=~@privileged-api");
  ASSERT_NE(fs, nullptr);
  EXPECT_NE(fs->why.find("cgroup v2"), std::string::npos);
  const NotTested* bind = not_tested(tmpl, "SocketBindDeny=any");
  ASSERT_NE(bind, nullptr);
  EXPECT_NE(bind->why.find("BPF_FRAMEWORK"), std::string::npos);
  EXPECT_FALSE(has(lines, "SocketBindDeny=any"));
}

TEST(JobHardenJob, ThePrivilegeLeavesOutWhatItCannotEnforce) {
  HardenTemplate sys_admin = build_template(257, Privilege::SysAdmin, {});
  std::vector<std::string> lines = lines_of(sys_admin.lines);
  EXPECT_TRUE(has(lines, "ProtectSystem=strict"));
  EXPECT_FALSE(has(lines, "IPAddressDeny=any"));
  const NotTested* ip = not_tested(sys_admin, "IPAddressDeny=any");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->why, "needs --privileged --cgroupns=private; the trials run at sys-admin (--privilege)");
  HardenTemplate minimal = build_template(257, Privilege::Minimal, {});
  lines = lines_of(minimal.lines);
  EXPECT_TRUE(has(lines, "NoNewPrivileges=yes"));
  EXPECT_TRUE(has(lines, "SystemCallFilter=@system-service"));
  EXPECT_FALSE(has(lines, "ProtectSystem=strict"));
  EXPECT_NE(not_tested(minimal, "ProtectSystem=strict"), nullptr);
  // Every strictest line is searched, left to the unit or listed: none is lost.
  EXPECT_EQ(minimal.lines.size() + minimal.not_tested.size(), options::strictest_lines().size());
}

TEST(JobHardenJob, AnOlderSystemdLeavesOutWhatItDoesNotKnow) {
  HardenTemplate tmpl = build_template(245, Privilege::Privileged, {});
  const NotTested* proc = not_tested(tmpl, "ProtectProc=invisible");
  ASSERT_NE(proc, nullptr);
  EXPECT_EQ(proc->why, "needs systemd 247; the base has 245");
  EXPECT_FALSE(has(lines_of(tmpl.lines), "ProtectProc=invisible"));
  EXPECT_TRUE(has(lines_of(build_template(0, Privilege::Privileged, {}).lines), "ProtectProc=invisible"));
}

TEST(JobHardenJob, WhatTheUnitSetsIsLeftToIt) {
  std::set<std::string> keys = unit_file_keys(
      "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/demo\n# PrivateDevices=yes\n"
      "PrivateTmp=true\n  SystemCallFilter = @system-service\n[Install]\nWantedBy=multi-user.target\n");
  EXPECT_EQ(keys, (std::set<std::string>{"ExecStart", "PrivateTmp", "SystemCallFilter"}));
  HardenTemplate tmpl = build_template(252, Privilege::Privileged, keys);
  std::vector<std::string> lines = lines_of(tmpl.lines);
  EXPECT_FALSE(has(lines, "PrivateTmp=yes"));
  // An allow list of the template beside the unit's own would widen it: both lines go.
  EXPECT_FALSE(has(lines, "SystemCallFilter=@system-service"));
  EXPECT_FALSE(has(lines, "SystemCallFilter=~@privileged @resources"));
  EXPECT_TRUE(has(lines, "PrivateDevices=yes"));
  EXPECT_TRUE(has(tmpl.set_by_unit, "PrivateTmp=yes"));
  EXPECT_EQ(tmpl.set_by_unit.size(), 3u);
}

TEST(JobHardenJob, RowsSystemdAlreadyRatesOkAreTheUnitsOwnSettings) {
  trial::Evidence e;
  e.exposure_rows = {
      {"PrivateTmp=", "Service has no access to other software's temporary files", {}, true},
      {"User=/DynamicUser=", "Service runs under a static non-root user identity", {}, true},
      {"ProtectSystem=", "Service has limited write access to the OS file hierarchy", 0.1, false},
      {"RestrictNamespaces=~user", "Service cannot create user namespaces", {}, true}};
  EXPECT_EQ(keys_rated_ok(e),
            (std::set<std::string>{"DynamicUser", "PrivateTmp", "RestrictNamespaces", "User"}));
}

// The whole job on the fake runtime: a root service that chowns its state
// (CAP_CHOWN, fchown), writes /run/demo/demo.pid, opens sockets and is
// reached over localhost. Each removed line comes back as little as works.
class HardenOnFake : public ::testing::Test {
 protected:
  HardenOnFake()
      : m_process(m_dry), m_images(fake, m_process, image::default_images_dir(), [](const std::string&) {}) {
    s.name = "demo";
    s.image.name = "localhost/hardbisect-test:1";
    s.service.unit = "demo.service";
    // (The fake reads only the drop-in: the unit's own line must not change what the probes see.)
    s.service.unit_file = "[Service]\nExecStart=/usr/local/bin/demo\nLockPersonality=yes\n";
    s.workload.command = "curl -sf http://127.0.0.1/";
  }
  ~HardenOnFake() override { runtime::Reaper::instance().drain(); }
  HardenJob run(HardenConfig config = {}) {
    config.search.jobs = 1;
    return run_harden_job(fake, m_images, s, config, m_silent, nullptr, false);
  }
  const LineChange* change(const HardenJob& job, const std::string& line) {
    for (const auto& c : job.changes)
      if (c.original.line() == line) return &c;
    return nullptr;
  }

  hb::testing::FakeRuntime fake;
  scenario::Scenario s;

 private:
  std::ostringstream m_dry;
  runtime::DryRunProcessRunner m_process;
  image::ImageBuilder m_images;
  SilentStatus m_silent;
};

TEST_F(HardenOnFake, EachListKindIsRelaxedAsLittleAsWorks) {
  fake.rule = rules::first_of(
      {rules::killed_by_sigsys_unless_allowed("fchown"), rules::fails_without_capability("CAP_CHOWN"),
       rules::writes_path("/run/demo/demo.pid"), rules::talks_over_localhost(),
       rules::fails_if("PrivateNetwork=yes"), rules::fails_if("RestrictAddressFamilies=none")});
  HardenJob job = run();
  for (const auto& u : job.search.result.unresolved) ADD_FAILURE() << u.trial << " " << u.reason;
  ASSERT_EQ(job.exit_code, kExitOk) << job.message << "\n" << job.search.result.message;
  std::vector<std::string> dropin = lines_of(job.dropin);
  // Left to the unit: its own LockPersonality=.
  EXPECT_FALSE(has(lines_of(job.tmpl.lines), "LockPersonality=yes"));
  EXPECT_TRUE(has(job.tmpl.set_by_unit, "LockPersonality=yes"));
  // Capabilities: the empty bounding set plus the one it needs.
  EXPECT_TRUE(has(dropin, "CapabilityBoundingSet=CAP_CHOWN")) << ::testing::PrintToString(dropin);
  // System calls: the deny line kept, fchown re-allowed after it.
  auto deny = std::find(dropin.begin(), dropin.end(), "SystemCallFilter=~@privileged @resources");
  ASSERT_NE(deny, dropin.end());
  EXPECT_EQ(std::find(dropin.begin(), dropin.end(), "SystemCallFilter=fchown") - deny, 1);
  EXPECT_TRUE(has(dropin, "SystemCallFilter=@system-service"));
  // Writable paths: strict kept with the folder its failure named.
  EXPECT_TRUE(has(dropin, "ProtectSystem=strict"));
  EXPECT_TRUE(has(dropin, "ReadWritePaths=-/run/demo"));
  // Network: deny kept, localhost allowed; PrivateNetwork= nothing rescues.
  EXPECT_TRUE(has(dropin, "IPAddressDeny=any"));
  EXPECT_TRUE(has(dropin, "IPAddressAllow=localhost"));
  EXPECT_FALSE(has(dropin, "PrivateNetwork=yes"));
  // Address families: "none" becomes the fewest families that pass.
  EXPECT_FALSE(has(dropin, "RestrictAddressFamilies=none"));
  ASSERT_NE(change(job, "RestrictAddressFamilies=none"), nullptr);
  const auto& families = change(job, "RestrictAddressFamilies=none")->replacement;
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].key, "RestrictAddressFamilies");
  EXPECT_NE(families[0].value, "none");
  // Everything else kept as strict as the catalogue has it.
  EXPECT_TRUE(has(dropin, "NoNewPrivileges=yes"));
  EXPECT_TRUE(has(dropin, "ProtectHome=yes"));
  // Verified together, twice at least.
  ASSERT_EQ(job.checks.size(), 1u);
  EXPECT_TRUE(job.checks[0].ok());
  EXPECT_GE(job.checks[0].runs, 2);
  EXPECT_EQ(job.extra.back().verdict, trial::Verdict::Pass);
  EXPECT_EQ(job.trial_count(), static_cast<int>(job.search.trials.size() + job.extra.size()));
}

TEST_F(HardenOnFake, TheDropinSaysWhyAboveEachRelaxedOrRemovedLine) {
  fake.rule = rules::first_of(
      {rules::killed_by_sigsys_unless_allowed("fchown"), rules::fails_if("PrivateNetwork=yes")});
  HardenJob job = run();
  ASSERT_EQ(job.exit_code, kExitOk) << job.message;
  const std::string text = report::harden_dropin(job);
  EXPECT_NE(text.find("# SystemCallFilter: re-allowed fchown: "), std::string::npos) << text;
  EXPECT_NE(text.find("killed by SIGSYS"), std::string::npos) << text;
  EXPECT_NE(text.find("\nSystemCallFilter=~@privileged @resources\nSystemCallFilter=fchown\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# removed: PrivateNetwork=yes: failed in trial "), std::string::npos) << text;
  EXPECT_NE(text.find("# not tested:\n#   SocketBindDeny=any: "), std::string::npos) << text;
  EXPECT_NE(text.find("[Service]\n"), std::string::npos);
  // The drop-in reads back as a template: every line a known directive.
  nlohmann::json json = report::harden_to_json(job);
  EXPECT_EQ(json["exit_code"], 0);
  EXPECT_EQ(json["lines"].size(), job.dropin.size());
  EXPECT_FALSE(json["search"].is_null());
  // The CI reports' cell (JUnit, Markdown, HTML): the verified drop-in is its answer.
  report::ReportCell cell = report::harden_cell(job);
  EXPECT_EQ(cell.verdict, search::Verdict::Pass);
  EXPECT_EQ(cell.trials, job.total_trials());
  EXPECT_NE(std::find(cell.safe.begin(), cell.safe.end(), "SystemCallFilter=fchown"), cell.safe.end());
}

TEST_F(HardenOnFake, NothingBreaksKeepsTheWholeTemplate) {
  HardenJob job = run();
  EXPECT_EQ(job.exit_code, kExitOk) << job.message;
  EXPECT_EQ(job.search.result.status, search::SearchStatus::NothingBreaks);
  EXPECT_EQ(lines_of(job.dropin), lines_of(job.tmpl.lines));
  EXPECT_TRUE(job.changes.empty());
}

// A line systemd applies but the service undoes (nginx sets its own umask):
// the search cannot decide it; harden lists it as not tested and searches
// again without it.
TEST_F(HardenOnFake, ALineNotInEffectIsSetAsideAndTheSearchRunsAgain) {
  fake.rule = rules::first_of({rules::not_enforced("UMask=0077"), rules::fails_if("PrivateNetwork=yes")});
  HardenJob job = run();
  ASSERT_EQ(job.exit_code, kExitOk) << job.message;
  const NotTested* umask = not_tested(job.tmpl, "UMask=0077");
  ASSERT_NE(umask, nullptr);
  EXPECT_NE(umask->why.find("not in effect"), std::string::npos) << umask->why;
  EXPECT_FALSE(has(lines_of(job.dropin), "UMask=0077"));
  EXPECT_FALSE(has(lines_of(job.dropin), "PrivateNetwork=yes"));
  EXPECT_TRUE(has(lines_of(job.dropin), "NoNewPrivileges=yes"));
  EXPECT_GT(job.earlier_trials, 1);  // the baseline and the first search
  EXPECT_EQ(job.total_trials(), job.earlier_trials + job.trial_count());
}

// nginx sets umask 0000 itself: UMask= is never seen in effect, so harden
// leaves it out from the start (not tested, with why) instead of a search
// that stays unresolved on it.
TEST_F(HardenOnFake, AServiceWithItsOwnUmaskLeavesUMaskOut) {
  fake.rule = [](const std::string& dropin) {
    hb::testing::FakeTrial t;
    if (dropin.find('=') == std::string::npos)  // the baseline
      t.main_status = "Umask:\t0000\nNoNewPrivs:\t0\nSeccomp:\t0\nCapBnd:\t000001ffffffffff";
    return t;
  };
  HardenJob job = run();
  ASSERT_EQ(job.exit_code, kExitOk) << job.message;
  const NotTested* umask = not_tested(job.tmpl, "UMask=0077");
  ASSERT_NE(umask, nullptr);
  EXPECT_EQ(umask->why, "the service sets its own umask (0000 in the baseline): UMask= is not in effect");
  EXPECT_FALSE(has(lines_of(job.tmpl.lines), "UMask=0077"));
  EXPECT_EQ(job.earlier_trials, 1);  // the baseline only: one search
}

TEST_F(HardenOnFake, ABaselineThatFailsIsExit2AndNothingIsSearched) {
  fake.rule = rules::start_fails_below(Privilege::Privileged);
  s.privilege = Privilege::SysAdmin;
  HardenJob job = run();
  EXPECT_EQ(job.exit_code, kExitUsage);
  EXPECT_NE(job.message.find("baseline"), std::string::npos);
  EXPECT_TRUE(job.search.trials.empty());
  EXPECT_TRUE(job.dropin.empty());
}

TEST_F(HardenOnFake, AnUnknownBaseIsAUsageError) {
  s.image.name.clear();
  HardenConfig config;
  config.bases = {"bullseye"};
  try {
    run(config);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_EQ(e.exit_code(), kExitUsage);
    EXPECT_NE(std::string(e.what()).find("bullseye"), std::string::npos);
  }
}

// Re-checked on each --base: a base where the drop-in fails is reported and
// the job exits 1.
class BaseAwareFake : public hb::testing::FakeRuntime {
 public:
  runtime::ProcessResult create(const runtime::ContainerSpec& spec) override {
    last_image = spec.image;
    return FakeRuntime::create(spec);
  }
  std::string last_image;
};

TEST(JobHardenJobBases, ABaseWhereTheDropinFailsIsReportedWithExit1) {
  BaseAwareFake fake;
  fake.rule = hb::testing::Rule(
      [&fake](const hb::testing::FakeContainer& c) -> std::optional<hb::testing::FakeTrial> {
        if (fake.last_image.find("trixie") != std::string::npos && c.in_effect("ProtectClock=yes"))
          return rules::outcome::service_fails("no clock on trixie");
        return std::nullopt;
      });
  std::ostringstream dry;
  runtime::DryRunProcessRunner process(dry);
  image::ImageBuilder images(fake, process, image::default_images_dir(), [](const std::string&) {});
  SilentStatus silent;
  scenario::Scenario s;
  s.name = "demo";
  s.service.unit = "demo.service";
  s.service.unit_file = "[Service]\nExecStart=/usr/local/bin/demo\n";
  s.workload.command = "true";
  HardenConfig config;
  config.search.jobs = 1;
  config.bases = {"bookworm", "trixie"};
  HardenJob job = run_harden_job(fake, images, s, config, silent, nullptr, false);
  runtime::Reaper::instance().drain();
  EXPECT_EQ(job.exit_code, kExitCulprit) << job.message;
  ASSERT_EQ(job.checks.size(), 2u);
  EXPECT_EQ(job.checks[0].base, "bookworm");
  EXPECT_TRUE(job.checks[0].ok());
  EXPECT_EQ(job.checks[1].base, "trixie");
  EXPECT_FALSE(job.checks[1].ok());
  EXPECT_EQ(job.checks[1].reason.rfind("trial ", 0), 0u) << job.checks[1].reason;
  EXPECT_NE(job.checks[1].reason.find("workload exited 1"), std::string::npos) << job.checks[1].reason;
  EXPECT_EQ(job.message, "the drop-in fails on trixie");
}

}  // namespace
}  // namespace hb::job
