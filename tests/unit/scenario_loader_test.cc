#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "scenario/loader.h"
#include "user_error.h"
#include "util/error.h"

namespace hb::scenario {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

using hb::testing::error_of;

UserError load_error(const std::string& yaml, const std::string& filename = "demo.yaml") {
  return error_of([&] { load_scenario_string(yaml, filename); });
}

// The smallest valid scenario, to which each test adds its own part.
const std::string kMinimal =
    "service:\n"
    "  unit: demo.service\n"
    "workload:\n"
    "  command: \"true\"\n";

class ScenarioLoaderFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hb-scenario-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
  }
  void TearDown() override { fs::remove_all(m_dir); }
  std::string write(const std::string& relative, const std::string& content) {
    fs::path path = m_dir / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << content;
    return path.string();
  }
  fs::path m_dir;
};

TEST_F(ScenarioLoaderFiles, LoadsTheFullExample) {
  write("nginx/files/demo.conf", "listen 80;\n");
  write("nginx/templates/hardening.conf",
        "# from the rollout template\n"
        "[Service]\n"
        "PrivateTmp=yes\n"
        "CapabilityBoundingSet=\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n");
  std::string path = write("nginx/scenario.yaml", R"(version: 1
name: nginx-static
description: nginx serving a static page
image:
  base: trixie
  packages: [nginx-light, curl]
container:
  privilege: sys-admin
service:
  unit: demo.service
  unit_file: |
    [Service]
    ExecStart=/usr/local/bin/demo
  files:
    - path: /usr/local/bin/demo
      mode: "0755"
      content: |
        #!/bin/sh
        exec sleep infinity
    - path: /etc/demo.conf
      source: files/demo.conf
workload:
  command: curl -sf http://127.0.0.1/
  timeout: 45s
timeouts: {boot: 500ms, start: 2m}
expect:
  unit_active: false
  workload_exit: 7
  no_crash: false
  journal_absent: ["segfault"]
  journal_present: ["started", "ready\\."]
options:
  - NoNewPrivileges=yes
  - ProtectSystem = strict
  - name: localhost-only
    lines: [IPAddressDeny=any, IPAddressAllow=127.0.0.0/8]
  - "[Unit] StartLimitBurst=4"
  - StartLimitIntervalSec=90s
template: templates/hardening.conf
expect_culprits:
  - [ProtectSystem=strict]
  - [localhost-only, "[Service] NoNewPrivileges=yes"]
  - PrivateTmp=yes
)");
  Scenario s = load_scenario_file(path);

  EXPECT_EQ(s.name, "nginx-static");
  EXPECT_EQ(s.description, "nginx serving a static page");
  EXPECT_EQ(s.loc.file, path);
  EXPECT_EQ(s.image.base, "trixie");
  EXPECT_EQ(s.image.packages, (std::vector<std::string>{"nginx-light", "curl"}));
  EXPECT_EQ(s.image.name, "");
  EXPECT_EQ(s.privilege, options::Privilege::SysAdmin);
  EXPECT_EQ(s.service.unit, "demo.service");
  ASSERT_TRUE(s.service.unit_file.has_value());
  EXPECT_EQ(*s.service.unit_file, "[Service]\nExecStart=/usr/local/bin/demo\n");
  ASSERT_EQ(s.service.files.size(), 2u);
  EXPECT_EQ(s.service.files[0].path, "/usr/local/bin/demo");
  EXPECT_EQ(s.service.files[0].mode, "0755");
  EXPECT_EQ(s.service.files[0].content, "#!/bin/sh\nexec sleep infinity\n");
  EXPECT_EQ(s.service.files[1].path, "/etc/demo.conf");
  EXPECT_EQ(s.service.files[1].mode, "0644");
  EXPECT_EQ(s.service.files[1].content, "listen 80;\n");
  EXPECT_EQ(s.workload.command, "curl -sf http://127.0.0.1/");
  EXPECT_EQ(s.workload.timeout, milliseconds(45000));
  EXPECT_EQ(s.timeouts.boot, milliseconds(500));
  EXPECT_EQ(s.timeouts.start, milliseconds(120000));
  EXPECT_FALSE(s.expect.unit_active);
  EXPECT_EQ(s.expect.workload_exit, 7);
  EXPECT_FALSE(s.expect.no_crash);
  EXPECT_EQ(s.expect.journal_absent, (std::vector<std::string>{"segfault"}));
  EXPECT_EQ(s.expect.journal_present, (std::vector<std::string>{"started", "ready\\."}));

  ASSERT_EQ(s.options.size(), 7u);
  EXPECT_EQ(s.options[0].name, "NoNewPrivileges=yes");
  EXPECT_FALSE(s.options[0].is_group());
  EXPECT_EQ(s.options[0].directives[0], (options::Directive{"Service", "NoNewPrivileges", "yes"}));
  EXPECT_EQ(s.options[0].loc.str(), path + ":33:5");
  EXPECT_EQ(s.options[1].name, "ProtectSystem=strict");  // whitespace around '=' dropped
  EXPECT_EQ(s.options[2].name, "localhost-only");
  EXPECT_TRUE(s.options[2].is_group());
  ASSERT_EQ(s.options[2].directives.size(), 2u);
  EXPECT_EQ(s.options[2].directives[0], (options::Directive{"Service", "IPAddressDeny", "any"}));
  EXPECT_EQ(s.options[2].directives[1], (options::Directive{"Service", "IPAddressAllow", "127.0.0.0/8"}));
  EXPECT_EQ(s.options[3].name, "StartLimitBurst=4");
  EXPECT_EQ(s.options[3].directives[0].section, "Unit");
  // Without a prefix, the section comes from the catalogue.
  EXPECT_EQ(s.options[4].directives[0].section, "Unit");
  // The template's lines follow, with their own locations.
  EXPECT_EQ(s.options[5].name, "PrivateTmp=yes");
  EXPECT_EQ(s.options[5].loc.str(), (m_dir / "nginx/templates/hardening.conf").string() + ":3:1");
  EXPECT_EQ(s.options[6].name, "CapabilityBoundingSet=");
  EXPECT_EQ(s.options[6].directives[0].value, "");
  EXPECT_EQ(s.template_file, (m_dir / "nginx/templates/hardening.conf").string());
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_THAT(s.warnings[0], HasSubstr("hardening.conf:5:1: section [Install] skipped (1 line)"));

  ASSERT_EQ(s.expect_culprits.size(), 3u);
  EXPECT_EQ(s.expect_culprits[0], (std::vector<std::string>{"ProtectSystem=strict"}));
  EXPECT_EQ(s.expect_culprits[1], (std::vector<std::string>{"localhost-only", "NoNewPrivileges=yes"}));
  EXPECT_EQ(s.expect_culprits[2], (std::vector<std::string>{"PrivateTmp=yes"}));
}

