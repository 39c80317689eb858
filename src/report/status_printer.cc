#include "report/status_printer.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

namespace hb::report {

namespace {

constexpr const char* kClearLine = "\r\x1b[K";

// The verdict, padded to `width`, in its colour when `color`.
std::string verdict_cell(search::Verdict verdict, size_t width, bool color) {
  const std::string word = verdict_upper(verdict);
  const std::string pad(width > word.size() ? width - word.size() : 0, ' ');
  if (!color) return word + pad;
  const char* code = verdict == search::Verdict::Pass ? "32" : verdict == search::Verdict::Fail ? "31" : "33";
  return fmt::format("\x1b[{}m{}\x1b[0m{}", code, word, pad);
}

std::string drill_down_line(const job::TrialFinished& e, bool color) {
  const search::TrialRecord& r = e.record;
  return fmt::format("  [{:>3}] {:<8} {:<40} {}{}", r.index + 1, search::phase_name(r.phase), e.label,
                     verdict_cell(r.outcome.verdict, 0, color),
                     r.outcome.reason.empty() ? "" : "  " + r.outcome.reason);
}

bool same_trial(const job::TrialStarted& started, const job::TrialFinished& finished) {
  return started.scope == finished.scope && started.drill_down == finished.drill_down &&
         started.record.index == finished.record.index;
}

}  // namespace

std::string format_progress(const job::TrialFinished& e, bool color) {
  if (e.drill_down) return drill_down_line(e, color);
  const search::TrialRecord& r = e.record;
  double seconds = e.result ? e.result->elapsed.count() / 1000.0 : 0.0;
  std::string line =
      fmt::format("[{:>3}] {:<8} {:<44} {} {:>5.2f} s", r.index + 1, search::phase_name(r.phase), e.label,
                  verdict_cell(r.outcome.verdict, 10, color), seconds);
  if (r.run > 1) line += fmt::format("  (run {})", r.run);
  if (!r.outcome.reason.empty()) line += "  " + r.outcome.reason;
  if (e.cached) line += "  [cached]";
  if (r.speculative) line += "  [speculative]";
  return line;
}

std::string live_phase_name(const search::TrialRecord& record, bool drill_down) {
  if (drill_down) return "drill-down";
  switch (record.phase) {
    case search::Phase::Baseline:
      return "baseline";
    case search::Phase::Full:
      return record.run > 1 ? "flakiness" : "full set";
    case search::Phase::Search:
    case search::Phase::Confirm:
    case search::Phase::Safe:
      return "removal search";
    case search::Phase::Context:
      return "in context";
    case search::Phase::Explain:
      return "explain";
  }
  return "?";
}

std::string format_duration(Clock::duration duration) {
  const long long total = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  const long long seconds = std::max(total, 0LL);
  if (seconds >= 3600) return fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return fmt::format("{}:{:02}", seconds / 60, seconds % 60);
}

std::string fit_width(const std::string& text, int width) {
  const size_t room = width > 1 ? static_cast<size_t>(width - 1) : 0;
  if (text.size() <= room) return text;
  size_t cut = room;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

StatusPrinter::StatusPrinter(std::ostream& out, bool quiet) : StatusPrinter(out, PrinterOptions{quiet}) {}

StatusPrinter::StatusPrinter(std::ostream& out, PrinterOptions options)
    : m_out(out), m_options(std::move(options)) {
  if (m_options.quiet) m_options.live = false;
  if (m_options.live && m_options.ticker) m_ticker = std::thread([this] { tick(); });
}

StatusPrinter::~StatusPrinter() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
    clear_live();
  }
  m_wake.notify_all();
  if (m_ticker.joinable()) m_ticker.join();
}

void StatusPrinter::tick() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_wake.wait_for(lock, std::chrono::seconds(1), [this] { return m_stop; }))
    if (!m_running.empty()) draw_live();
}

Clock::time_point StatusPrinter::now() const { return m_options.now ? m_options.now() : Clock::now(); }

void StatusPrinter::clear_live() {
  if (!m_live_shown) return;
  m_out << kClearLine << std::flush;
  m_live_shown = false;
}

