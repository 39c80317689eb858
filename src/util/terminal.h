#pragma once
// The terminal progress goes to: is it one, how wide, colour or not.
// `--color auto` colours only a terminal that wants it: stderr is a TTY,
// NO_COLOR is unset or empty (https://no-color.org) and TERM is not "dumb";
// `always` colours even a pipe, `never` nothing.
#include <array>
#include <optional>
#include <string>

#include "util/names.h"

namespace hb::util {

enum class ColorMode { Auto, Always, Never };
inline constexpr auto kColorModeNames = std::to_array<EnumName<ColorMode>>(
    {{ColorMode::Auto, "auto"}, {ColorMode::Always, "always"}, {ColorMode::Never, "never"}});

// What the process's environment says about a terminal (getenv, isatty),
// gathered once so the decisions below are plain functions of it.
struct TerminalFacts {
  bool tty = false;                 // the stream is a terminal
  std::optional<std::string> term;  // $TERM
  std::optional<std::string> no_color;
  std::optional<std::string> columns;  // $COLUMNS
  int window_columns = 0;              // TIOCGWINSZ; 0 when unknown
};

TerminalFacts terminal_facts(int fd);

// Colour escapes wanted under `mode`.
bool use_color(ColorMode mode, const TerminalFacts& facts);
// A live status line (redrawn in place) makes sense: a terminal that is not "dumb".
bool use_live_line(const TerminalFacts& facts);
// The terminal's width: TIOCGWINSZ, else $COLUMNS, else 80.
int terminal_width(const TerminalFacts& facts);
// The live width of `fd` now (the window may have been resized).
int terminal_width(int fd);

}  // namespace hb::util