TEST(ScenarioLoader, AppliesDefaults) {
  Scenario s = load_scenario_string(kMinimal, "scenarios/demo-app.yaml");
  EXPECT_EQ(s.name, "demo-app");
  EXPECT_EQ(s.image.base, "bookworm");
  EXPECT_TRUE(s.image.packages.empty());
  EXPECT_FALSE(s.privilege.has_value());
  EXPECT_FALSE(s.service.unit_file.has_value());
  EXPECT_EQ(s.workload.command, "true");
  EXPECT_EQ(s.workload.timeout, milliseconds(30000));
  EXPECT_EQ(s.timeouts.boot, milliseconds(30000));
  EXPECT_EQ(s.timeouts.start, milliseconds(30000));
  EXPECT_TRUE(s.expect.unit_active);
  EXPECT_EQ(s.expect.workload_exit, 0);
  EXPECT_TRUE(s.expect.no_crash);
  EXPECT_TRUE(s.options.empty());
  EXPECT_TRUE(s.expect_culprits.empty());
  EXPECT_TRUE(s.warnings.empty());
}

TEST(ScenarioLoader, NamesAScenarioYamlAfterItsDirectory) {
  EXPECT_EQ(load_scenario_string(kMinimal, "scenarios/redis-aof/scenario.yaml").name, "redis-aof");
}

