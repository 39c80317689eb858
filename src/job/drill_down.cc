#include "job/drill_down.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "options/catalogue.h"
#include "options/syscall_groups.h"
#include "options/syscalls.h"
#include "trial/explain.h"
#include "trial/probes.h"
#include "util/parallel.h"
#include "util/strings.h"

namespace hb::job {

namespace {

std::string joined(const std::vector<std::string>& words) { return util::join(words, " "); }

using LinesOf = std::function<std::vector<options::Directive>(const search::OptionSet&)>;

// Runs the rest of the template plus the culprit's lines computed from the option set.
class ElementOracle : public search::Oracle {
 public:
  ElementOracle(trial::TrialRunner& runner, std::vector<options::Directive> base, LinesOf lines_of)
      : m_runner(runner), m_base(std::move(base)), m_lines_of(std::move(lines_of)) {}

  search::Outcome test(const search::OptionSet& set) override { return wait(start(set)); }
  // Up to `jobs` trials side by side (the search's speculative and repeated
  // runs), kept in `results` in the order they start. The ticket is the
  // background run's; the outcome names the trial's place in `results`.
  search::Ticket start(const search::OptionSet& set) override {
    results.emplace_back();
    const int run =
        m_running.start([this, lines = directives(m_lines_of(set))] { return m_runner.run(lines); });
    m_result_of.emplace(run, results.size() - 1);
    return run;
  }
  search::Outcome wait(search::Ticket ticket) override {
    const size_t at = m_result_of.at(ticket);
    m_result_of.erase(ticket);
    results.at(at) = m_running.wait(ticket);
    return {results[at].verdict, results[at].reason, static_cast<int>(at)};
  }
  // One trial with these lines in place of the culprit; kept in `results`.
  const trial::TrialResult& run_lines(const std::vector<options::Directive>& lines) {
    results.push_back(m_runner.run(directives(lines)));
    return results.back();
  }
  void set_jobs(int jobs) { m_running.set_limit(jobs); }
  // The search over another list of elements maps its sets through `lines_of`.
  void set_lines(LinesOf lines_of) { m_lines_of = std::move(lines_of); }
  std::vector<trial::TrialResult> results;

 private:
  std::vector<options::Directive> directives(const std::vector<options::Directive>& lines) const {
    std::vector<options::Directive> all = m_base;
    all.insert(all.end(), lines.begin(), lines.end());
    return all;
  }

