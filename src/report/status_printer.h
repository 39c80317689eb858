#pragma once
// The one printer of job events (ninja's StatusPrinter): a header per job,
// a progress line per trial, notes and warnings. Quiet drops progress and
// notes and keeps warnings. Thread-safe: parallel trials and matrix cells
// report through one printer.
#include <iosfwd>
#include <mutex>

#include "job/events.h"

namespace hb::report {

class StatusPrinter : public job::Status {
 public:
  StatusPrinter(std::ostream& out, bool quiet) : m_out(out), m_quiet(quiet) {}
  void job_started(const job::JobStarted& event) override;
  void trial_finished(const job::TrialFinished& event) override;
  void message(const job::Message& event) override;

 private:
  void line(const std::string& scope, const std::string& text);
  std::ostream& m_out;
  bool m_quiet;
  std::mutex m_mutex;
};

// One progress line per trial: "[ 7] search   3 options  FAIL  1.31 s  reason",
// "  [cached]" when the result cache served it.
std::string format_progress(const job::TrialFinished& event);

}  // namespace hb::report