TEST(ScenarioLoader, ParsesDurations) {
  auto timeout = [](const std::string& text) {
    return load_scenario_string("service: {unit: a.service}\nworkload: {command: x, timeout: " + text + "}\n",
                                "d.yaml")
        .workload.timeout;
  };
  EXPECT_EQ(timeout("30s"), milliseconds(30000));
  EXPECT_EQ(timeout("500ms"), milliseconds(500));
  EXPECT_EQ(timeout("2m"), milliseconds(120000));
  EXPECT_EQ(timeout("1h"), milliseconds(3600000));
  EXPECT_EQ(timeout("12"), milliseconds(12000));

  UserError e = error_of([&] { timeout("10 parsecs"); });
  EXPECT_THAT(e.what(), HasSubstr("d.yaml:2:33: workload.timeout: invalid duration '10 parsecs'"));
  EXPECT_THAT(e.hint(), HasSubstr("30s, 500ms, 2m"));
  EXPECT_THAT(error_of([&] { timeout("0s"); }).what(), HasSubstr("must be positive"));
}

TEST(ScenarioLoader, ReportsBrokenYamlWithLineAndColumn) {
  UserError e = load_error("service:\n  unit: [a.service\nworkload: {command: x}\n");
  EXPECT_THAT(e.what(), HasSubstr("demo.yaml:3:"));
  EXPECT_THAT(e.what(), HasSubstr("end of sequence flow not found"));
  EXPECT_EQ(e.hint(), "the file is not valid YAML");
  EXPECT_EQ(e.exit_code(), kExitUsage);
}

TEST(ScenarioLoader, HintsToQuoteAnOptionWithASectionPrefix) {
  UserError e = load_error(kMinimal + "options:\n  - [Unit] StartLimitBurst=4\n");
  EXPECT_THAT(e.what(), HasSubstr("demo.yaml:6:"));
  EXPECT_THAT(e.hint(), HasSubstr("quote an option line"));
}

TEST(ScenarioLoader, RefusesAnEmptyFile) {
  UserError e = load_error("");
  EXPECT_STREQ(e.what(), "demo.yaml: the scenario is empty");
  EXPECT_THAT(e.hint(), HasSubstr("service.unit and workload.command"));
}

TEST(ScenarioLoader, RefusesAnUnknownTopLevelKeyWithDidYouMean) {
  UserError e = load_error("service: {unit: a.service}\nworkload: {command: x}\nworklaod: {}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:3:1: unknown key 'worklaod' in the scenario");
  EXPECT_EQ(e.hint(), "did you mean 'workload'?");
}

TEST(ScenarioLoader, RefusesUnknownKeysAtEveryLevel) {
  struct Case {
    std::string yaml;
    std::string message;
    std::string hint;
  };
  const std::vector<Case> cases = {
      {kMinimal + "image:\n  base: bookworm\n  pakages: [curl]\n",
       "demo.yaml:7:3: unknown key 'pakages' in image", "did you mean 'packages'?"},
      {kMinimal + "container: {privilage: auto}\n", "demo.yaml:5:13: unknown key 'privilage' in container",
       "did you mean 'privilege'?"},
      {"service: {unit: a.service, unitfile: x}\nworkload: {command: x}\n",
       "demo.yaml:1:28: unknown key 'unitfile' in service", "did you mean 'unit_file'?"},
      {"service: {unit: a.service, files: [{path: /a, contnt: x}]}\nworkload: {command: x}\n",
       "demo.yaml:1:47: unknown key 'contnt' in a service.files entry", "did you mean 'content'?"},
      {"service: {unit: a.service}\nworkload: {command: x, timout: 3s}\n",
       "demo.yaml:2:24: unknown key 'timout' in workload", "did you mean 'timeout'?"},
      {kMinimal + "timeouts: {bot: 3s}\n", "demo.yaml:5:12: unknown key 'bot' in timeouts",
       "did you mean 'boot'?"},
      {kMinimal + "expect:\n  journal_abscent: []\n",
       "demo.yaml:6:3: unknown key 'journal_abscent' in expect", "did you mean 'journal_absent'?"},
      {kMinimal + "options:\n  - name: g\n    line: [NoNewPrivileges=yes]\n",
       "demo.yaml:7:5: unknown key 'line' in an option group", "did you mean 'lines'?"},
  };
  for (const auto& c : cases) {
    UserError e = load_error(c.yaml);
    EXPECT_EQ(e.what(), c.message) << c.yaml;
    EXPECT_EQ(e.hint(), c.hint) << c.yaml;
  }
}

TEST(ScenarioLoader, ListsKnownKeysWhenNothingIsClose) {
  UserError e = load_error(kMinimal + "image: {colour: blue}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:5:9: unknown key 'colour' in image");
  EXPECT_EQ(e.hint(), "known keys here: base, packages, name, containerfile, context");
}

