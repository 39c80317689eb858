#pragma once
// A job::Status that keeps what it hears, for tests: the events, and each
// formatted as the terminal printer would.
#include <mutex>
#include <string>
#include <vector>

#include "job/events.h"
#include "report/status_printer.h"

namespace hb::testing {

class RecordingStatus : public job::Status {
 public:
  void job_started(const job::JobStarted& e) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    jobs.push_back(e);
    lines.push_back((e.scope.empty() ? "" : "[" + e.scope + "] ") + "job " + e.unit);
  }
  void trial_finished(const job::TrialFinished& e) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    trials.push_back(e);
    lines.push_back((e.scope.empty() ? "" : "[" + e.scope + "] ") + report::format_progress(e));
  }
  void message(const job::Message& e) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    messages.push_back(e);
    lines.push_back((e.scope.empty() ? "" : "[" + e.scope + "] ") + e.text);
  }
  std::vector<job::JobStarted> jobs;
  std::vector<job::TrialFinished> trials;  // result pointers are not kept valid
  std::vector<job::Message> messages;
  std::vector<std::string> lines;

 private:
  std::mutex m_mutex;
};

}  // namespace hb::testing
