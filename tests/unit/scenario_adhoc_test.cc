#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "scenario/adhoc.h"
#include "scenario/loader.h"
#include "user_error.h"
#include "util/error.h"

namespace hb::scenario {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using hb::testing::error_of;

AdhocFlags minimal_flags() {
  AdhocFlags flags;
  flags.unit = "nginx.service";
  flags.workload = "curl -sf http://127.0.0.1/";
  return flags;
}

UserError flags_error(const std::function<void(AdhocFlags&)>& change) {
  AdhocFlags flags = minimal_flags();
  change(flags);
  return error_of([&] { scenario_from_flags(flags); });
}

class ScenarioAdhocFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hb-adhoc-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
  }
  void TearDown() override { fs::remove_all(m_dir); }
  std::string write(const std::string& name, const std::string& content) {
    std::ofstream(m_dir / name) << content;
    return (m_dir / name).string();
  }
  fs::path m_dir;
};

TEST_F(ScenarioAdhocFiles, BuildsAScenarioFromFlags) {
  AdhocFlags flags;
  flags.base = "trixie";
  flags.packages = {"nginx-light, curl", "procps"};
  flags.unit_file = write("demo.service", "[Service]\nExecStart=/usr/local/bin/demo\n");
  flags.workload = "curl -sf http://127.0.0.1/";
  flags.workload_timeout = "2m";
  flags.options = {"NoNewPrivileges=yes", "[Unit] StartLimitBurst=4"};
  flags.template_path = write("t.conf", "[Service]\nPrivateTmp=yes\n[Install]\nWantedBy=x\n");
  flags.privilege = "privileged";

  Scenario s = scenario_from_flags(flags);
  EXPECT_EQ(s.name, "demo");
  EXPECT_EQ(s.image.base, "trixie");
  EXPECT_EQ(s.image.packages, (std::vector<std::string>{"nginx-light", "curl", "procps"}));
  EXPECT_EQ(s.service.unit, "demo.service");  // from the unit file's name
  EXPECT_EQ(s.service.unit_file, "[Service]\nExecStart=/usr/local/bin/demo\n");
  EXPECT_EQ(s.workload.command, "curl -sf http://127.0.0.1/");
  EXPECT_EQ(s.workload.timeout, std::chrono::minutes(2));
  EXPECT_EQ(s.privilege, options::Privilege::Privileged);
  ASSERT_EQ(s.options.size(), 3u);
  EXPECT_EQ(s.options[0].name, "NoNewPrivileges=yes");
  EXPECT_EQ(s.options[0].loc.str(), "--option #1");
  EXPECT_EQ(s.options[1].directives[0], (options::Directive{"Unit", "StartLimitBurst", "4"}));
  EXPECT_EQ(s.options[2].name, "PrivateTmp=yes");
  EXPECT_EQ(s.options[2].loc.str(), flags.template_path + ":2:1");
  EXPECT_EQ(s.template_file, flags.template_path);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_THAT(s.warnings[0], HasSubstr("section [Install] skipped"));
}

TEST(ScenarioAdhoc, UsesDefaults) {
  Scenario s = scenario_from_flags(minimal_flags());
  EXPECT_EQ(s.name, "nginx");
  EXPECT_EQ(s.image.base, "bookworm");
  EXPECT_FALSE(s.privilege.has_value());
  EXPECT_FALSE(s.service.unit_file.has_value());
  EXPECT_EQ(s.workload.timeout, std::chrono::seconds(30));
  EXPECT_TRUE(s.options.empty());
}

