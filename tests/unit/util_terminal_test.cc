#include <gtest/gtest.h>

#include "util/strings.h"
#include "util/terminal.h"

namespace hb::util {
namespace {

TerminalFacts terminal() {
  TerminalFacts facts;
  facts.tty = true;
  facts.term = "xterm-256color";
  return facts;
}

TEST(UtilTerminal, AutoColoursATerminalOnly) {
  EXPECT_TRUE(use_color(ColorMode::Auto, terminal()));
  TerminalFacts pipe = terminal();
  pipe.tty = false;
  EXPECT_FALSE(use_color(ColorMode::Auto, pipe));
  EXPECT_TRUE(use_color(ColorMode::Always, pipe)) << "always: even into a pipe";
  EXPECT_FALSE(use_color(ColorMode::Never, terminal()));
}

// https://no-color.org: any non-empty value turns colour off in auto.
TEST(UtilTerminal, AutoHonoursNoColorAndADumbTerminal) {
  TerminalFacts facts = terminal();
  facts.no_color = "1";
  EXPECT_FALSE(use_color(ColorMode::Auto, facts));
  EXPECT_TRUE(use_color(ColorMode::Always, facts));
  facts.no_color = "";
  EXPECT_TRUE(use_color(ColorMode::Auto, facts)) << "empty NO_COLOR counts as unset";
  facts.term = "dumb";
  EXPECT_FALSE(use_color(ColorMode::Auto, facts));
  EXPECT_FALSE(use_live_line(facts));
  facts.term = std::nullopt;
  EXPECT_TRUE(use_live_line(facts));
}

TEST(UtilTerminal, WidthFromTheWindowThenColumnsThen80) {
  TerminalFacts facts = terminal();
  facts.columns = "100";
  EXPECT_EQ(terminal_width(facts), 100);
  facts.window_columns = 132;
  EXPECT_EQ(terminal_width(facts), 132);
  facts.window_columns = 0;
  facts.columns = "wide";
  EXPECT_EQ(terminal_width(facts), 80);
}

TEST(UtilTerminal, ColorModeNames) {
  EXPECT_EQ(parse_name(kColorModeNames, "always"), ColorMode::Always);
  EXPECT_EQ(parse_name(kColorModeNames, "yes"), std::nullopt);
}

TEST(UtilStrings, CountedIsSingularForOne) {
  EXPECT_EQ(counted(1, "culprit set"), "1 culprit set");
  EXPECT_EQ(counted(2, "culprit set"), "2 culprit sets");
  EXPECT_EQ(counted(size_t{0}, "option"), "0 options");
}

}  // namespace
}  // namespace hb::util