TEST(ScenarioLoader, RefusesDuplicateKeys) {
  UserError e = load_error(kMinimal + "name: a\nname: b\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:1: duplicate key 'name' in the scenario (first at demo.yaml:5:1)");
}

TEST(ScenarioLoader, RefusesWrongTypes) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"- a\n", "demo.yaml:1:1: 'scenario' must be a mapping, got a list"},
      {kMinimal + "image: {packages: curl}\n",
       "demo.yaml:5:19: 'image.packages' must be a list, got a scalar"},
      {kMinimal + "image: {packages: [curl, [x]]}\n",
       "demo.yaml:5:26: 'image.packages' must be a list of strings, found a list"},
      {"service: nginx.service\nworkload: {command: x}\n",
       "demo.yaml:1:10: 'service' must be a mapping, got a scalar"},
      {"service: {unit: a.service}\nworkload: curl localhost\n",
       "demo.yaml:2:11: 'workload' must be a mapping, got a scalar"},
      {kMinimal + "expect: {unit_active: maybe}\n",
       "demo.yaml:5:23: 'expect.unit_active' must be true or false, got 'maybe'"},
      {kMinimal + "expect: {workload_exit: one}\n",
       "demo.yaml:5:25: 'expect.workload_exit' must be an integer, got 'one'"},
      {kMinimal + "expect: {workload_exit: 300}\n",
       "demo.yaml:5:25: 'expect.workload_exit' must be between 0 and 255"},
      {kMinimal + "name: [a]\n", "demo.yaml:5:7: 'name' must be a string, got a list"},
      {kMinimal + "description:\n", "demo.yaml:5:1: 'description' must be a string, got nothing"},
      {kMinimal + "options: NoNewPrivileges=yes\n", "demo.yaml:5:10: 'options' must be a list, got a scalar"},
      {kMinimal + "options:\n  - [[a]]\n",
       "demo.yaml:6:5: an option must be a directive line or a {name, lines} group, got a list"},
      {kMinimal + "timeouts: {boot: [1]}\n",
       "demo.yaml:5:18: 'timeouts.boot' must be a duration, got a list"},
      {kMinimal + "version: 2\n", "demo.yaml:5:10: unsupported scenario version '2'"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(load_error(c.yaml).what(), c.message) << c.yaml;
  }
}

TEST(ScenarioLoader, RefusesMissingRequiredKeys) {
  UserError e = load_error("service: {unit: a.service}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:1:1: missing required key 'workload'");
  e = load_error("workload: {command: x}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:1:1: missing required key 'service'");
  e = load_error("workload: {command: x}\nservice:\n  unit_file: |\n    [Service]\n");
  EXPECT_STREQ(e.what(), "demo.yaml:3:3: missing required key 'service.unit'");
  EXPECT_THAT(e.hint(), HasSubstr("unit: nginx.service"));
  e = load_error("service: {unit: a.service}\nworkload:\n  timeout: 3s\n");
  EXPECT_STREQ(e.what(), "demo.yaml:3:3: missing required key 'workload.command'");
  e = load_error("service: {unit: a.service}\nworkload: {command: \"  \"}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:2:21: 'workload.command' is empty");
}

TEST(ScenarioLoader, RefusesAnUnknownDirectiveWithDidYouMean) {
  UserError e = load_error(kMinimal + "options:\n  - NoNewPrivileges=yes\n  - NoNewPrivilege=yes\n");
  EXPECT_STREQ(e.what(), "demo.yaml:7:5: unknown directive 'NoNewPrivilege'");
  EXPECT_EQ(e.hint(), "did you mean 'NoNewPrivileges'?");

  e = load_error(kMinimal + "options:\n  - name: g\n    lines: [ProtectSytem=strict]\n");
  EXPECT_STREQ(e.what(), "demo.yaml:7:13: unknown directive 'ProtectSytem'");
  EXPECT_EQ(e.hint(), "did you mean 'ProtectSystem'?");

  e = load_error(kMinimal + "options:\n  - nonewprivileges=yes\n");  // names are case-sensitive
  EXPECT_EQ(e.hint(), "did you mean 'NoNewPrivileges'?");

  e = load_error(kMinimal + "options:\n  - FrobnicateEverything=yes\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:5: unknown directive 'FrobnicateEverything'");
  EXPECT_THAT(e.hint(), HasSubstr("case-sensitive"));
}

