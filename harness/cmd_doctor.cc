// hardbisect doctor: can this host run trials, and with which flags.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "commands.h"
#include "job/plan.h"
#include "options/catalogue.h"
#include "trial/probes.h"
#include "trial/trial_runner.h"
#include "util/error.h"

namespace hb::cli {

namespace {

// `|` would end a Markdown table cell.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string options_table() {
  std::string text =
      "| directive | section | least privilege (container flags) | probe | note |\n"
      "|---|---|---|---|---|\n";
  for (const auto& row : options::catalogue_table()) {
    std::string note = row.caveat;
    if (row.probe.empty()) note = note.empty() ? "not probed" : "not probed; " + note;
    if (options::not_hardening_reason(row.name))
      note = note.empty() ? "the service's definition: not accepted as an option"
                          : "the service's definition: not accepted as an option; " + note;
    if (row.min_systemd > 252)
      note = fmt::format("systemd {}+{}{}", row.min_systemd, note.empty() ? "" : "; ", note);
    text += fmt::format("| `{}` | {} | {} | {} | {} |\n", row.name, row.section,
                        row.requirement == "none" ? std::string("none") : "`" + row.requirement + "`",
                        row.probe.empty() ? std::string("-") : "`" + row.probe + "`", cell(note));
  }
  return text;
}

// The representative set `--verify` proves on real containers.
const std::vector<options::Directive>& verify_set() {
  static const std::vector<options::Directive> set{
      {"Service", "NoNewPrivileges", "yes"},  {"Service", "SystemCallFilter", "@system-service"},
      {"Service", "ProtectSystem", "strict"}, {"Service", "PrivateTmp", "yes"},
      {"Service", "ProtectHome", "yes"},      {"Service", "PrivateNetwork", "yes"},
      {"Service", "MemoryMax", "50M"},        {"Service", "TasksMax", "20"}};
  return set;
}

const options::Privilege kLevels[] = {options::Privilege::Minimal, options::Privilege::SysAdmin,
                                      options::Privilege::Privileged};

// What the trials saw: enforced[option line][level] is true, false, or
// absent (could not be observed); trouble[level] why a level's trials did not run.
struct Observed {
  std::string image;
  std::map<std::string, std::map<options::Privilege, bool>> enforced;
  std::map<options::Privilege, std::string> trouble;
};

// Runs a sleeping service with the set at each privilege level and probes
// each option. One trial per level; an option alone when the set did not run.
Observed observe_enforcement(Context& context, const std::string& release) {
  image::ImageRequest request;
  request.release = release;
  trial::TrialPlan plan;
  plan.image = context.images().ensure(request);
  plan.service.unit = "hb-doctor-probe.service";
  plan.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  plan.workload.command = "true";
  plan.workload.timeout = std::chrono::seconds(10);
  plan.run_id = job::new_run_id();
  plan.host_kernel_log = false;
  Observed seen;
  seen.image = plan.image;
  for (options::Privilege level : kLevels) {
    plan.privilege = level;
    trial::TrialRunner runner(context.runtime(), plan);
    context.log(
        fmt::format("verify: {} options at {}...", verify_set().size(), options::privilege_name(level)));
    auto observe = [&](const std::vector<options::Directive>& set) {
      trial::TrialResult result = runner.run(set);
      if (result.evidence.section("main_status").empty()) {
        seen.trouble[level] = result.reason.empty() ? "the service did not run" : result.reason;
        return false;
      }
      for (const auto& d : set) seen.enforced[d.line()][level] = !trial::probe_directive(d, result.evidence);
      return true;
    };
    if (!observe(verify_set()))
      for (const auto& d : verify_set()) observe({d});
  }
  return seen;
}

// Compares the least level where each option was enforced with the
// catalogue's, as a Markdown table; exit 1 on a mismatch.
int verify_options(Context& context, const std::string& release) {
  context.require_podman();
  Observed seen = observe_enforcement(context, release);
  std::cout << fmt::format(
      "Verified on {} with a sleeping service (hardbisect doctor --options --verify):\n\n", seen.image);
  std::cout << "| option | minimal | sys-admin | privileged | catalogue | observed |\n"
               "|---|---|---|---|---|---|\n";
  int mismatches = 0;
  for (const auto& d : verify_set()) {
    const options::DirectiveInfo* info = options::find_directive(d.key);
    std::string expected(info ? options::privilege_name(info->requirement) : "?");
    std::string row = fmt::format("| `{}` ", d.line());
    std::optional<options::Privilege> least;
    for (options::Privilege level : kLevels) {
      auto it = seen.enforced[d.line()].find(level);
      if (it == seen.enforced[d.line()].end()) {
        row += "| ? ";
        continue;
      }
      row += it->second ? "| enforced " : "| not enforced ";
      if (it->second && !least) least = level;
    }
    std::string observed = least ? options::privilege_name(*least) : "never";
    bool match = info && least && *least == info->requirement;
    if (!match) ++mismatches;
    std::cout << row << fmt::format("| {} | {}{} |\n", expected, observed, match ? "" : " (MISMATCH)");
  }
  for (const auto& [level, why] : seen.trouble)
    std::cout << fmt::format("\nat {}: {}\n", options::privilege_name(level), why);
  if (mismatches) {
    std::cout << fmt::format("\n{} option(s) are not enforced where the catalogue says\n", mismatches);
    return static_cast<int>(kExitCulprit);
  }
  std::cout << "\nthe catalogue's least privilege holds for every verified option\n";
  return static_cast<int>(kExitOk);
}

// The host report: each check, the container flags, the privilege levels.
int print_host_report(const runtime::DoctorReport& report) {
  for (const auto& check : report.checks) {
    const char* status = check.status == runtime::DoctorCheck::Status::Ok     ? "ok  "
                         : check.status == runtime::DoctorCheck::Status::Warn ? "warn"
                                                                              : "FAIL";
    std::cout << fmt::format("{}  {:<16} {}\n", status, check.what, check.detail);
    if (!check.fix.empty()) std::cout << fmt::format("      {:<16} fix: {}\n", "", check.fix);
  }
  const runtime::HostFlags& flags = report.flags;
  std::string ulimits;
  for (const auto& u : flags.ulimits) ulimits += " --ulimit " + u;
  if (report.connection.empty())
    std::cout << "\ncontainer flags: --runtime " << flags.oci_runtime << ulimits << "\n";
  else
    std::cout << "\ncontainer flags:" << ulimits << " (the OCI runtime is the service's)\n";
  if (!report.containers_conf.empty())
    std::cout << "\nput in /etc/containers/containers.conf on the host of connection " << report.connection
              << ", then restart its Podman service:\n\n"
              << report.containers_conf;
  std::cout << "privilege levels:\n"
            << "  minimal     (no extra flags)             NoNewPrivileges, SystemCallFilter, capabilities,\n"
            << "                                           RestrictAddressFamilies, User=, UMask=...\n"
            << "  sys-admin   --cap-add SYS_ADMIN          + ProtectSystem/Home, Private*, *Paths= (mount "
               "namespaces)\n"
            << "  privileged  --privileged --cgroupns=private  + MemoryMax/TasksMax/IPAddressDeny (cgroup "
               "limits, BPF)\n"
            << "hardbisect picks the least level that enforces a scenario's options.\n";
  std::string host = report.connection.empty() ? "this host" : "connection " + report.connection;
  if (!report.can_run_trials()) {
    std::cout << "\ntrials cannot run on " << host << ": fix the FAIL lines above\n";
    return static_cast<int>(kExitInfra);
  }
  std::cout << "\ntrials can run on " << host << "\n";
  return static_cast<int>(kExitOk);
}

// doctor --connection NAME (each one of a pool): the remote hosts, each
// with its boot test; the image is sent there first when it is built here.
int remote_doctor(Context& context, const std::string& image) {
  runtime::PoolRuntime& pool = *context.pool();
  try {
    if (!image.empty() && context.images().has_image(image)) context.images().send_to_hosts(image);
  } catch (const UserError& e) {  // a host that does not answer: its report says so
    std::cout << "could not send " << image << ": " << e.what() << "\n";
  }
  int code = static_cast<int>(kExitOk);
  for (size_t i = 0; i < pool.size(); ++i) {
    std::string uri = context.connection_uri(pool.name(i));
    std::cout << (i ? "\n" : "") << "== connection " << pool.name(i) << " (" << uri << ")\n";
    int host_code = print_host_report(runtime::run_remote_doctor(context.pool_host(i), uri, image));
    code = std::max(code, host_code);
  }
  return code;
}

}  // namespace

