#include "job/result_cache.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "trial/driver_script.h"
#include "util/hash.h"
#include "util/json.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace hb::job {

namespace {

// Bump when the stored format or the meaning of a key changes.
constexpr const char* kSchema = "hardbisect-trial-cache-2";  // 2: findings stored

json directives_json(const std::vector<options::Directive>& directives) {
  json list = json::array();
  for (const auto& d : directives) list.push_back({d.section, d.key, d.value});
  return list;
}

std::vector<options::Directive> directives_from(const json& list) {
  std::vector<options::Directive> directives;
  for (const auto& d : list)
    directives.push_back(
        {d.at(0).get<std::string>(), d.at(1).get<std::string>(), d.at(2).get<std::string>()});
  return directives;
}

json optional_int(const std::optional<int>& value) { return util::json_or_null(value); }
json optional_double(const std::optional<double>& value) { return util::json_or_null(value); }
std::optional<int> int_from(const json& value) {
  return value.is_number() ? std::optional<int>(value.get<int>()) : std::nullopt;
}
std::optional<double> double_from(const json& value) {
  return value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt;
}

// A trial's findings as its runner found them (trial/findings.h): stored
// with the result, so a cached trial is not read again.
json findings_json(const std::vector<trial::Finding>& findings) {
  json list = json::array();
  for (const auto& f : findings)
    list.push_back({{"line", f.line},
                    {"ignored", f.ignored},
                    {"why", f.why},
                    {"corrected", f.corrected},
                    {"advice", f.advice},
                    {"messages", f.messages},
                    {"systemd", f.systemd}});
  return list;
}

std::vector<trial::Finding> findings_from(const json& list) {
  std::vector<trial::Finding> findings;
  for (const auto& f : list)
    findings.push_back({f.at("line").get<std::string>(), f.at("ignored").get<std::vector<std::string>>(),
                        f.at("why").get<std::string>(), f.at("corrected").get<std::vector<std::string>>(),
                        f.at("advice").get<std::string>(), f.at("messages").get<std::vector<std::string>>(),
                        f.at("systemd").get<int>()});
  return findings;
}

std::optional<trial::Verdict> verdict_from(const std::string& name) {
  if (name == "pass") return trial::Verdict::Pass;
  if (name == "fail") return trial::Verdict::Fail;
  return std::nullopt;
}

std::optional<trial::Cause> cause_from(const std::string& name) {
  for (trial::Cause cause : {trial::Cause::None, trial::Cause::Service, trial::Cause::Boot,
                             trial::Cause::UnitNotFound, trial::Cause::DropInRejected,
                             trial::Cause::NotEnforced, trial::Cause::Harness, trial::Cause::Tampered})
    if (name == cause_name(cause)) return cause;
  return std::nullopt;
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

std::string default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return (fs::path(xdg) / "hardbisect").string();
  if (const char* home = std::getenv("HOME"); home && *home)
    return (fs::path(home) / ".cache" / "hardbisect").string();
  return (fs::temp_directory_path() / "hardbisect-cache").string();
}

ResultCache::ResultCache(std::string dir, std::string environment)
    : m_dir(std::move(dir)), m_environment(std::move(environment)) {}

std::string ResultCache::key(const trial::TrialPlan& plan, const TrialKey& trial) const {
  json files = json::array();
  for (const auto& f : plan.service.files) files.push_back({f.path, f.mode, f.content});
  const scenario::Expectations& e = plan.expect;
  json material{
      {"schema", kSchema},
      {"version", HARDBISECT_VERSION},
      {"driver", util::stable_hash(trial::driver_script())},
      {"environment", m_environment},
      {"image_id", trial.image_id},
      {"unit", plan.service.unit},
      {"unit_file", util::json_or_null(plan.service.unit_file)},
      {"files", files},
      {"directives", directives_json(trial.directives)},
      {"workload", {plan.workload.command, plan.workload.timeout.count()}},
      {"expect", {e.unit_active, e.workload_exit, e.no_crash, e.journal_absent, e.journal_present}},
      {"timeouts", {plan.timeouts.boot.count(), plan.timeouts.start.count()}},
      {"privilege", options::privilege_name(trial.privilege)},
      {"calibration", trial.calibration ? json(plan.privilege_auto) : json(nullptr)},
      {"occurrence", trial.occurrence},
  };
  return util::stable_hash(material.dump());
}

std::string ResultCache::path_of(const std::string& key) const {
  return (fs::path(m_dir) / "v1" / key.substr(0, 2) / (key + ".json")).string();
}

ResultCache::~ResultCache() {
  int count = corrupt();
  if (count > 0 && m_note)
    m_note(fmt::format("{} corrupt result cache entr{} in {} ignored; {} trial{} ran again and replaced them",
                       count, count == 1 ? "y" : "ies", m_dir, count == 1 ? "its" : "their",
                       count == 1 ? "" : "s"));
}

void ResultCache::set_reporters(Say warn, Say note) {
  m_warn = std::move(warn);
  m_note = std::move(note);
}

int ResultCache::corrupt() const {
  std::lock_guard lock(m_mutex);
  return static_cast<int>(m_corrupt.size());
}

bool ResultCache::unwritable(const std::string& why) const {
  if (!m_warned.exchange(true) && m_warn) m_warn("results will not be cached: " + why);
  return false;
}

bool ResultCache::check_writable() const {
  fs::path folder = fs::path(m_dir) / "v1";
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) return unwritable(fmt::format("cannot create {}: {}", folder.string(), error.message()));
  fs::path probe = folder / fmt::format(".probe.{}", getpid());
  std::ofstream(probe, std::ios::binary | std::ios::trunc) << "probe\n";
  bool written = fs::is_regular_file(probe, error) && fs::file_size(probe, error) == 6;
  fs::remove(probe, error);
  if (!written) return unwritable(fmt::format("cannot write a file in {}", folder.string()));
  return true;
}