// issue 20: options are hardening lines; a real systemd key that is not one
// is refused with why (not called unknown), at the option's line.
TEST(ScenarioLoader, RefusesSystemdKeysThatAreNotHardening) {
  UserError e = load_error(kMinimal + "options: [NoNewPrivileges=yes, \"Environment=FOO=1\"]\n", "d.yaml");
  EXPECT_STREQ(e.what(),
               "d.yaml:5:32: 'Environment=FOO=1' is not a hardening line: it sets the service's environment, "
               "part of its definition");
  EXPECT_THAT(e.hint(), HasSubstr("service.unit_file"));
  EXPECT_THAT(
      load_error(kMinimal + "options: [JobTimeoutSec=5]\n").what(),
      HasSubstr("'JobTimeoutSec=5' is not a hardening line: it is not a hardening directive the catalogue"));
  EXPECT_THAT(load_error(kMinimal + "options: [\"ExecStartPre=/bin/touch /x\"]\n").what(),
              HasSubstr("it sets a command the service runs"));
}

TEST(ScenarioLoader, RefusesMalformedOptionLines) {
  UserError e = load_error(kMinimal + "options:\n  - NoNewPrivileges yes\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:5: option 'NoNewPrivileges yes' is not a directive line: missing '='");
  EXPECT_THAT(e.hint(), HasSubstr("Key=Value"));

  e = load_error(kMinimal + "options:\n  - =yes\n");
  EXPECT_THAT(e.what(), HasSubstr("demo.yaml:6:5: '=yes': missing the directive name"));

  e = load_error(kMinimal + "options:\n  - \"[Unit StartLimitBurst=4\"\n");
  EXPECT_THAT(e.what(), HasSubstr("unterminated section"));

  e = load_error(kMinimal + "options:\n  - \"[Install] WantedBy=x\"\n");
  EXPECT_THAT(e.what(), HasSubstr("only in [Unit] and [Service]"));

  e = load_error(kMinimal + "options:\n  - \"NoNewPrivileges=yes\\nUser=root\"\n");
  EXPECT_THAT(e.what(), HasSubstr("spans several lines"));

  e = load_error(kMinimal + "options:\n  - ProtectSystem: strict\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:5: 'ProtectSystem: strict' is a YAML mapping, not a directive line");
  EXPECT_EQ(e.hint(), "write it as - ProtectSystem=strict");
}

TEST(ScenarioLoader, RefusesASectionThatContradictsTheCatalogue) {
  UserError e = load_error(kMinimal + "options:\n  - \"[Service] StartLimitBurst=4\"\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:5: 'StartLimitBurst=4' belongs in [Unit], not [Service]");
  EXPECT_THAT(e.hint(), HasSubstr("systemd ignores StartLimitBurst= in [Service]"));

  e = load_error(kMinimal + "options:\n  - \"[Unit] NoNewPrivileges=yes\"\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:5: 'NoNewPrivileges=yes' belongs in [Service], not [Unit]");
}

TEST(ScenarioLoader, RefusesDuplicateOptionNames) {
  UserError e = load_error(kMinimal +
                           "options:\n  - NoNewPrivileges=yes\n  - PrivateTmp=yes\n"
                           "  - NoNewPrivileges = yes\n");
  EXPECT_STREQ(e.what(), "demo.yaml:8:5: duplicate option 'NoNewPrivileges=yes' (first at demo.yaml:6:5)");

  e = load_error(kMinimal +
                 "options:\n  - {name: net, lines: [IPAddressDeny=any]}\n"
                 "  - {name: net, lines: [PrivateNetwork=yes]}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:7:5: duplicate option 'net' (first at demo.yaml:6:5)");
}

TEST(ScenarioLoader, ChecksOptionGroups) {
  UserError e = load_error(kMinimal + "options:\n  - {name: a=b, lines: [PrivateTmp=yes]}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:12: option group name 'a=b' contains '='");
  e = load_error(kMinimal + "options:\n  - {name: g, lines: []}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:22: option group 'g' has no lines");
  e = load_error(kMinimal + "options:\n  - {lines: [PrivateTmp=yes]}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:5: missing required key 'name' in an option group");
  e = load_error(kMinimal + "options:\n  - {name: g}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:5: missing required key 'lines' in an option group");
}

