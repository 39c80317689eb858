#pragma once
// A ContainerRuntime that acts like a systemd container without Podman: it
// reads the staged drop-in at copy time and answers the trial driver's exec
// with framed evidence decided by a rule, recording every call.
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "runtime/container_runtime.h"
#include "trial/driver_script.h"

namespace hb::testing {

struct FakeTrial {
  std::string boot_state = "running";
  int start_rc = 0;
  int workload_rc = 0;
  long workload_ms = 12;
  std::string show = "LoadState=loaded\nActiveState=active\nSubState=running\nResult=success\n"
                     "ExecMainCode=0\nExecMainStatus=0\nNRestarts=0\nMainPID=42";
  std::string journal = "systemd[1]: Started demo.service.";
  std::string main_status = "NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\nCapBnd:\t000001ffffffffff";
  std::string pid1_dropin;
  bool complete = true;
};

class FakeRuntime : public runtime::ContainerRuntime {
 public:
  // Decides what a trial sees from the drop-in text the runner staged.
  std::function<FakeTrial(const std::string& dropin)> rule = [](const std::string&) { return FakeTrial{}; };
  bool fail_create = false;
  bool hang_exec = false;
  std::vector<std::string> calls;
  std::vector<std::string> removed;
  std::vector<std::string> dropins;
  std::map<std::string, std::string> staged_files;  // path in container -> content of the last copy
  runtime::Privilege last_privilege = runtime::Privilege::Minimal;

  runtime::ProcessResult ok(std::string out = {}) {
    runtime::ProcessResult r;
    r.exit_code = 0;
    r.out = std::move(out);
    return r;
  }
  runtime::ProcessResult version() override { return ok("4.3.1\n"); }
  runtime::ProcessResult create(const runtime::ContainerSpec& spec) override {
    calls.push_back("create " + spec.image + " " + runtime::privilege_name(spec.privilege));
    last_privilege = spec.privilege;
    if (fail_create) {
      runtime::ProcessResult r;
      r.exit_code = 125;
      r.err = "Error: image not known";
      return r;
    }
    return ok("fake" + std::to_string(++m_next));
  }
  runtime::ProcessResult copy_in(const std::string& id, const std::string& host_dir) override {
    calls.push_back("cp " + id);
    namespace fs = std::filesystem;
    for (const auto& entry : fs::recursive_directory_iterator(host_dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      std::string path = "/" + fs::relative(entry.path(), host_dir).string();
      staged_files[path] = text.str();
      if (path.find(trial::kDropInName) != std::string::npos) {
        m_dropin[id] = text.str();
        dropins.push_back(text.str());
      }
    }
    return ok();
  }
  runtime::ProcessResult start(const std::string& id) override {
    calls.push_back("start " + id);
    return ok();
  }
  runtime::ProcessResult exec(const std::string& id, const runtime::Argv& argv,
                              std::chrono::milliseconds timeout) override {
    calls.push_back("exec " + id);
    if (hang_exec) {
      runtime::ProcessResult r;
      r.timed_out = true;
      r.elapsed = timeout;
      return r;
    }
    FakeTrial t = rule(m_dropin[id]);
    const std::string& nonce = argv.at(1);
    std::string out;
    auto mark = [&](const std::string& name, const std::string& body) {
      out += "\n@@HB-" + nonce + "@@ " + name + "\n" + body + (body.empty() ? "" : "\n");
    };
    mark("boot_state", t.boot_state);
    mark("boot_ms", "300");
    if (t.boot_state == "running") {
      mark("start_rc", std::to_string(t.start_rc));
      mark("start_ms", "20");
      if (t.start_rc == 0) {
        mark("workload_rc", std::to_string(t.workload_rc));
        mark("workload_ms", std::to_string(t.workload_ms));
        mark("workload_output", "");
      }
      mark("show", t.show);
      mark("journal", t.journal);
      mark("pid1_dropin", t.pid1_dropin);
      if (!t.main_status.empty()) mark("main_status", t.main_status);
      mark("pid1_status", "NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\nCapBnd:\t000001ffffffffff");
    }
    if (t.complete) mark("end", "");
    return ok(out);
  }
  runtime::ProcessResult logs(const std::string& id) override {
    calls.push_back("logs " + id);
    return ok("systemd 252 running in system mode\n");
  }
  runtime::ProcessResult remove(const std::string& id) override {
    calls.push_back("rm " + id);
    removed.push_back(id);
    return ok();
  }
  std::vector<std::string> list(const std::string&) override { return {}; }
  std::optional<runtime::ImageInfo> inspect_image(const std::string&) override { return runtime::ImageInfo{}; }
  runtime::ProcessResult import_image(const std::string&, const std::string&, const std::vector<std::string>&) override {
    return ok();
  }
  runtime::ProcessResult build_image(const std::string&, const std::string&, std::chrono::milliseconds) override {
    return ok();
  }
  runtime::ProcessResult remove_image(const std::string&) override { return ok(); }

 private:
  int m_next = 0;
  std::map<std::string, std::string> m_dropin;
};

}  // namespace hb::testing
