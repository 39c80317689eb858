#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>

#include "scenario/template.h"
#include "user_error.h"
#include "util/error.h"

namespace hb::scenario {
namespace {

using options::Directive;
using ::testing::HasSubstr;

using hb::testing::error_of;

UserError parse_error(const std::string& text) {
  return error_of([&] { parse_template_string(text, "t.conf"); });
}

std::vector<Directive> directives_of(const ParsedTemplate& parsed) {
  std::vector<Directive> out;
  for (const auto& item : parsed.options) {
    EXPECT_EQ(item.directives.size(), 1u);
    EXPECT_EQ(item.name, item.directives.front().line());
    EXPECT_FALSE(item.is_group());
    out.push_back(item.directives.front());
  }
  return out;
}

// issue 20: templates hold hardening lines only; the service's own lines
// are refused with why, the catalogue's relaxations are kept.
TEST(ScenarioTemplate, RefusesServiceDefinitionLines) {
  for (const char* line : {"ExecStartPre=/bin/touch /x", "ExecStart=/bin/sh", "ExecStopPost=/bin/true",
                           "User=root", "Group=root", "Environment=LD_PRELOAD=/x.so",
                           "EnvironmentFile=/etc/x", "Type=oneshot", "Restart=always", "TimeoutStartSec=1",
                           "StandardOutput=file:/x", "WorkingDirectory=/", "CPUShares=10"}) {
    UserError e = parse_error(std::string("[Service]\nNoNewPrivileges=yes\n") + line + "\n");
    EXPECT_THAT(e.what(), HasSubstr(std::string("t.conf:3:1: '") + line + "' is not a hardening line: "));
    EXPECT_THAT(e.hint(), HasSubstr("unit file"));
  }
  for (const char* line : {"After=x.service", "OnFailure=x.service", "StartLimitAction=reboot"})
    EXPECT_THAT(parse_error(std::string("[Unit]\n") + line + "\n").what(),
                HasSubstr("is not a hardening line"));
  EXPECT_THAT(parse_error("[Service]\nExecStartPre=/x\n").what(), HasSubstr("it sets a command"));
  ParsedTemplate kept = parse_template_string(
      "[Unit]\nStartLimitBurst=4\nStartLimitIntervalSec=90s\n[Service]\nDynamicUser=yes\nProtectSystem="
      "strict\n"
      "ReadWritePaths=/var/"
      "x\nIPAddressDeny=any\nIPAddressAllow=localhost\nSystemCallFilter=@system-service\n",
      "t.conf");
  EXPECT_EQ(kept.options.size(), 8u);
}

TEST(ScenarioTemplate, ParsesSectionsCommentsContinuationsAndEmptyValues) {
  const std::string text =
      "# hardening template\n"
      "; also a comment\n"
      "\n"
      "[Unit]\n"
      "StartLimitBurst=4\n"
      "\n"
      "[Service]\n"
      "  NoNewPrivileges = yes  \n"
      "CapabilityBoundingSet=\n"
      "SystemCallFilter=@system-service \\\n"
      "    # a comment between continuation lines is dropped\n"
      "    @chown \\\n"
      "    ~@privileged\n"
      "ProtectSystem=strict\n";
  ParsedTemplate parsed = parse_template_string(text, "t.conf");
  EXPECT_EQ(directives_of(parsed), (std::vector<Directive>{
                                       {"Unit", "StartLimitBurst", "4"},
                                       {"Service", "NoNewPrivileges", "yes"},
                                       {"Service", "CapabilityBoundingSet", ""},
                                       {"Service", "SystemCallFilter", "@system-service @chown ~@privileged"},
                                       {"Service", "ProtectSystem", "strict"},
                                   }));
  EXPECT_EQ(parsed.options[0].loc.str(), "t.conf:5:1");
  EXPECT_EQ(parsed.options[1].loc.str(), "t.conf:8:3");
  EXPECT_EQ(parsed.options[3].loc.str(), "t.conf:10:1");  // where the continued line starts
  EXPECT_EQ(parsed.options[4].loc.str(), "t.conf:14:1");
  EXPECT_TRUE(parsed.warnings.empty());
}

TEST(ScenarioTemplate, EndsAContinuationAtABlankLineOrTheEnd) {
  ParsedTemplate parsed = parse_template_string(
      "[Service]\nReadWritePaths=/var/lib/a \\\n\nPrivateTmp=yes\nInaccessiblePaths=/a \\\n/b \\", "t.conf");
  EXPECT_EQ(directives_of(parsed), (std::vector<Directive>{
                                       {"Service", "ReadWritePaths", "/var/lib/a"},
                                       {"Service", "PrivateTmp", "yes"},
                                       {"Service", "InaccessiblePaths", "/a /b"},
                                   }));
}

TEST(ScenarioTemplate, SkipsOtherSectionsWithAWarning) {
  ParsedTemplate parsed = parse_template_string(
      "[Service]\nPrivateTmp=yes\n[Install]\nWantedBy=multi-user.target\nAlias=x.service\n"
      "[X-Custom]\nFoo=bar\n[Service]\nProtectHome=yes\n",
      "t.conf");
  EXPECT_EQ(directives_of(parsed), (std::vector<Directive>{
                                       {"Service", "PrivateTmp", "yes"},
                                       {"Service", "ProtectHome", "yes"},
                                   }));
  ASSERT_EQ(parsed.warnings.size(), 2u);
  EXPECT_EQ(parsed.warnings[0],
            "t.conf:3:1: section [Install] skipped (2 lines): hardbisect applies only [Unit] and "
            "[Service] directives");
  EXPECT_THAT(parsed.warnings[1], HasSubstr("t.conf:6:1: section [X-Custom] skipped (1 line)"));
}

TEST(ScenarioTemplate, AcceptsCrlfAndAByteOrderMark) {
  ParsedTemplate parsed = parse_template_string("\xEF\xBB\xBF[Service]\r\nPrivateTmp=yes\r\n", "t.conf");
  EXPECT_EQ(directives_of(parsed), (std::vector<Directive>{{"Service", "PrivateTmp", "yes"}}));
}

TEST(ScenarioTemplate, RefusesAnUnknownDirectiveWithDidYouMean) {
  UserError e = parse_error("[Service]\n\n    PrivateTmpp=yes\n");
  EXPECT_STREQ(e.what(), "t.conf:3:5: unknown directive 'PrivateTmpp'");
  EXPECT_EQ(e.hint(), "did you mean 'PrivateTmp'?");
}

TEST(ScenarioTemplate, RefusesADirectiveInTheWrongSection) {
  UserError e = parse_error("[Service]\nStartLimitBurst=4\n");
  EXPECT_STREQ(e.what(), "t.conf:2:1: 'StartLimitBurst=4' belongs in [Unit], not [Service]");
  e = parse_error("[Unit]\nNoNewPrivileges=yes\n");
  EXPECT_STREQ(e.what(), "t.conf:2:1: 'NoNewPrivileges=yes' belongs in [Service], not [Unit]");
}

TEST(ScenarioTemplate, RefusesSyntaxErrors) {
  UserError e = parse_error("PrivateTmp=yes\n");
  EXPECT_STREQ(e.what(), "t.conf:1:1: 'PrivateTmp=yes' is outside any section");
  e = parse_error("[Service]\nPrivateTmp\n");
  EXPECT_STREQ(e.what(), "t.conf:2:1: 'PrivateTmp' is not a directive line: missing '='");
  e = parse_error("[Service\nPrivateTmp=yes\n");
  EXPECT_STREQ(e.what(), "t.conf:1:1: invalid section header '[Service'");
  e = parse_error("[Servce]\nPrivateTmp=yes\n");
  EXPECT_STREQ(e.what(), "t.conf:1:1: unknown section [Servce]");
  EXPECT_EQ(e.hint(), "did you mean [Service]?");
}

// Seed 000 repeats lines verbatim: a no-op for systemd, tested once.
TEST(ScenarioTemplate, AnExactRepeatIsTestedOnceWithAWarning) {
  ParsedTemplate parsed =
      parse_template_string("[Service]\nPrivateTmp=yes\nProtectHome=yes\nPrivateTmp = yes\n", "t.conf");
  ASSERT_EQ(parsed.options.size(), 2u);
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_EQ(parsed.warnings[0],
            "t.conf:4:1: 'PrivateTmp=yes' repeats the line at t.conf:2:1 (a no-op for systemd); tested once");
}

TEST(ScenarioTemplate, ReportsAMissingFile) {
  UserError e = error_of([] { parse_template_file("/nonexistent/t.conf", "--template"); });
  EXPECT_STREQ(e.what(), "--template: template '/nonexistent/t.conf' does not exist");
}

TEST(ScenarioTemplate, RendersUnitBeforeServiceWithAHeader) {
  std::vector<Directive> directives = {
      {"Service", "NoNewPrivileges", "yes"},
      {"Unit", "StartLimitBurst", "4"},
      {"Service", "CapabilityBoundingSet", ""},
      {"Unit", "StartLimitIntervalSec", "90s"},
  };
  EXPECT_EQ(render_dropin(directives, "Written by hardbisect\n\ntrial 3"),
            "# Written by hardbisect\n"
            "#\n"
            "# trial 3\n"
            "\n"
            "[Unit]\n"
            "StartLimitBurst=4\n"
            "StartLimitIntervalSec=90s\n"
            "\n"
            "[Service]\n"
            "NoNewPrivileges=yes\n"
            "CapabilityBoundingSet=\n");
  EXPECT_EQ(render_dropin(std::vector<Directive>{{"Service", "PrivateTmp", "yes"}}, ""),
            "[Service]\nPrivateTmp=yes\n");
  EXPECT_EQ(render_dropin(std::vector<Directive>{}, "nothing applied"), "# nothing applied\n");
}

TEST(ScenarioTemplate, RendersOptionItemsInOrder) {
  OptionItem group;
  group.name = "localhost-only";
  group.directives = {{"Service", "IPAddressDeny", "any"}, {"Service", "IPAddressAllow", "127.0.0.0/8"}};
  OptionItem single;
  single.name = "StartLimitBurst=4";
  single.directives = {{"Unit", "StartLimitBurst", "4"}};
  EXPECT_EQ(render_dropin(std::vector<OptionItem>{group, single}, ""),
            "[Unit]\nStartLimitBurst=4\n\n[Service]\nIPAddressDeny=any\nIPAddressAllow=127.0.0.0/8\n");
}

TEST(ScenarioTemplate, RoundTripsThroughRenderAndParse) {
  const std::string original =
      "[Service]\n"
      "ProtectSystem=strict\n"
      "SystemCallFilter=@system-service \\\n  ~@mount\n"
      "[Unit]\n"
      "StartLimitBurst=4\n"
      "[Service]\n"
      "CapabilityBoundingSet=\n"
      "[Install]\n"
      "WantedBy=multi-user.target\n";
  ParsedTemplate first = parse_template_string(original, "a.conf");
  std::string rendered = render_dropin(first.options, "safe template");
  ParsedTemplate second = parse_template_string(rendered, "b.conf");
  EXPECT_TRUE(second.warnings.empty());
  // Sections are regrouped ([Unit] first), each keeps its own order.
  EXPECT_EQ(directives_of(second), (std::vector<Directive>{
                                       {"Unit", "StartLimitBurst", "4"},
                                       {"Service", "ProtectSystem", "strict"},
                                       {"Service", "SystemCallFilter", "@system-service ~@mount"},
                                       {"Service", "CapabilityBoundingSet", ""},
                                   }));
  EXPECT_EQ(render_dropin(second.options, "safe template"), rendered);
}

TEST(ScenarioTemplate, RefusesToRenderWhatIsNotOneLine) {
  EXPECT_THROW(render_dropin(std::vector<Directive>{{"Service", "User", "a\nb"}}, ""), std::invalid_argument);
  EXPECT_THROW(render_dropin(std::vector<Directive>{{"Install", "WantedBy", "x"}}, ""),
               std::invalid_argument);
  EXPECT_THROW(render_dropin(std::vector<Directive>{{"Service", "ReadWritePaths", "/a \\"}}, ""),
               std::invalid_argument);
}

TEST(ScenarioTemplate, FindsAServiceSection) {
  EXPECT_TRUE(has_service_section("[Unit]\nDescription=x\n\n  [Service]  \nExecStart=/bin/true\n"));
  EXPECT_FALSE(has_service_section("files/demo.service"));
  EXPECT_FALSE(has_service_section("[Unit]\nDescription=[Service]\n"));
}

}  // namespace
}  // namespace hb::scenario