std::optional<CachedTrial> ResultCache::load(const std::string& key) const {
  std::string path = path_of(key);
  std::error_code error;
  if (!fs::exists(fs::symlink_status(path, error))) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  std::optional<CachedTrial> entry = in ? trial_result_from_json_text(text.str()) : std::nullopt;
  if (entry) {
    ++m_hits;
  } else {
    std::lock_guard lock(m_mutex);
    m_corrupt.insert(key);
  }
  return entry;
}

bool ResultCache::store(const std::string& key, const CachedTrial& entry) const {
  if (entry.result.verdict != trial::Verdict::Pass && entry.result.verdict != trial::Verdict::Fail)
    return false;
  fs::path path = path_of(key);
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error)
    return unwritable(fmt::format("cannot create {}: {}", path.parent_path().string(), error.message()));
  // Unique per process and thread: parallel trials may store the same key.
  std::string temp = fmt::format("{}.tmp.{}.{}", path.string(), getpid(),
                                 std::hash<std::thread::id>{}(std::this_thread::get_id()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << trial_result_to_json_text(entry);
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      return unwritable(fmt::format("cannot write {}", temp));
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return unwritable(fmt::format("cannot rename {} to {}", temp, path.string()));
  }
  ++m_stores;
  return true;
}

std::string trial_result_to_json_text(const CachedTrial& entry) {
  const trial::TrialResult& r = entry.result;
  const trial::Evidence& e = r.evidence;
  json rows = json::array();
  for (const auto& row : e.exposure_rows)
    rows.push_back({{"name", row.name},
                    {"description", row.description},
                    {"exposure", optional_double(row.exposure)},
                    {"ok", row.ok}});
  json evidence{
      {"sections", e.sections},
      {"properties", e.properties},
      {"boot_state", e.boot_state},
      {"boot_ms", e.boot_ms},
      {"start_rc", optional_int(e.start_rc)},
      {"start_ms", e.start_ms},
      {"workload_rc", optional_int(e.workload_rc)},
      {"workload_ms", e.workload_ms},
      {"workload_timed_out", e.workload_timed_out},
      {"complete", e.complete},
      {"exposure", optional_double(e.exposure)},
      {"exposure_rating", e.exposure_rating},
      {"exposure_rows", rows},
      {"security_ms", e.security_ms},
  };
  json text{
      {"schema", kSchema},
      {"stored_at", entry.stored_at.empty() ? utc_now() : entry.stored_at},
      {"verdict", r.verdict == trial::Verdict::Pass   ? "pass"
                  : r.verdict == trial::Verdict::Fail ? "fail"
                                                      : "unresolved"},
      {"cause", cause_name(r.cause)},
      {"reason", r.reason},
      {"explanation", r.explanation},
      {"notes", r.notes},
      {"applied", directives_json(r.applied)},
      {"findings", findings_json(r.findings)},
      {"exposure", optional_double(r.exposure)},
      {"container_logs", r.container_logs},
      {"elapsed_ms", r.elapsed.count()},
      {"privilege_after", options::privilege_name(entry.privilege_after)},
      {"evidence", evidence},
  };
  return text.dump(1) + "\n";
}

std::optional<CachedTrial> trial_result_from_json_text(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("schema", "") != kSchema) return std::nullopt;
  try {
    CachedTrial entry;
    trial::TrialResult& r = entry.result;
    std::optional<trial::Verdict> verdict = verdict_from(j.at("verdict").get<std::string>());
    std::optional<trial::Cause> cause = cause_from(j.at("cause").get<std::string>());
    std::optional<options::Privilege> after =
        options::parse_privilege(j.at("privilege_after").get<std::string>());
    if (!verdict || !cause || !after) return std::nullopt;
    r.verdict = *verdict;
    r.cause = *cause;
    entry.privilege_after = *after;
    entry.stored_at = j.value("stored_at", "");
    r.reason = j.at("reason").get<std::string>();
    r.explanation = j.at("explanation").get<std::string>();
    r.notes = j.at("notes").get<std::vector<std::string>>();
    r.applied = directives_from(j.at("applied"));
    r.findings = findings_from(j.at("findings"));
    r.exposure = double_from(j.at("exposure"));
    r.container_logs = j.at("container_logs").get<std::string>();
    r.elapsed = std::chrono::milliseconds(j.at("elapsed_ms").get<long>());
    const json& ev = j.at("evidence");
    trial::Evidence& e = r.evidence;
    e.sections = ev.at("sections").get<std::map<std::string, std::string>>();
    e.properties = ev.at("properties").get<std::map<std::string, std::string>>();
    e.boot_state = ev.at("boot_state").get<std::string>();
    e.boot_ms = ev.at("boot_ms").get<long>();
    e.start_rc = int_from(ev.at("start_rc"));
    e.start_ms = ev.at("start_ms").get<long>();
    e.workload_rc = int_from(ev.at("workload_rc"));
    e.workload_ms = ev.at("workload_ms").get<long>();
    e.workload_timed_out = ev.at("workload_timed_out").get<bool>();
    e.complete = ev.at("complete").get<bool>();
    e.exposure = double_from(ev.at("exposure"));
    e.exposure_rating = ev.at("exposure_rating").get<std::string>();
    for (const auto& row : ev.at("exposure_rows"))
      e.exposure_rows.push_back({row.at("name").get<std::string>(), row.at("description").get<std::string>(),
                                 double_from(row.at("exposure")), row.at("ok").get<bool>()});
    e.security_ms = ev.at("security_ms").get<long>();
    return entry;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace hb::job
