// hardbisect doctor: can this host run trials, and with which flags.
#include <fmt/format.h>
#include <iostream>

#include "commands.h"
#include "util/error.h"

namespace hb::cli {

Action setup_doctor(CLI::App& app) {
  auto release = std::make_shared<std::string>("bookworm");
  app.add_option("--boot-test", *release, "Boot this release's base image, if built (default bookworm)");
  auto skip_boot = std::make_shared<bool>(false);
  app.add_flag("--no-boot-test", *skip_boot, "Only look at the host, do not start a container");
  return [release, skip_boot](Context& context) {
    std::string image;
    if (!*skip_boot) image = context.images().base_recipe(*release).name;
    runtime::DoctorReport report =
        runtime::run_doctor(context.runtime(), context.facts(), context.host_flags(), image);
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
    std::cout << "\ncontainer flags: --runtime " << flags.oci_runtime << ulimits << "\n";
    std::cout << "privilege levels:\n"
              << "  minimal     (no extra flags)             NoNewPrivileges, SystemCallFilter, capabilities,\n"
              << "                                           RestrictAddressFamilies, User=, UMask=...\n"
              << "  sys-admin   --cap-add SYS_ADMIN          + ProtectSystem/Home, Private*, *Paths= (mount namespaces)\n"
              << "  privileged  --privileged --cgroupns=private  + MemoryMax/TasksMax/IPAddressDeny (cgroup limits, BPF)\n"
              << "hardbisect picks the least level that enforces a scenario's options.\n";
    if (!report.can_run_trials()) {
      std::cout << "\ntrials cannot run on this host: fix the FAIL lines above\n";
      return static_cast<int>(kExitInfra);
    }
    std::cout << "\ntrials can run on this host\n";
    return static_cast<int>(kExitOk);
  };
}

}  // namespace hb::cli