TEST(ScenarioLoader, RefusesACulpritThatIsNotAnOption) {
  UserError e = load_error(kMinimal +
                           "options: [ProtectSystem=strict, PrivateTmp=yes]\n"
                           "expect_culprits:\n  - [PrivateTmp=yes]\n  - [ProtectSystem=full]\n");
  EXPECT_STREQ(e.what(), "demo.yaml:8:6: 'ProtectSystem=full' is not in the scenario's option list");
  EXPECT_EQ(e.hint(), "did you mean 'ProtectSystem=strict'?");

  e = load_error(kMinimal + "options: [PrivateTmp=yes]\nexpect_culprits: [[]]\n");
  EXPECT_STREQ(e.what(), "demo.yaml:6:19: an empty culprit set");
}

TEST(ScenarioLoader, ChecksTheImage) {
  UserError e = load_error(kMinimal + "image: {base: bookwrom}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:5:15: unknown base release 'bookwrom'");
  EXPECT_EQ(e.hint(), "did you mean 'bookworm'? (hardbisect has base images for: bookworm, trixie)");

  e = load_error(kMinimal + "image: {base: buster}\n");
  EXPECT_EQ(e.hint(), "hardbisect has base images for: bookworm, trixie");

  e = load_error(kMinimal + "image: {packages: [curl, \"x; rm -rf /\"]}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:5:26: invalid Debian package name 'x; rm -rf /'");

  e = load_error(kMinimal + "image: {name: localhost/app:1, packages: [curl]}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:5:15: 'image.name' and 'image.packages' exclude each other");

  e = load_error(kMinimal + "image: {name: --privileged}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:5:15: invalid image name '--privileged'");

  Scenario s = load_scenario_string(kMinimal + "image: {name: localhost/app:1}\n", "d.yaml");
  EXPECT_EQ(s.image.name, "localhost/app:1");
  s = load_scenario_string(kMinimal + "image: {packages: [curl=7.88.1-10, nginx/bookworm]}\n", "d.yaml");
  EXPECT_EQ(s.image.packages, (std::vector<std::string>{"curl=7.88.1-10", "nginx/bookworm"}));
}

TEST(ScenarioLoader, ChecksThePrivilege) {
  UserError e = load_error(kMinimal + "container: {privilege: sysadmin}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:5:24: unknown privilege 'sysadmin'");
  EXPECT_EQ(e.hint(), "did you mean 'sys-admin'?");
  e = load_error(kMinimal + "container: {privilege: root}\n");
  EXPECT_EQ(e.hint(), "use one of: auto, minimal, sys-admin, privileged");

  EXPECT_EQ(load_scenario_string(kMinimal + "container: {privilege: minimal}\n", "d.yaml").privilege,
            options::Privilege::Minimal);
  EXPECT_EQ(load_scenario_string(kMinimal + "container: {privilege: privileged}\n", "d.yaml").privilege,
            options::Privilege::Privileged);
}

TEST(ScenarioLoader, ChecksTheUnitName) {
  auto unit_error = [](const std::string& unit) {
    return load_error("service: {unit: \"" + unit + "\"}\nworkload: {command: x}\n");
  };
  UserError e = unit_error("nginx");
  EXPECT_STREQ(e.what(), "demo.yaml:1:17: unit name 'nginx' has no unit suffix");
  EXPECT_EQ(e.hint(), "did you mean 'nginx.service'?");
  e = unit_error("nginx.socket");
  EXPECT_STREQ(e.what(),
               "demo.yaml:1:17: unit 'nginx.socket' is not a service: hardbisect tests .service units");
  EXPECT_EQ(e.hint(), "name the service unit, e.g. 'nginx.service'");
  e = unit_error("../../etc/passwd.service");
  EXPECT_THAT(e.what(), HasSubstr("character '/' is not allowed"));
  e = unit_error("getty@.service");
  EXPECT_THAT(e.what(), HasSubstr("is a template unit"));
  EXPECT_EQ(load_scenario_string("service: {unit: getty@tty1.service}\nworkload: {command: x}\n", "d.yaml")
                .service.unit,
            "getty@tty1.service");
}

