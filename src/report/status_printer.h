#pragma once
// The one printer of job events (ninja's StatusPrinter): a header per job,
// a permanent line per trial that ended, notes and warnings, in the order
// the events come (trial order: search/trial_log.h). Quiet drops progress
// and notes and keeps warnings. On a terminal (`live`), one status line
// stays at the bottom, redrawn in place while trials run: what runs, its
// phase, "trial n of about N", the time so far and an estimate of the time
// left; permanent lines scroll above it. Thread-safe: parallel trials and
// matrix cells report through one printer.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "job/events.h"

namespace hb::report {

using Clock = std::chrono::steady_clock;

struct PrinterOptions {
  bool quiet = false;
  bool color = false;                      // PASS, FAIL, UNRESOLVED in green, red, yellow
  bool live = false;                       // the status line (a terminal); never with quiet
  std::function<int()> width;              // the terminal's columns now; null: 80
  std::function<Clock::time_point()> now;  // null: Clock::now
  bool ticker = false;                     // redraw the status line every second (the time moves)
};

class StatusPrinter : public job::Status {
 public:
  StatusPrinter(std::ostream& out, bool quiet);
  StatusPrinter(std::ostream& out, PrinterOptions options);
  // Clears the status line and stops the ticker.
  ~StatusPrinter() override;
  StatusPrinter(const StatusPrinter&) = delete;
  StatusPrinter& operator=(const StatusPrinter&) = delete;
  void job_started(const job::JobStarted& event) override;
  void trial_started(const job::TrialStarted& event) override;
  void trial_finished(const job::TrialFinished& event) override;
  void message(const job::Message& event) override;
  // Redraws the status line (the ticker calls it each second).
  void refresh();
  // The status line as it would be drawn now, cut to the width; "" when no
  // trial runs.
  std::string live_line();

 private:
  // When a job (one scope) began, how many of its trials ended, the last when.
  struct JobClock {
    Clock::time_point started;
    int finished = 0;
    Clock::time_point last_finished;
  };
  void line(const std::string& scope, const std::string& text);
  void draw_live();
  void clear_live();
  std::string live_text() const;
  std::string time_left(const job::TrialStarted& newest) const;
  Clock::time_point now() const;
  void tick();

  std::ostream& m_out;
  PrinterOptions m_options;
  std::mutex m_mutex;
  std::vector<job::TrialStarted> m_running;  // in the order they started
  std::map<std::string, JobClock> m_jobs;    // by scope
  bool m_live_shown = false;
  bool m_stop = false;
  std::condition_variable m_wake;
  std::thread m_ticker;
};

// One permanent line per trial: "[  7] search   3 options  FAIL  1.31 s  reason",
// "  [cached]" when the result cache served it, "  [speculative]" when it
// ran beside a question; the verdict in colour when `color`.
std::string format_progress(const job::TrialFinished& event, bool color = false);

// "removal search", "full set", "flakiness" (the full set again),
// "in context", "drill-down": the phase a status line names.
std::string live_phase_name(const search::TrialRecord& record, bool drill_down);

// "0:42", "12:05", "1:02:03".
std::string format_duration(Clock::duration duration);

// `text` cut to `width` - 1 columns (the last column would wrap), never
// inside a UTF-8 character.
std::string fit_width(const std::string& text, int width);

}  // namespace hb::report
