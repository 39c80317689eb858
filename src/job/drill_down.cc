#include "job/drill_down.h"

#include <algorithm>
#include <fmt/format.h>

#include "util/strings.h"
#include <set>

#include "options/catalogue.h"
#include "options/syscall_groups.h"
#include "trial/probes.h"

namespace hb::job {

namespace {

std::string joined(const std::vector<std::string>& words) { return util::join(words, " "); }

// Runs the culprit directive with a value computed from the option set.
class ElementOracle : public search::Oracle {
 public:
  ElementOracle(trial::TrialRunner& runner, std::vector<options::Directive> base, std::function<std::optional<std::string>(
                                                                                const search::OptionSet&)> value_of,
                options::Directive culprit)
      : m_runner(runner), m_base(std::move(base)), m_value_of(std::move(value_of)), m_culprit(std::move(culprit)) {}

  search::Outcome test(const search::OptionSet& set) override {
    std::vector<options::Directive> directives = m_base;
    if (auto value = m_value_of(set)) {
      options::Directive d = m_culprit;
      d.value = *value;
      directives.push_back(d);
    }
    trial::TrialResult result = m_runner.run(directives);
    search::Outcome outcome{result.verdict, result.reason};
    results.push_back(std::move(result));
    return outcome;
  }
  std::vector<trial::TrialResult> results;

 private:
  trial::TrialRunner& m_runner;
  std::vector<options::Directive> m_base;
  std::function<std::optional<std::string>(const search::OptionSet&)> m_value_of;
  options::Directive m_culprit;
};

bool allow_list_key(const std::string& key) {
  return key == "SystemCallFilter" || key == "CapabilityBoundingSet" || key == "AmbientCapabilities" ||
         key == "RestrictAddressFamilies" || key == "RestrictNamespaces";
}

}  // namespace

std::string DrillDownResult::summary() const {
  if (allow_list)
    return fmt::format("{} -> add {}: {}", original.line(), joined(changed), relaxed.line());
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
    for (const char* name :
         {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
          "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
          "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
          "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
          "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
          "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
          "CAP_CHECKPOINT_RESTORE"})
      caps.push_back(name);
    return caps;
  }
  if (key == "RestrictAddressFamilies")
    return {"AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET", "AF_ALG", "AF_BLUETOOTH", "AF_CAN",
            "AF_VSOCK", "AF_KEY", "AF_XDP"};
  if (key == "RestrictNamespaces") return {"cgroup", "ipc", "net", "mnt", "pid", "user", "uts"};
  return {};
}

bool can_drill_down(const options::Directive& d) {
  const options::DirectiveInfo* info = options::find_directive(d.key);
  if (!info || !options::is_list_kind(info->kind)) return false;
  bool deny = options::is_deny_list(d.value);
  if (!deny && allow_list_key(d.key)) return true;
  return options::split_value(*info, d.value).size() > 1;
}

std::optional<DrillDownResult> drill_down(trial::TrialRunner& runner, const std::vector<options::Directive>& base,
                                          const options::Directive& culprit, search::SearchConfig config,
                                          Status& status) {
  if (!can_drill_down(culprit)) return std::nullopt;
  const options::DirectiveInfo& info = *options::find_directive(culprit.key);
  std::vector<std::string> listed = options::split_value(info, culprit.value);
  bool deny = options::is_deny_list(culprit.value);
  DrillDownResult out;
  out.original = culprit;
  out.allow_list = !deny && allow_list_key(culprit.key);

  std::vector<std::string> elements;
  std::function<std::optional<std::string>(const search::OptionSet&)> value_of;
  if (out.allow_list) {
    std::set<std::string> have(listed.begin(), listed.end());
    for (const auto& candidate : allow_list_universe(culprit.key))
      if (!have.count(candidate)) elements.push_back(candidate);
    // An option applied = that candidate stays disallowed.
    value_of = [listed, elements](const search::OptionSet& set) -> std::optional<std::string> {
      std::vector<std::string> allowed = listed;
      for (size_t i = 0; i < elements.size(); ++i)
        if (!std::binary_search(set.begin(), set.end(), static_cast<int>(i))) allowed.push_back(elements[i]);
      return joined(allowed);
    };
    if (culprit.key == "SystemCallFilter") {
      for (const auto& group : elements) {
        auto members = options::expand_syscall_group(group);
        config.weights.push_back(members ? static_cast<double>(std::max<size_t>(1, members->size())) : 1.0);
      }
    }
  } else {
    elements = listed;
    // An option applied = that element stays in the list.
    value_of = [elements, deny](const search::OptionSet& set) -> std::optional<std::string> {
      if (set.empty()) return std::nullopt;
      std::vector<std::string> kept;
      for (int i : set) kept.push_back(elements[static_cast<size_t>(i)]);
      return (deny ? "~" : "") + joined(kept);
    };
  }
  if (elements.empty()) return std::nullopt;
  if (config.weights.size() != elements.size()) config.weights.clear();

  status.info(fmt::format("drill-down into {} ({} {} element(s))", culprit.line(), elements.size(),
                          out.allow_list ? "candidate" : "listed"));
  ElementOracle oracle(runner, base, value_of, culprit);
  config.on_trial = [&](const search::TrialRecord& record) {
    std::string label = record.options.size() <= 3 ? "" : fmt::format("{} element(s)", record.options.size());
    if (label.empty())
      for (int i : record.options) label += (label.empty() ? "" : ", ") + elements[static_cast<size_t>(i)];
    size_t at = static_cast<size_t>(record.index);
    const trial::TrialResult* result = at < oracle.results.size() ? &oracle.results[at] : nullptr;
    status.trial_finished(TrialFinished{{}, record, result, false, label.empty() ? "(none)" : label, true});
  };
  config.jobs = 1;
  out.search = search::run_search(oracle, static_cast<int>(elements.size()), config);
  out.trials = oracle.results;
  if (out.search.status != search::SearchStatus::Found) return out;
  for (int i : out.search.removal) out.changed.push_back(elements[static_cast<size_t>(i)]);
  out.relaxed = culprit;
  out.relaxed.value = value_of(out.search.safe_set).value_or("");
  return out;
}

}  // namespace hb::job