TEST(ScenarioLoader, ChecksServiceFiles) {
  UserError e = load_error(
      "service:\n  unit: a.service\n  files:\n    - {path: etc/demo.conf, content: x}\n"
      "workload: {command: x}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:4:14: file path 'etc/demo.conf' is relative");
  EXPECT_THAT(e.hint(), HasSubstr("must be absolute, e.g. /etc/demo.conf"));

  e = load_error(
      "service: {unit: a.service, files: [{path: /etc/../x, content: x}]}\nworkload: {command: x}\n");
  EXPECT_THAT(e.what(), HasSubstr("without '..'"));

  e = load_error(
      "service: {unit: a.service, files: [{path: /a, content: x, source: y}]}\nworkload: {command: x}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:1:59: a file has both 'content' and 'source'");

  e = load_error("service: {unit: a.service, files: [{path: /a}]}\nworkload: {command: x}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:1:36: file '/a' has neither 'content' nor 'source'");

  e = load_error(
      "service: {unit: a.service, files: [{path: /a, content: x, mode: \"0999\"}]}\nworkload: {command: "
      "x}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:1:65: invalid file mode '0999'");

  e = load_error(
      "service: {unit: a.service, files: [{path: /a, content: x}, {path: /a, content: y}]}\n"
      "workload: {command: x}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:1:67: file '/a' is listed twice in service.files");

  Scenario s = load_scenario_string(
      "service: {unit: a.service, files: [{path: /a, content: x, mode: 755}]}\nworkload: {command: x}\n",
      "d.yaml");
  EXPECT_EQ(s.service.files[0].mode, "0755");
}

TEST(ScenarioLoader, ChecksTheUnitFile) {
  UserError e =
      load_error("service: {unit: a.service, unit_file: files/a.service}\nworkload: {command: x}\n");
  EXPECT_STREQ(e.what(), "demo.yaml:1:39: 'service.unit_file' has no [Service] section");
  EXPECT_THAT(e.hint(), HasSubstr("not a path"));
}

TEST(ScenarioLoader, ChecksJournalPatterns) {
  UserError e = load_error(kMinimal + "expect: {journal_absent: [\"(unclosed\"]}\n");
  EXPECT_THAT(e.what(), HasSubstr("demo.yaml:5:27: invalid regular expression '(unclosed'"));
}

TEST_F(ScenarioLoaderFiles, RefusesAMissingSourceFile) {
  std::string path = write("s/demo.yaml",
                           "service:\n  unit: a.service\n  files:\n"
                           "    - {path: /etc/a.conf, source: files/missing.conf}\n"
                           "workload: {command: x}\n");
  UserError e = error_of([&] { load_scenario_file(path); });
  EXPECT_EQ(std::string(e.what()),
            path + ":4:35: source file '" + (m_dir / "s/files/missing.conf").string() + "' does not exist");
  EXPECT_THAT(e.hint(), HasSubstr("relative paths are resolved against the directory"));
}

// issue 20: a scenario reads host files only in its own folder tree.
std::string with_source(const std::string& source) {
  return "service:\n  unit: a.service\n  files:\n"
         "    - {path: /opt/x, source: " +
         source +
         "}\n"
         "workload: {command: x}\n";
}

TEST_F(ScenarioLoaderFiles, RefusesASourceOutsideTheFolderByAbsolutePath) {
  std::string secret = write("outside/secret", "host secret");
  std::string path = write("s/demo.yaml", with_source(secret));
  UserError e = error_of([&] { load_scenario_file(path); });
  EXPECT_EQ(std::string(e.what()), path + ":4:30: source file '" + secret +
                                       "' is outside the scenario's folder " + (m_dir / "s").string());
  EXPECT_THAT(e.hint(), HasSubstr("its own folder and below (symlinks followed)"));
}

TEST_F(ScenarioLoaderFiles, RefusesASourceOutsideTheFolderByDotDot) {
  std::string secret = write("outside/secret", "host secret");
  std::string path = write("s/demo.yaml", with_source("../outside/secret"));
  EXPECT_THAT(error_of([&] { load_scenario_file(path); }).what(),
              HasSubstr(":4:30: source file '../outside/secret' resolves to " + secret + ", outside"));
  // Also when it comes back in later: the path is judged where it ends.
  std::string ok = write("s/own", "mine");
  std::string back = write("s/back.yaml", with_source("../s/own"));
  EXPECT_EQ(load_scenario_file(back).service.files.at(0).content, "mine");
}

