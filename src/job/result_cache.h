#pragma once
// Trial results kept on disk, so a rerun (or an interrupted nightly run)
// does not repeat trials whose answer is known. A result is keyed by a hash
// of everything that decides it: the image (its id from `podman image
// inspect`, not its name), the unit and its file, the files, the drop-in's
// directives, the workload, the expectations, the timeouts, the privilege,
// the trial driver, hardbisect's version and the host environment (Podman
// connection, OCI runtime, cgroup layout).
//
// Only PASS and FAIL are stored: an UNRESOLVED trial is infrastructure
// trouble (or an option not in effect) and must be tried again.
//
// Flaky services: the key also holds the occurrence of the set within one
// search (its 1st, 2nd, ... run, counted by the oracle over the whole
// search, not per test). The search is deterministic given its outcomes, so
// a rerun asks for the same sets in the same order and gets back the very
// same sequence of outcomes: the failure-rate estimate, the repeat counts
// and the confidence come out exactly as in the run that stored them, and an
// interrupted run continues where it stopped with fresh samples. (One entry
// per set would replay one outcome for every run of a flaky set and turn a
// rate of 0.3 into 0 or 1.)
//
// Layout: DIR/v1/<2 hex>/<16 hex key>.json, each written through a unique
// temporary file and rename(2), so parallel trials and parallel processes
// (CI shards on one runner) can share a folder.
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "options/directive.h"
#include "runtime/container_runtime.h"
#include "trial/trial_result.h"

namespace hb::job {

// What one trial was asked to do, beyond the plan.
struct TrialKey {
  std::string image_id;  // `podman image inspect` Id
  options::Privilege privilege = options::Privilege::Minimal;
  std::vector<options::Directive> directives;
  // The baseline that may raise the privilege (run_baseline) is its own
  // kind of trial: keyed by the privilege it starts from.
  bool calibration = false;
  int occurrence = 1;  // 1-based run of this set within one search
};

struct CachedTrial {
  trial::TrialResult result;
  // For a calibration: the privilege the baseline settled on.
  options::Privilege privilege_after = options::Privilege::Minimal;
  std::string stored_at;  // ISO 8601, UTC
};

class ResultCache {
 public:
  // `environment` names the host things that change outcomes and are not
  // in the plan (connection, OCI runtime, cgroup layout).
  ResultCache(std::string dir, std::string environment = {});

  // The key: 16 hex digits.
  std::string key(const trial::TrialPlan& plan, const TrialKey& trial) const;
  // A stored result, or nothing (absent, unreadable, or not PASS/FAIL).
  std::optional<CachedTrial> load(const std::string& key) const;
  // Stores PASS and FAIL; returns false (and stores nothing) otherwise or
  // when the folder cannot be written (a cache never fails a run).
  bool store(const std::string& key, const CachedTrial& entry) const;

  const std::string& dir() const { return m_dir; }
  int hits() const { return m_hits; }
  int stores() const { return m_stores; }
  // Entries that were there but could not be read or parsed (each key once);
  // their trials ran again, and a store replaces them.
  int corrupt() const;

  // Where the cache speaks: `warn` gets one line, once per cache, the first
  // time it cannot store ("results will not be cached: DIR: why"); `note`
  // gets the count of corrupt entries when the cache is closed (none: no
  // call). Both may be called from trial threads.
  using Say = std::function<void(const std::string&)>;
  void set_reporters(Say warn, Say note);
  // Creates the folder and a probe file in it, so an unwritable cache is
  // said before the first trial rather than after it; false when it is.
  bool check_writable() const;
  ~ResultCache();
  ResultCache(const ResultCache&) = delete;
  ResultCache& operator=(const ResultCache&) = delete;

 private:
  std::string path_of(const std::string& key) const;
  bool unwritable(const std::string& why) const;
  std::string m_dir;
  std::string m_environment;
  mutable std::atomic<int> m_hits{0};
  mutable std::atomic<int> m_stores{0};
  mutable std::atomic<bool> m_warned{false};
  mutable std::mutex m_mutex;
  mutable std::set<std::string> m_corrupt;  // keys, under m_mutex
  Say m_warn;
  Say m_note;
};

// $XDG_CACHE_HOME/hardbisect, else ~/.cache/hardbisect.
std::string default_cache_dir();

// A TrialResult as JSON and back (every field, evidence and findings included).
std::string trial_result_to_json_text(const CachedTrial& entry);
std::optional<CachedTrial> trial_result_from_json_text(const std::string& text);

}  // namespace hb::job