  trial::TrialRunner& m_runner;
  std::vector<options::Directive> m_base;
  LinesOf m_lines_of;
  std::map<search::Ticket, size_t> m_result_of;    // a started run's place in `results`
  util::Background<trial::TrialResult> m_running;  // last: its threads end first
};

// The call a seccomp filter killed the service on, from the kernel's record
// of a kill tied to this trial's service (trial::seccomp_kill).
std::optional<std::string> sigsys_syscall(const trial::TrialResult& result) {
  auto record = trial::seccomp_kill(result.evidence);
  if (!record || record->syscall < 0) return std::nullopt;
  return record->arch ? options::syscall_name(record->syscall, *record->arch)
                      : options::syscall_name(record->syscall);
}

// seccomp's SECCOMP_RET_LOG, the action SystemCallLog= installs.
constexpr std::string_view kSeccompLogCode = "0x7ffc0000";

// The calls among `elements` (sorted) a trial's SystemCallLog= logged: the
// kernel's records of the LOG action (sig=0).
std::vector<std::string> logged_syscalls(const trial::TrialResult& result,
                                         const std::vector<std::string>& elements) {
  std::set<std::string> logged;
  for (const auto& line : trial::kernel_lines(result.evidence)) {
    auto record = trial::parse_seccomp_record(line);
    if (!record || record->signal != 0 || record->code != kSeccompLogCode || record->syscall < 0) continue;
    auto name = record->arch ? options::syscall_name(record->syscall, *record->arch)
                             : options::syscall_name(record->syscall);
    if (name && std::binary_search(elements.begin(), elements.end(), *name)) logged.insert(*name);
  }
  return {logged.begin(), logged.end()};
}

// The oracle's result a search record's outcome names; null when none.
const trial::TrialResult* result_of(const ElementOracle& oracle, const search::Outcome& outcome) {
  if (outcome.trial < 0 || static_cast<size_t>(outcome.trial) >= oracle.results.size()) return nullptr;
  return &oracle.results[static_cast<size_t>(outcome.trial)];
}

// The oracle's place of the search's passing run of its safe set; -1 when none.
int safe_trial_of(const search::SearchResult& result) {
  if (result.safe_trial < 0) return -1;
  return result.trials.at(static_cast<size_t>(result.safe_trial)).outcome.trial;
}

// What a drill-down's trial kept: the elements, or "N noun" when more than three.
std::string drill_label(const search::TrialRecord& record, const std::vector<std::string>& elements,
                        const char* noun) {
  std::string label = record.options.size() <= 3 ? "" : fmt::format("{} {}", record.options.size(), noun);
  if (label.empty())
    for (int i : record.options) label += (label.empty() ? "" : ", ") + elements[static_cast<size_t>(i)];
  return label.empty() ? "(none)" : label;
}

// The progress of a drill-down's search: one TrialFinished per trial,
// labelled with the elements it kept (`noun` when more than three), with
// the oracle's result its outcome names.
std::function<void(const search::TrialRecord&)> drill_progress(const ElementOracle& oracle,
                                                               const std::vector<std::string>& elements,
                                                               const char* noun, Status& status) {
  return [&oracle, elements, noun, &status](const search::TrialRecord& record) {
    const trial::TrialResult* result = result_of(oracle, record.outcome);
    status.trial_finished(
        TrialFinished{{}, record, result, false, drill_label(record, elements, noun), true});
  };
}

// The live line's part of a drill-down's progress: each trial as it starts.
std::function<void(const search::TrialRecord&)> drill_started(const std::vector<std::string>& elements,
                                                              const char* noun, Status& status) {
  return [elements, noun, &status](const search::TrialRecord& record) {
    status.trial_started(TrialStarted{{}, record, drill_label(record, elements, noun), true});
  };
}

// The single calls a SystemCallFilter= value names, groups expanded.
std::set<std::string> syscalls_named(const std::string& value) {
  const options::DirectiveInfo& info = *options::find_directive("SystemCallFilter");
  std::set<std::string> calls;
  for (const auto& element : options::split_value(info, value)) {
    std::string name = element.substr(0, element.find(':'));  // "name:EPERM"
    if (!name.empty() && name.front() == '~') name.erase(0, 1);
    if (name.empty()) continue;
    if (name.front() == '@') {
      if (auto members = options::expand_syscall_group(name)) calls.insert(members->begin(), members->end());
    } else {
      calls.insert(name);
    }
  }
  return calls;
}

// The word that stands for an empty allow list ("none", "yes"), or "".
std::string empty_allow_list(const options::Directive& d) {
  std::string value(util::trim(d.value));
  if (d.key == "RestrictAddressFamilies" && value == "none") return value;
  if (d.key == "RestrictNamespaces" && options::is_true(value)) return value;
  return "";
}

bool allow_list_key(const std::string& key) {
  return key == "SystemCallFilter" || key == "CapabilityBoundingSet" || key == "AmbientCapabilities" ||
         key == "RestrictAddressFamilies" || key == "RestrictNamespaces";
}

}  // namespace

std::string DrillDownResult::summary() const {
  if (reallow) {
    std::vector<std::string> lines;
    for (const auto& d : fix) lines.push_back(d.line());
    return fmt::format("{} -> re-allow {}{}: {}", original.line(), joined(changed),
                       verified_trial >= 0 ? " (verified)" : "", util::join(lines, " + "));
  }
  if (allow_list) return fmt::format("{} -> add {}: {}", original.line(), joined(changed), relaxed.line());
  return fmt::format("{} -> drop {}: {}", original.line(), joined(changed),
                     relaxed.value.empty() ? "(the line goes)" : relaxed.line());
}

std::vector<std::string> allow_list_universe(const std::string& key) {
  if (key == "SystemCallFilter") {
    std::vector<std::string> groups;
    for (const auto& name : options::syscall_group_names())
      if (name != "@known" && name != "@default") groups.push_back(name);
    return groups;
  }
  if (key == "CapabilityBoundingSet" || key == "AmbientCapabilities") {
    std::vector<std::string> caps;
    for (const char* name : {"CAP_CHOWN",
                             "CAP_DAC_OVERRIDE",
                             "CAP_DAC_READ_SEARCH",
                             "CAP_FOWNER",
                             "CAP_FSETID",
                             "CAP_KILL",
                             "CAP_SETGID",
                             "CAP_SETUID",
                             "CAP_SETPCAP",
                             "CAP_LINUX_IMMUTABLE",
                             "CAP_NET_BIND_SERVICE",
                             "CAP_NET_BROADCAST",
                             "CAP_NET_ADMIN",
                             "CAP_NET_RAW",
                             "CAP_IPC_LOCK",
                             "CAP_IPC_OWNER",
                             "CAP_SYS_MODULE",
                             "CAP_SYS_RAWIO",
                             "CAP_SYS_CHROOT",
                             "CAP_SYS_PTRACE",
                             "CAP_SYS_PACCT",
                             "CAP_SYS_ADMIN",
                             "CAP_SYS_BOOT",
                             "CAP_SYS_NICE",
                             "CAP_SYS_RESOURCE",
                             "CAP_SYS_TIME",
                             "CAP_SYS_TTY_CONFIG",
                             "CAP_MKNOD",
                             "CAP_LEASE",
                             "CAP_AUDIT_WRITE",
                             "CAP_AUDIT_CONTROL",
                             "CAP_SETFCAP",
                             "CAP_MAC_OVERRIDE",
                             "CAP_MAC_ADMIN",
                             "CAP_SYSLOG",
                             "CAP_WAKE_ALARM",
                             "CAP_BLOCK_SUSPEND",
                             "CAP_AUDIT_READ",
                             "CAP_PERFMON",
                             "CAP_BPF",
                             "CAP_CHECKPOINT_RESTORE"})
      caps.push_back(name);
    return caps;
  }
  if (key == "RestrictAddressFamilies")
    return {"AF_UNIX",      "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET", "AF_ALG",
            "AF_BLUETOOTH", "AF_CAN",  "AF_VSOCK", "AF_KEY",     "AF_XDP"};
  if (key == "RestrictNamespaces") return {"cgroup", "ipc", "net", "mnt", "pid", "user", "uts"};
  return {};
}

bool can_drill_down(const options::Directive& d) {
  const options::DirectiveInfo* info = options::find_directive(d.key);
  if (!info || !options::is_list_kind(info->kind)) return false;
  bool deny = options::is_deny_list(d.value);
  if (!deny && allow_list_key(d.key)) return true;
  if (d.key == "SystemCallFilter")
    return syscalls_named(d.value).size() > 1;  // a group goes down to its calls
  return options::split_value(*info, d.value).size() > 1;
}

namespace {

// Fills `out` from a fix verified by trial `index` of `oracle`.
void verified(DrillDownResult& out, const ElementOracle& oracle, std::vector<options::Directive> fix,
              int index) {
  out.fix = std::move(fix);
  out.verified_trial = index;
  if (index >= 0) out.exposure = oracle.results.at(static_cast<size_t>(index)).exposure;
  out.relaxed = out.fix.back();
}

// SystemCallFilter= down to single calls (see drill_down.h).
// The calls the culprit keeps from the service, sorted: those a deny list
// names, or those an allow list does not let through.
std::vector<std::string> calls_kept_out(const options::Directive& culprit, bool deny) {
  std::vector<std::string> elements;
  if (deny) {
    const std::set<std::string> named = syscalls_named(culprit.value);
    return {named.begin(), named.end()};
  }
  for (const auto& call : options::expand_syscall_group("@known").value_or(std::vector<std::string>{}))
    if (!options::syscall_filter_allows(culprit.value, call)) elements.push_back(call);
  std::sort(elements.begin(), elements.end());
  elements.erase(std::unique(elements.begin(), elements.end()), elements.end());
  return elements;
}

// The culprit's lines with `calls` let through: a deny list keeps its line
// and re-allows them with a later line; an allow list adds them.
std::vector<options::Directive> syscall_fix(const options::Directive& culprit, bool deny,
                                            const std::vector<std::string>& calls) {
  std::vector<options::Directive> lines{culprit};
  if (calls.empty()) return lines;
  if (deny) {
    lines.push_back(options::Directive{culprit.section, culprit.key, joined(calls)});
  } else {
    lines.back().value += " " + joined(calls);
  }
  return lines;
}

// Over `calls` (sorted): an option applied = that call stays disallowed.
LinesOf syscall_lines(const options::Directive& culprit, bool deny, const std::vector<std::string>& calls) {
  return [culprit, deny, calls](const search::OptionSet& set) {
    std::vector<std::string> through;
    for (size_t i = 0; i < calls.size(); ++i)
      if (!std::binary_search(set.begin(), set.end(), static_cast<int>(i))) through.push_back(calls[i]);
    return syscall_fix(culprit, deny, through);
  };
}

// The service failed without a SIGSYS: the filter returns an errno
// (SystemCallErrorNumber=, "name:EPERM"), and nothing is logged. One
// diagnostic trial without the culprit and with `SystemCallLog=` for the
// calls it keeps out names the calls the service makes among them (systemd
// >= 247; an older one ignores the line and nothing is named).
std::vector<std::string> diagnose_errno_denials(ElementOracle& oracle, const options::Directive& culprit,
                                                const std::vector<std::string>& elements, Status& status) {
  const options::Directive log{culprit.section, "SystemCallLog", joined(elements)};
  const trial::TrialResult& result = oracle.run_lines({log});
  std::vector<std::string> logged = logged_syscalls(result, elements);
  std::vector<std::string> named;
  for (const auto& call : logged) {
    std::vector<std::string> groups = options::groups_containing(call);
    named.push_back(groups.empty() ? call : call + " (" + util::join(groups, " ") + ")");
  }
  status.info(fmt::format(
      "no SIGSYS: the filter returns an errno; a diagnostic trial logging the {} it keeps out "
      "(SystemCallLog=, without the culprit) {}",
      util::counted(elements.size(), "call"),
      logged.empty() ? "named none: every call is searched" : "names " + util::join(named, ", ")));
  return logged;
}

// The fewest of `calls` (sorted) to let through, by the search engine; the
// oracle's trials so far are not the search's.
void search_syscalls(ElementOracle& oracle, const options::Directive& culprit, bool deny,
                     const std::vector<std::string>& calls, search::SearchConfig config, Status& status,
                     DrillDownResult& out) {
  const size_t before = oracle.results.size();
  const LinesOf lines_of = syscall_lines(culprit, deny, calls);
  oracle.set_lines(lines_of);
  config.weights.clear();
  config.keys = calls;
  config.on_trial = drill_progress(oracle, calls, "calls kept out", status);
  config.on_start = drill_started(calls, "calls kept out", status);
  oracle.set_jobs(config.jobs);
  out.search = search::run_search(oracle, static_cast<int>(calls.size()), config);
  out.search.trial_count += static_cast<int>(before);
  out.trials = oracle.results;
  if (out.search.status != search::SearchStatus::Found) return;
  for (int i : out.search.removal) out.changed.push_back(calls[static_cast<size_t>(i)]);
  verified(out, oracle, lines_of(out.search.safe_set), safe_trial_of(out.search));
}

// Found: the oracle's last trial let `through` out and passed, verifying the fix.
void found_by_last(const ElementOracle& oracle, const options::Directive& culprit, bool deny,
                   const std::vector<std::string>& through, const std::string& why, DrillDownResult& out) {
  out.changed = through;
  out.search.status = search::SearchStatus::Found;
  out.search.message = why + joined(through);
  out.search.trial_count = static_cast<int>(oracle.results.size());
  verified(out, oracle, syscall_fix(culprit, deny, through), static_cast<int>(oracle.results.size()) - 1);
  out.trials = oracle.results;
}

std::optional<DrillDownResult> drill_down_syscalls(trial::TrialRunner& runner,
                                                   const std::vector<options::Directive>& base,
                                                   const options::Directive& culprit,
                                                   const search::SearchConfig& config, Status& status) {
  const bool deny = options::is_deny_list(culprit.value);
  DrillDownResult out;
  out.original = culprit;
  out.allow_list = !deny;
  out.reallow = deny;
  const std::vector<std::string> elements = calls_kept_out(culprit, deny);
  if (elements.empty()) return std::nullopt;
  status.info(fmt::format("drill-down into {} ({} it {})", culprit.line(),
                          util::counted(elements.size(), "system call"), deny ? "denies" : "does not allow"));
  ElementOracle oracle(runner, base, syscall_lines(culprit, deny, elements));

  // Start from the call the SIGSYS names; follow the next SIGSYS a few times.
  std::vector<std::string> through;
  const trial::TrialResult* last = &oracle.run_lines(syscall_fix(culprit, deny, through));
  constexpr int kMaxFollowed = 8;
  for (int step = 0; step < kMaxFollowed && last->verdict == trial::Verdict::Fail; ++step) {
    auto call = sigsys_syscall(*last);
    if (!call || !std::binary_search(elements.begin(), elements.end(), *call) ||
        std::find(through.begin(), through.end(), *call) != through.end())
      break;
    through.push_back(*call);
    last = &oracle.run_lines(syscall_fix(culprit, deny, through));
  }
  if (last->verdict == trial::Verdict::Pass && !through.empty()) {
    found_by_last(oracle, culprit, deny, through, "let through what SIGSYS named: ", out);
    return out;
  }
  if (last->verdict == trial::Verdict::Fail && through.empty() && !sigsys_syscall(*last)) {
    // An errno filter: the calls the diagnostic trial logged, all let
    // through, usually pass; then the fewest of them (one: done).
    std::vector<std::string> logged = diagnose_errno_denials(oracle, culprit, elements, status);
    if (logged.size() == 1 &&
        oracle.run_lines(syscall_fix(culprit, deny, logged)).verdict == trial::Verdict::Pass) {
      found_by_last(oracle, culprit, deny, logged, "let through what SystemCallLog= named: ", out);
      return out;
    }
    if (logged.size() > 1) {
      search_syscalls(oracle, culprit, deny, logged, config, status, out);
      if (out.search.status == search::SearchStatus::Found) return out;
      out = DrillDownResult{culprit, {}, !deny, deny};
    }
  }
  // Nothing named the calls: search every one.
  search_syscalls(oracle, culprit, deny, elements, config, status, out);
  return out;
}

}  // namespace

namespace {

// The elements a drill-down searches over, and the culprit's value with an
// option set applied (nullopt: no line at all).
struct ListElements {
  std::vector<std::string> elements;
  std::function<std::optional<std::string>(const search::OptionSet&)> value_of;
};

// An allow list: the candidates it does not allow yet; an option applied =
// that candidate stays disallowed.
ListElements allow_list_elements(const options::Directive& culprit, std::vector<std::string> listed) {
  ListElements out;
  // "RestrictAddressFamilies=none", "RestrictNamespaces=yes": an empty
  // allow list, written so when nothing is added.
  const std::string empty_list = empty_allow_list(culprit);
  if (!empty_list.empty()) listed.clear();
  std::set<std::string> have(listed.begin(), listed.end());
  for (const auto& candidate : allow_list_universe(culprit.key))
    if (!have.count(candidate)) out.elements.push_back(candidate);
  out.value_of = [listed, elements = out.elements,
                  empty_list](const search::OptionSet& set) -> std::optional<std::string> {
    std::vector<std::string> allowed = listed;
    for (size_t i = 0; i < elements.size(); ++i)
      if (!std::binary_search(set.begin(), set.end(), static_cast<int>(i))) allowed.push_back(elements[i]);
    return allowed.empty() && !empty_list.empty() ? empty_list : joined(allowed);
  };
  return out;
}

// A deny list (or a list of paths): its elements; an option applied = that
// element stays in the list.
ListElements listed_elements(std::vector<std::string> listed, bool deny) {
  ListElements out;
  out.elements = std::move(listed);
  out.value_of = [elements = out.elements, deny](const search::OptionSet& set) -> std::optional<std::string> {
    if (set.empty()) return std::nullopt;
    std::vector<std::string> kept;
    for (int i : set) kept.push_back(elements[static_cast<size_t>(i)]);
    return (deny ? "~" : "") + joined(kept);
  };
  return out;
}

}  // namespace

std::optional<DrillDownResult> drill_down(trial::TrialRunner& runner,
                                          const std::vector<options::Directive>& base,
                                          const options::Directive& culprit, search::SearchConfig config,
                                          Status& status) {
  if (!can_drill_down(culprit)) return std::nullopt;
  // The elements of one list never relax each other (one more capability,
  // address family, call or path only allows more): the answer is the
  // hitting set already; the context and explain steps (search.h) would
  // only add a failing trial per element.
  config.context = false;
  config.explain_kept = false;
  if (culprit.key == "SystemCallFilter") return drill_down_syscalls(runner, base, culprit, config, status);
  const options::DirectiveInfo& info = *options::find_directive(culprit.key);
  std::vector<std::string> listed = options::split_value(info, culprit.value);
  bool deny = options::is_deny_list(culprit.value);
  DrillDownResult out;
  out.original = culprit;
  out.allow_list = !deny && allow_list_key(culprit.key);
  const ListElements list = out.allow_list ? allow_list_elements(culprit, std::move(listed))
                                           : listed_elements(std::move(listed), deny);
  if (list.elements.empty()) return std::nullopt;
  config.weights.clear();
  config.keys = list.elements;

  status.info(fmt::format("drill-down into {} ({} {} {})", culprit.line(), list.elements.size(),
                          out.allow_list ? "candidate" : "listed",
                          list.elements.size() == 1 ? "element" : "elements"));
  LinesOf lines_of = [value_of = list.value_of, culprit](const search::OptionSet& set) {
    std::vector<options::Directive> lines;
    if (auto value = value_of(set)) {
      lines.push_back(culprit);
      lines.back().value = *value;
    }
    return lines;
  };
  ElementOracle oracle(runner, base, lines_of);
  config.on_trial = drill_progress(oracle, list.elements, "elements", status);
  config.on_start = drill_started(list.elements, "elements", status);
  oracle.set_jobs(config.jobs);
  out.search = search::run_search(oracle, static_cast<int>(list.elements.size()), config);
  out.trials = oracle.results;
  if (out.search.status != search::SearchStatus::Found) return out;
  for (int i : out.search.removal) out.changed.push_back(list.elements[static_cast<size_t>(i)]);
  out.relaxed = culprit;
  out.relaxed.value = list.value_of(out.search.safe_set).value_or("");
  out.fix = lines_of(out.search.safe_set);
  out.verified_trial = safe_trial_of(out.search);
  if (out.verified_trial >= 0)
    out.exposure = oracle.results.at(static_cast<size_t>(out.verified_trial)).exposure;
  return out;
}

}  // namespace hb::job
