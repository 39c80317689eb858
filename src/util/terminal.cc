#include "util/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "util/parse.h"

namespace hb::util {

namespace {
std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::optional<std::string>(value) : std::nullopt;
}

int window_columns(int fd) {
  struct winsize size {};
  if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}
}  // namespace

TerminalFacts terminal_facts(int fd) {
  TerminalFacts facts;
  facts.tty = isatty(fd) == 1;
  facts.term = env("TERM");
  facts.no_color = env("NO_COLOR");
  facts.columns = env("COLUMNS");
  facts.window_columns = facts.tty ? window_columns(fd) : 0;
  return facts;
}

bool use_color(ColorMode mode, const TerminalFacts& facts) {
  switch (mode) {
    case ColorMode::Always:
      return true;
    case ColorMode::Never:
      return false;
    case ColorMode::Auto:
      return use_live_line(facts) && (!facts.no_color || facts.no_color->empty());
  }
  return false;
}

bool use_live_line(const TerminalFacts& facts) { return facts.tty && facts.term.value_or("") != "dumb"; }

int terminal_width(const TerminalFacts& facts) {
  if (facts.window_columns > 0) return facts.window_columns;
  if (facts.columns)
    if (std::optional<long long> columns = parse_int(*facts.columns); columns && *columns > 0)
      return static_cast<int>(*columns);
  return 80;
}

int terminal_width(int fd) {
  TerminalFacts facts;
  facts.window_columns = window_columns(fd);
  facts.columns = env("COLUMNS");
  return terminal_width(facts);
}

}  // namespace hb::util