TEST_F(ScenarioLoaderFiles, RefusesASourceThroughASymlinkThatLeaves) {
  std::string secret = write("outside/secret", "host secret");
  write("s/demo.yaml", "");
  fs::create_symlink(secret, m_dir / "s/link");
  fs::create_symlink(m_dir / "outside", m_dir / "s/up");
  for (const char* source : {"link", "up/secret"}) {
    std::string path = write("s/demo.yaml", with_source(source));
    EXPECT_THAT(error_of([&] { load_scenario_file(path); }).what(),
                HasSubstr(std::string("source file '") + source + "' resolves to " + secret + ", outside"));
  }
  // A symlink that stays inside is followed.
  write("s/files/real", "mine");
  fs::create_symlink("files/real", m_dir / "s/inside");
  std::string path = write("s/demo.yaml", with_source("inside"));
  EXPECT_EQ(load_scenario_file(path).service.files.at(0).content, "mine");
}

TEST_F(ScenarioLoaderFiles, RefusesATemplateContainerfileOrContextOutsideTheFolder) {
  write("outside/t.conf", "[Service]\nPrivateTmp=yes\n");
  write("outside/Containerfile", "FROM hardbisect-base\n");
  write("s/Containerfile", "FROM hardbisect-base\n");
  std::string path = write("s/demo.yaml", kMinimal + "template: ../outside/t.conf\n");
  EXPECT_THAT(error_of([&] { load_scenario_file(path); }).what(),
              HasSubstr(":5:11: template '../outside/t.conf' resolves to"));
  path = write("s/demo.yaml", kMinimal + "image: {containerfile: ../outside/Containerfile}\n");
  EXPECT_THAT(error_of([&] { load_scenario_file(path); }).what(),
              HasSubstr(":5:24: Containerfile '../outside/Containerfile' resolves to"));
  path = write("s/demo.yaml", kMinimal + "image: {containerfile: Containerfile, context: ..}\n");
  EXPECT_THAT(error_of([&] { load_scenario_file(path); }).what(),
              HasSubstr(":5:48: build context '..' resolves to " + m_dir.string() + ", outside"));
}

TEST_F(ScenarioLoaderFiles, RefusesAMissingTemplate) {
  std::string path = write("s/demo.yaml", kMinimal + "template: nope.conf\n");
  UserError e = error_of([&] { load_scenario_file(path); });
  EXPECT_EQ(std::string(e.what()),
            path + ":5:11: template '" + (m_dir / "s/nope.conf").string() + "' does not exist");
}

TEST_F(ScenarioLoaderFiles, ReportsTemplateErrorsAtTheTemplateLine) {
  std::string conf = write("s/t.conf", "[Service]\nPrivateTmp=yes\n  ProtectHom=yes\n");
  std::string path = write("s/demo.yaml", kMinimal + "template: t.conf\n");
  UserError e = error_of([&] { load_scenario_file(path); });
  EXPECT_EQ(std::string(e.what()), conf + ":3:3: unknown directive 'ProtectHom'");
  EXPECT_EQ(e.hint(), "did you mean 'ProtectHome'?");
}

TEST_F(ScenarioLoaderFiles, RefusesAnOptionRepeatedInTheTemplate) {
  std::string conf = write("s/t.conf", "[Service]\nPrivateTmp=yes\n");
  std::string path = write("s/demo.yaml", kMinimal + "options: [PrivateTmp=yes]\ntemplate: t.conf\n");
  UserError e = error_of([&] { load_scenario_file(path); });
  EXPECT_EQ(std::string(e.what()),
            conf + ":2:1: duplicate option 'PrivateTmp=yes' (first at " + path + ":5:11)");
}

TEST(ScenarioLoader, RefusesAMissingScenarioFile) {
  UserError e = error_of([] { load_scenario_file("/nonexistent/x.yaml"); });
  EXPECT_STREQ(e.what(), "scenario file '/nonexistent/x.yaml' does not exist");
}

TEST(ScenarioSourceLoc, FormatsWhatIsKnown) {
  EXPECT_EQ((SourceLoc{"a.yaml", 3, 7}).str(), "a.yaml:3:7");
  EXPECT_EQ((SourceLoc{"a.conf", 3, 0}).str(), "a.conf:3");
  EXPECT_EQ((SourceLoc{"a.yaml", 0, 0}).str(), "a.yaml");
}

}  // namespace
}  // namespace hb::scenario