Action setup_doctor(CLI::App& app) {
  auto release = std::make_shared<std::string>("bookworm");
  app.add_option("--boot-test", *release,
                 "Release whose base image the boot test and --verify use (default bookworm)");
  auto skip_boot = std::make_shared<bool>(false);
  app.add_flag("--no-boot-test", *skip_boot, "Only look at the host, do not start a container");
  auto table = std::make_shared<bool>(false);
  app.add_flag("--options", *table,
               "Print the catalogue as a Markdown table: each directive, its section, the least container "
               "privilege that enforces it, its enforcement probe");
  auto verify = std::make_shared<bool>(false);
  app.add_flag("--verify", *verify,
               "With --options: prove a representative set on real containers at each privilege level");
  return [release, skip_boot, table, verify](Context& context) {
    if (*verify && !*table)
      throw UserError("--verify goes with --options", "hardbisect doctor --options --verify");
    if (*table) {
      if (*verify) return verify_options(context, *release);
      std::cout << options_table();
      return static_cast<int>(kExitOk);
    }
    std::string image;
    if (!*skip_boot) image = context.images().base_recipe(*release).name;
    if (context.pool()) return remote_doctor(context, image);
    return print_host_report(
        runtime::run_doctor(context.runtime(), context.facts(), context.host_flags(), image));
  };
}

}  // namespace hb::cli