void StatusPrinter::draw_live() {
  if (!m_options.live) return;
  if (m_running.empty()) return clear_live();
  m_out << kClearLine << fit_width(live_text(), m_options.width ? m_options.width() : 80) << std::flush;
  m_live_shown = true;
}

void StatusPrinter::refresh() {
  std::lock_guard<std::mutex> lock(m_mutex);
  draw_live();
}

std::string StatusPrinter::live_line() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_running.empty()) return "";
  return fit_width(live_text(), m_options.width ? m_options.width() : 80);
}

std::string StatusPrinter::live_text() const {
  const job::TrialStarted& newest = m_running.back();
  const search::TrialRecord& r = newest.record;
  const int n = r.index + 1;
  std::string text = newest.scope.empty() ? "" : "[" + newest.scope + "] ";
  text += fmt::format("trial {}", n);
  if (r.estimate > 0) text += fmt::format(" of about {}", std::max(r.estimate, n));
  text += " | " + live_phase_name(r, newest.drill_down) + " | " + newest.label;
  if (m_running.size() > 1) text += fmt::format(" (+{} running)", m_running.size() - 1);
  auto job = m_jobs.find(newest.scope);
  if (job != m_jobs.end()) text += " | " + format_duration(now() - job->second.started) + time_left(newest);
  return text;
}

// ", about 1:10 left": the mean time of the job's trials so far times the
// trials the estimate leaves (this one included); "" before any ended.
std::string StatusPrinter::time_left(const job::TrialStarted& newest) const {
  const JobClock& job = m_jobs.at(newest.scope);
  const search::TrialRecord& r = newest.record;
  if (job.finished == 0 || r.estimate <= 0) return "";
  const auto mean = (job.last_finished - job.started) / job.finished;
  const int left = std::max(r.estimate - r.index, 1);
  return ", about " + format_duration(mean * left) + " left";
}

void StatusPrinter::line(const std::string& scope, const std::string& text) {
  std::lock_guard<std::mutex> lock(m_mutex);
  const bool redraw = m_live_shown;
  if (m_live_shown) m_out << kClearLine;
  m_live_shown = false;
  m_out << (scope.empty() ? "" : "[" + scope + "] ") << text << '\n';
  if (redraw || !m_running.empty()) draw_live();
  m_out << std::flush;
}

void StatusPrinter::job_started(const job::JobStarted& e) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_jobs[e.scope] = JobClock{now(), 0, {}};
  }
  for (const auto& warning : e.unenforceable)
    line(e.scope, "  warning: cannot be enforced at this privilege: " + warning);
  if (m_options.quiet) return;
  line(e.scope,
       fmt::format("hardbisect {}: {} on {}, {} options", e.strategy, e.unit, e.image, e.option_count));
  line(e.scope, fmt::format("privilege: {} ({})", options::privilege_name(e.privilege), e.privilege_why));
}

void StatusPrinter::trial_started(const job::TrialStarted& e) {
  if (!m_options.live) return;
  std::lock_guard<std::mutex> lock(m_mutex);
  m_jobs.try_emplace(e.scope, JobClock{now(), 0, {}});
  // The baseline's first run is announced by the job, then by the search.
  auto same = [&e](const job::TrialStarted& s) {
    return s.scope == e.scope && s.drill_down == e.drill_down && s.record.index == e.record.index;
  };
  std::erase_if(m_running, same);
  m_running.push_back(e);
  draw_live();
}

void StatusPrinter::trial_finished(const job::TrialFinished& e) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::erase_if(m_running, [&e](const job::TrialStarted& s) { return same_trial(s, e); });
    JobClock& job = m_jobs.try_emplace(e.scope, JobClock{now(), 0, {}}).first->second;
    job.finished++;
    job.last_finished = now();
  }
  if (!m_options.quiet) line(e.scope, format_progress(e, m_options.color));
}

void StatusPrinter::message(const job::Message& e) {
  switch (e.level) {
    case job::Level::Warning:
      line(e.scope, "warning: " + e.text);
      break;
    case job::Level::Note:
      if (!m_options.quiet) line(e.scope, "note: " + e.text);
      break;
    case job::Level::Info:
      if (!m_options.quiet) line(e.scope, e.text);
      break;
  }
}

}  // namespace hb::report
