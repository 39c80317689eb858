#include "report/status_printer.h"

#include <fmt/format.h>

#include <ostream>

namespace hb::report {

namespace {

std::string drill_down_line(const job::TrialFinished& e) {
  const search::TrialRecord& r = e.record;
  return fmt::format("  [{:>3}] {:<8} {:<40} {}{}", r.index + 1, search::phase_name(r.phase), e.label,
                     verdict_upper(r.outcome.verdict),
                     r.outcome.reason.empty() ? "" : "  " + r.outcome.reason);
}
}  // namespace

std::string format_progress(const job::TrialFinished& e) {
  if (e.drill_down) return drill_down_line(e);
  const search::TrialRecord& r = e.record;
  double seconds = e.result ? e.result->elapsed.count() / 1000.0 : 0.0;
  std::string line =
      fmt::format("[{:>3}] {:<8} {:<44} {:<10} {:>5.2f} s", r.index + 1, search::phase_name(r.phase), e.label,
                  verdict_upper(r.outcome.verdict), seconds);
  if (r.run > 1) line += fmt::format("  (run {})", r.run);
  if (!r.outcome.reason.empty()) line += "  " + r.outcome.reason;
  if (e.cached) line += "  [cached]";
  if (r.unasked) line += "  [speculative, not needed]";
  return line;
}

void StatusPrinter::line(const std::string& scope, const std::string& text) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_out << (scope.empty() ? "" : "[" + scope + "] ") << text << '\n' << std::flush;
}

void StatusPrinter::job_started(const job::JobStarted& e) {
  for (const auto& warning : e.unenforceable)
    line(e.scope, "  warning: cannot be enforced at this privilege: " + warning);
  if (m_quiet) return;
  line(e.scope,
       fmt::format("hardbisect {}: {} on {}, {} options", e.strategy, e.unit, e.image, e.option_count));
  line(e.scope, fmt::format("privilege: {} ({})", options::privilege_name(e.privilege), e.privilege_why));
}

void StatusPrinter::trial_finished(const job::TrialFinished& e) {
  if (!m_quiet) line(e.scope, format_progress(e));
}

void StatusPrinter::message(const job::Message& e) {
  switch (e.level) {
    case job::Level::Warning:
      line(e.scope, "warning: " + e.text);
      break;
    case job::Level::Note:
      if (!m_quiet) line(e.scope, "note: " + e.text);
      break;
    case job::Level::Info:
      if (!m_quiet) line(e.scope, e.text);
      break;
  }
}

}  // namespace hb::report
