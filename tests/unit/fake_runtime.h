#pragma once
// A ContainerRuntime that acts like a systemd container without Podman: at
// boot it reads the staged drop-in, keeps the directives systemd would
// enforce at the container's privilege (options::find_directive()->requirement
// against ContainerSpec.privilege), lets a rule from the shared vocabulary
// (fake_rules.h) decide the outcome, and writes the driver's framed evidence,
// with the process state the enforcement probes read, sealed with the key it
// reads from the stage's FIFO (or, remote, from the `podman exec` input, as
// the real driver does); it records every call.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>

#include "fake_rules.h"
#include "runtime/container_runtime.h"
#include "trial/driver_script.h"
#include "trial/evidence.h"

namespace hb::testing {

class FakeRuntime : public runtime::ContainerRuntime {
 public:
  // Decides what a trial does (rules:: in fake_rules.h); none matching = it works.
  Rule rule = rules::passes();
  bool fail_create = false;
  bool hang_exec = false;
  std::vector<std::string> calls;
  std::vector<std::string> removed;
  std::vector<std::string> dropins;
  std::map<std::string, std::string> staged_files;  // path in the stage -> content, of the last trial
  std::map<std::string, unsigned> staged_modes;     // path in the stage -> its mode on the host
  // The modes on the host of the last trial's stage folder and of the folder holding it.
  unsigned stage_folder_mode = 0, stage_root_mode = 0;
  options::Privilege last_privilege = options::Privilege::Minimal;
  // The systemd in the container: 0 = one that reads every line of the
  // catalogue; 252 or 257 = ignores what that version ignores (systemd_reads).
  int systemd_version = 0;
  // Container ids are id_prefix + a counter (a pool of fakes needs them apart).
  std::string id_prefix = "fake";
  // Attacks from inside the container: what the workload prints, and a file
  // the service writes to out/evidence before the driver (then the driver's
  // own is never written).
  std::string workload_output;
  std::optional<std::string> evidence_written_by_service;
  // The service makes out/evidence a symlink to this host path instead.
  std::optional<std::string> evidence_symlink_to;
  // The key the driver got, of the last trial ("" when it never got one).
  std::string last_key;

