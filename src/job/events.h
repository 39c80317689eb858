#pragma once
// What happens during a job, as data (ninja's Status/StatusPrinter): jobs,
// the oracle and the drill-down call a Status; report/status_printer.h is the
// one printer that turns the calls into terminal lines (and honours -q).
// Nothing below report/ formats progress.
#include <deque>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "options/privilege.h"
#include "search/search.h"
#include "trial/trial_result.h"

namespace hb::job {

// One search of one scenario begins (the header of a bisection).
struct JobStarted {
  std::string scope;  // "" or the matrix cell / scenario it belongs to
  std::string strategy;
  std::string unit;
  std::string image;
  size_t option_count = 0;
  options::Privilege privilege = options::Privilege::Minimal;
  std::string privilege_why;
  std::vector<std::string> unenforceable;  // lines the privilege cannot enforce
};

// One trial starts (the live status line shows what runs). `record` has no
// outcome yet; its phase, options and estimate are the search's.
struct TrialStarted {
  std::string scope;
  search::TrialRecord record;
  std::string label;
  bool drill_down = false;
};

// One trial has a verdict. `label` names what the trial applied (the option
// names, or the list elements of a drill-down).
struct TrialFinished {
  std::string scope;
  search::TrialRecord record;
  const trial::TrialResult* result = nullptr;  // null when no container ran (drill-down from memory)
  bool cached = false;                         // served from the result cache
  std::string label;
  bool drill_down = false;
};

enum class Level { Info, Note, Warning };

// A line of its own: a phase of a job ("drill-down into ..."), a note, a warning.
struct Message {
  std::string scope;
  Level level = Level::Info;
  std::string text;
};

class Status {
 public:
  virtual ~Status() = default;
  virtual void job_started(const JobStarted& event) = 0;
  // Only a live status line uses it; kept events (BufferedStatus) drop it.
  virtual void trial_started(const TrialStarted& /*event*/) {}
  virtual void trial_finished(const TrialFinished& event) = 0;
  virtual void message(const Message& event) = 0;

  void info(const std::string& text) { message({{}, Level::Info, text}); }
  void note(const std::string& text) { message({{}, Level::Note, text}); }
  void warning(const std::string& text) { message({{}, Level::Warning, text}); }
};

// Forwards every event with `scope` set (a matrix cell's id); thread-safe
// when the target is.
class ScopedStatus : public Status {
 public:
  ScopedStatus(Status& target, std::string scope) : m_target(target), m_scope(std::move(scope)) {}
  void job_started(const JobStarted& event) override {
    JobStarted e = event;
    e.scope = m_scope;
    m_target.job_started(e);
  }
  void trial_started(const TrialStarted& event) override {
    TrialStarted e = event;
    e.scope = m_scope;
    m_target.trial_started(e);
  }
  void trial_finished(const TrialFinished& event) override {
    TrialFinished e = event;
    e.scope = m_scope;
    m_target.trial_finished(e);
  }
  void message(const Message& event) override {
    Message e = event;
    e.scope = m_scope;
    m_target.message(e);
  }

 private:
  Status& m_target;
  std::string m_scope;
};

// Keeps every event, to hand them on later in one block (`verify --jobs`
// runs scenarios side by side: each one's progress reaches the printer
// whole, when the scenario ends, never mixed line by line with another's).
// Trial results are copied, so the replayed events point at live data.
class BufferedStatus : public Status {
 public:
  void job_started(const JobStarted& event) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_events.emplace_back(event);
  }
  void trial_finished(const TrialFinished& event) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    TrialFinished e = event;
    if (e.result) e.result = &m_results.emplace_back(*e.result);
    m_events.emplace_back(e);
  }
  void message(const Message& event) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_events.emplace_back(event);
  }
  // Every event kept, in the order heard, to `target`.
  void replay(Status& target) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto& event : m_events) {
      if (const auto* started = std::get_if<JobStarted>(&event))
        target.job_started(*started);
      else if (const auto* finished = std::get_if<TrialFinished>(&event))
        target.trial_finished(*finished);
      else
        target.message(std::get<Message>(event));
    }
  }

 private:
  mutable std::mutex m_mutex;
  std::vector<std::variant<JobStarted, TrialFinished, Message>> m_events;
  std::deque<trial::TrialResult> m_results;  // stable addresses
};

// Drops everything (tests, internal trials nobody watches).
class SilentStatus : public Status {
 public:
  void job_started(const JobStarted&) override {}
  void trial_finished(const TrialFinished&) override {}
  void message(const Message&) override {}
};

}  // namespace hb::job