TEST(ScenarioAdhoc, NamesTheFlagInErrors) {
  UserError e = flags_error([](AdhocFlags& f) { f.options = {"NoNewPrivilege=yes"}; });
  EXPECT_STREQ(e.what(), "--option: unknown directive 'NoNewPrivilege'");
  EXPECT_EQ(e.hint(), "did you mean 'NoNewPrivileges'?");

  e = flags_error([](AdhocFlags& f) { f.options = {"NoNewPrivileges"}; });
  EXPECT_STREQ(e.what(), "--option: option 'NoNewPrivileges' is not a directive line: missing '='");

  e = flags_error([](AdhocFlags& f) { f.options = {"[Service] StartLimitBurst=4"}; });
  EXPECT_STREQ(e.what(), "--option: 'StartLimitBurst=4' belongs in [Unit], not [Service]");

  e = flags_error([](AdhocFlags& f) { f.options = {"PrivateTmp=yes", "ProtectHome=yes", "PrivateTmp=yes"}; });
  EXPECT_STREQ(e.what(), "--option #3: duplicate option 'PrivateTmp=yes' (first at --option #1)");

  e = flags_error([](AdhocFlags& f) { f.base = "bookwrom"; });
  EXPECT_STREQ(e.what(), "--base: unknown base release 'bookwrom'");
  EXPECT_THAT(e.hint(), HasSubstr("did you mean 'bookworm'?"));

  e = flags_error([](AdhocFlags& f) { f.privilege = "privilegd"; });
  EXPECT_STREQ(e.what(), "--privilege: unknown privilege 'privilegd'");
  EXPECT_EQ(e.hint(), "did you mean 'privileged'?");

  e = flags_error([](AdhocFlags& f) { f.unit = "nginx"; });
  EXPECT_STREQ(e.what(), "--unit: unit name 'nginx' has no unit suffix");
  EXPECT_EQ(e.hint(), "did you mean 'nginx.service'?");

  e = flags_error([](AdhocFlags& f) { f.unit.clear(); });
  EXPECT_STREQ(e.what(), "--unit is required");

  e = flags_error([](AdhocFlags& f) { f.workload = " "; });
  EXPECT_STREQ(e.what(), "--workload is required");

  e = flags_error([](AdhocFlags& f) { f.workload_timeout = "soon"; });
  EXPECT_STREQ(e.what(), "--workload-timeout: invalid duration 'soon'");

  e = flags_error([](AdhocFlags& f) { f.packages = {"curl,Bad_Name"}; });
  EXPECT_STREQ(e.what(), "--packages: invalid Debian package name 'Bad_Name'");

  e = flags_error([](AdhocFlags& f) {
    f.image = "localhost/app:1";
    f.packages = {"curl"};
  });
  EXPECT_STREQ(e.what(), "--image and --packages exclude each other");

  e = flags_error([](AdhocFlags& f) { f.unit_file = "/nonexistent/demo.service"; });
  EXPECT_STREQ(e.what(), "--unit-file: unit file '/nonexistent/demo.service' does not exist");

  e = flags_error([](AdhocFlags& f) { f.template_path = "/nonexistent/t.conf"; });
  EXPECT_STREQ(e.what(), "--template: template '/nonexistent/t.conf' does not exist");
}

TEST_F(ScenarioAdhocFiles, ChecksTheUnitFile) {
  std::string path = write("demo.service", "[Unit]\nDescription=no service section\n");
  UserError e = flags_error([&](AdhocFlags& f) { f.unit_file = path; });
  EXPECT_EQ(std::string(e.what()), "--unit-file: '" + path + "' has no [Service] section");

  std::string socket = write("demo.socket", "[Service]\n");
  e = flags_error([&](AdhocFlags& f) {
    f.unit.clear();
    f.unit_file = socket;
  });
  EXPECT_THAT(e.what(),
              HasSubstr("--unit-file (its file name is the unit name): unit 'demo.socket' is not a service"));
}

// A scenario as a file gives it: bookworm, 30s, two options, expected culprits.
Scenario file_scenario() {
  return load_scenario_string(R"(version: 1
service:
  unit: demo.service
  unit_file: |
    [Service]
    ExecStart=/bin/sleep infinity
image:
  packages: [curl]
workload:
  command: "true"
options:
  - NoNewPrivileges=yes
  - PrivateTmp=yes
expect_culprits: [[PrivateTmp=yes]]
)",
                              "demo.yaml");
}

AdhocFlags given(std::initializer_list<const char*> names, const std::function<void(AdhocFlags&)>& set) {
  AdhocFlags flags;
  set(flags);
  for (const char* name : names) flags.given.insert(name);
  return flags;
}

UserError apply_error(const AdhocFlags& flags) {
  Scenario s = file_scenario();
  return error_of([&] { apply_flags(s, flags); });
}

TEST(ScenarioApplyFlags, DefaultsNotGivenLeaveTheFileAlone) {
  Scenario s = file_scenario();
  AdhocFlags flags;
  flags.base = "trixie";  // a value the user did not write (not in `given`)
  EXPECT_TRUE(apply_flags(s, flags).empty());
  EXPECT_EQ(s.image.base, "bookworm");
  EXPECT_FALSE(s.privilege.has_value());
}