  runtime::ProcessResult ok(std::string out = {}) {
    runtime::ProcessResult r;
    r.exit_code = 0;
    r.out = std::move(out);
    return r;
  }
  runtime::ProcessResult version() override { return ok("4.3.1\n"); }
  runtime::ProcessResult create(const runtime::ContainerSpec& spec) override {
    std::lock_guard lock(m_mutex);  // parallel trials (--jobs) share the fake
    calls.push_back("create " + spec.image + " " + options::privilege_name(spec.privilege));
    last_privilege = spec.privilege;
    if (fail_create) {
      runtime::ProcessResult r;
      r.exit_code = 125;
      r.err = "Error: image not known";
      return r;
    }
    std::string id = id_prefix + std::to_string(++m_next);
    m_privilege[id] = spec.privilege;
    for (const auto& mount : spec.mounts) m_mounts[id][mount.container_path] = mount.host_path;
    return ok(id);
  }
  // A remote host gets the stage by copy instead of bind mounts.
  runtime::ProcessResult copy_in(const std::string& id, const std::string& host_dir) override {
    std::lock_guard lock(m_mutex);  // parallel trials (--jobs) share the fake
    calls.push_back("cp " + id);
    m_mounts[id]["/.hardbisect/stage"] = host_dir + "/.hardbisect/stage";
    m_mounts[id]["/.hardbisect/out"] = host_dir + "/.hardbisect/out";
    return ok();
  }
  // Booting: reads the stage (as the generator would) and, unless the trial
  // hangs, writes the driver's framed evidence to the out folder.
  runtime::ProcessResult start(const std::string& id) override {
    std::lock_guard lock(m_mutex);  // parallel trials (--jobs) share the fake
    calls.push_back("start " + id);
    namespace fs = std::filesystem;
    std::string stage = m_mounts[id]["/.hardbisect/stage"];
    std::string out_dir = m_mounts[id]["/.hardbisect/out"];
    std::string dropin;
    // The stage is FOLDER/tree/.hardbisect/stage, FOLDER in the stage root.
    fs::path folder = fs::path(stage).parent_path().parent_path().parent_path();
    stage_folder_mode = static_cast<unsigned>(fs::status(folder).permissions()) & 07777u;
    stage_root_mode = static_cast<unsigned>(fs::status(folder.parent_path()).permissions()) & 07777u;
    for (const auto& entry : fs::recursive_directory_iterator(stage)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      std::string path = fs::relative(entry.path(), stage).string();
      staged_files[path] = text.str();
      staged_modes[path] = static_cast<unsigned>(entry.status().permissions()) & 07777u;
      if (path.find(trial::kDropInName) != std::string::npos) {
        dropin = text.str();
        dropins.push_back(text.str());
      }
    }
    if (hang_exec) return ok();
    FakeContainer container;
    container.dropin = dropin;
    container.privilege = m_privilege[id];
    auto applied = parse_dropin(dropin);
    if (!applied) {
      runtime::ProcessResult r;
      r.exit_code = 125;
      r.err = "FakeRuntime: cannot read the staged drop-in (see the test failure above)";
      return r;
    }
    container.applied = *applied;
    std::string ignored_journal;
    for (const auto& d : systemd_reads(dropin, container.applied, systemd_version, ignored_journal))
      if (enforced_at(*options::find_directive(d.key), container.privilege)) container.enforced.push_back(d);
    FakeTrial t = rule(container).value_or(FakeTrial{});
    std::vector<options::Directive> in_effect;
    for (const auto& d : container.enforced)
      if (std::find(t.skipped.begin(), t.skipped.end(), d.line()) == t.skipped.end()) in_effect.push_back(d);
    std::map<std::string, std::string> state = process_state(in_effect);
    if (t.main_status) state["main_status"] = *t.main_status;
    std::vector<std::pair<std::string, std::string>> sections;
    auto mark = [&](const std::string& name, const std::string& body) { sections.emplace_back(name, body); };
    mark("boot_state", t.boot_state);
    mark("boot_ms", "300");
    if (t.boot_state == "running") {
      mark("start_rc", std::to_string(t.start_rc));
      mark("start_ms", "20");
      if (t.start_rc == 0) {
        mark("workload_rc", std::to_string(t.workload_rc));
        mark("workload_ms", std::to_string(t.workload_ms));
        mark("workload_output", workload_output);
      }
      mark("show", t.show);
      mark("journal", t.journal);
      mark("pid1_dropin", ignored_journal + t.pid1_dropin);
      if (systemd_version > 0) mark("systemd", "systemd " + std::to_string(systemd_version) + " (fake)");
      if (!t.kernel.empty()) mark("kernel", t.kernel);
      // The driver reads the main process only while there is one.
      if (!state["main_status"].empty())
        for (const char* name : {"main_status", "main_mountinfo", "main_ns", "main_user", "main_limits"})
          mark(name, state[name]);
      mark("pid1_status", state["pid1_status"]);
      mark("pid1_ns", state["pid1_ns"]);
      mark("pid1_mountinfo", state["pid1_mountinfo"]);
    }
    if (t.complete) mark("end", "");
    m_sections[id] = sections;
    // The local driver reads its key from the host's FIFO; a remote one
    // waits for the `podman exec` (exec_with_input).
    if (std::optional<std::string> key = read_key_fifo(stage + "/" + trial::kKeyFifo)) report(id, *key);
    return ok();
  }
  runtime::ProcessResult exec(const std::string& id, const runtime::Argv&,
                              std::chrono::milliseconds) override {
    std::lock_guard lock(m_mutex);
    calls.push_back("exec " + id);
    return ok();
  }
  // The remote wait for the evidence: the key on stdin, then the evidence.
  runtime::ProcessResult exec_with_input(const std::string& id, const runtime::Argv&,
                                         const std::string& input, std::chrono::milliseconds) override {
    std::lock_guard lock(m_mutex);  // parallel trials (--jobs) share the fake
    calls.push_back("exec -i " + id);
    if (m_sections.count(id) && !std::filesystem::exists(m_mounts[id]["/.hardbisect/out"] + "/evidence"))
      report(id, input.substr(0, input.find('\n')));
    std::ifstream in(m_mounts[id]["/.hardbisect/out"] + "/evidence");
    std::stringstream text;
    text << in.rdbuf();
    return ok(text.str());
  }
  runtime::ProcessResult logs(const std::string& id) override {
    std::lock_guard lock(m_mutex);  // parallel trials (--jobs) share the fake
    calls.push_back("logs " + id);
    return ok("systemd 252 running in system mode\n");
  }
  runtime::ProcessResult remove(const std::string& id) override {
    std::lock_guard lock(m_mutex);  // parallel trials (--jobs) share the fake
    calls.push_back("rm " + id);
    removed.push_back(id);
    return ok();
  }
  std::vector<std::string> list(const std::string&) override {
    std::lock_guard lock(m_mutex);
    return {};
  }
  std::optional<runtime::ImageInfo> inspect_image(const std::string&) override {
    return runtime::ImageInfo{};
  }
  runtime::ProcessResult import_image(const std::string&, const std::string&,
                                      const std::vector<std::string>&) override {
    std::lock_guard lock(m_mutex);  // parallel trials (--jobs) share the fake
    return ok();
  }
  runtime::ProcessResult build_image(const std::string&, const std::string&,
                                     std::chrono::milliseconds) override {
    std::lock_guard lock(m_mutex);  // parallel trials (--jobs) share the fake
    return ok();
  }
  // A user's Containerfile build: recorded with the text built (the file is
  // gone after the build); `build_failure` answers instead when set.
  std::vector<std::pair<runtime::BuildSpec, std::string>> containerfile_builds;
  std::optional<runtime::ProcessResult> build_failure;
  runtime::ProcessResult build_containerfile(const runtime::BuildSpec& spec,
                                             std::chrono::milliseconds) override {
    std::lock_guard lock(m_mutex);
    std::ifstream in(spec.containerfile);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    containerfile_builds.emplace_back(spec, text);
    calls.push_back("build " + spec.name);
    return build_failure ? *build_failure : ok();
  }
  runtime::ProcessResult remove_image(const std::string&) override { return ok(); }

 private:
  // The driver's end: its sections sealed with its key, unless the service wrote first.
  void report(const std::string& id, const std::string& key) {
    last_key = key;
    if (evidence_symlink_to) {
      std::filesystem::create_symlink(*evidence_symlink_to, m_mounts[id]["/.hardbisect/out"] + "/evidence");
      return;
    }
    std::ofstream(m_mounts[id]["/.hardbisect/out"] + "/evidence")
        << (evidence_written_by_service ? *evidence_written_by_service
                                        : trial::seal_evidence(m_sections[id], key));
  }
  // What a reader of the FIFO gets: the key line, once.
  static std::optional<std::string> read_key_fifo(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char buffer[256];
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    ::close(fd);
    if (got <= 0) return std::nullopt;
    std::string line(buffer, static_cast<size_t>(got));
    return line.substr(0, line.find('\n'));
  }
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> m_sections;
  int m_next = 0;
  std::recursive_mutex m_mutex;
  std::map<std::string, std::map<std::string, std::string>> m_mounts;
  std::map<std::string, options::Privilege>
      m_privilege;  // id -> the privilege it was created with  // id -> container path -> host path
};

}  // namespace hb::testing