TEST(ScenarioApplyFlags, OverridesAndSaysSo) {
  Scenario s = file_scenario();
  AdhocFlags flags =
      given({"--base", "--workload-timeout", "--privilege", "--packages", "--workload"}, [](auto& f) {
        f.base = "trixie";
        f.workload_timeout = "1500ms";
        f.privilege = "sys-admin";
        f.packages = {"nginx-light,procps"};
        f.workload = "curl -sf http://127.0.0.1/";
      });
  std::vector<std::string> lines = apply_flags(s, flags);
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         "base: trixie (from --base; the scenario says bookworm)",
                         "packages: nginx-light, procps (from --packages; the scenario says curl)",
                         "workload: 'curl -sf http://127.0.0.1/' (from --workload; the scenario says 'true')",
                         "workload timeout: 1500ms (from --workload-timeout; the scenario says 30s)",
                         "privilege: sys-admin (from --privilege; the scenario says auto)"));
  EXPECT_EQ(s.image.base, "trixie");
  EXPECT_EQ(s.workload.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(s.privilege, options::Privilege::SysAdmin);
  EXPECT_EQ(s.image.packages, (std::vector<std::string>{"nginx-light", "procps"}));
}

TEST(ScenarioApplyFlags, OptionsReplaceTheFileOptions) {
  Scenario s = file_scenario();
  AdhocFlags flags = given({"--option"}, [](auto& f) { f.options = {"ProtectSystem=strict"}; });
  EXPECT_THAT(apply_flags(s, flags),
              ::testing::ElementsAre("options: 1 (from --option; the scenario says 2 option(s))"));
  ASSERT_EQ(s.options.size(), 1u);
  EXPECT_EQ(s.options[0].name, "ProtectSystem=strict");
  EXPECT_TRUE(s.expect_culprits.empty());  // they named the file's options
}

TEST(ScenarioApplyFlags, RefusesWhatCannotApply) {
  UserError e = apply_error(given({"--unit"}, [](auto& f) { f.unit = "other.service"; }));
  EXPECT_THAT(e.what(), HasSubstr("--unit does not apply with a scenario file: demo.yaml names its service"));
  EXPECT_THAT(e.hint(), HasSubstr("leave the file out"));

  e = apply_error(given({"--unit-file"}, [](auto& f) { f.unit_file = "x.service"; }));
  EXPECT_THAT(e.what(), HasSubstr("--unit-file does not apply"));

  e = apply_error(given({"--workload-timeout"}, [](auto& f) { f.workload_timeout = "-1s"; }));
  EXPECT_STREQ(e.what(), "--workload-timeout: invalid duration '-1s'");
  e = apply_error(given({"--workload-timeout"}, [](auto& f) { f.workload_timeout = "0s"; }));
  EXPECT_STREQ(e.what(), "--workload-timeout: duration '0s' must be positive");

  e = apply_error(given({"--base"}, [](auto& f) { f.base = "bullseye"; }));
  EXPECT_STREQ(e.what(), "--base: unknown base release 'bullseye'");

  e = apply_error(given({"--image"}, [](auto& f) { f.image = "localhost/app:1"; }));
  EXPECT_STREQ(e.what(), "--image and the image.packages of demo.yaml exclude each other");

  e = apply_error(given({"--workload"}, [](auto& f) { f.workload = " "; }));
  EXPECT_STREQ(e.what(), "--workload is empty");

  e = apply_error(given({"--option"}, [](auto& f) { f.options = {"ProtectSytem=strict"}; }));
  EXPECT_STREQ(e.what(), "--option: unknown directive 'ProtectSytem'");
}

TEST(ScenarioApplyFlags, BaseDoesNotApplyToAnExplicitImage) {
  Scenario s = file_scenario();
  s.image.packages.clear();
  AdhocFlags flags = given({"--image", "--base"}, [](auto& f) {
    f.image = "localhost/app:1";
    f.base = "trixie";
  });
  UserError e = error_of([&] { apply_flags(s, flags); });
  EXPECT_STREQ(e.what(), "--base does not apply: the trials run the image localhost/app:1 (--image)");
}

}  // namespace
}  // namespace hb::scenario
