#include "runtime/podman_runtime.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/owner.h"
#include "runtime/reaper.h"

namespace hb::runtime {

namespace {
constexpr std::chrono::seconds kShortCall{60};
}

Argv PodmanRuntime::podman(std::initializer_list<std::string> args) const {
  Argv argv{m_flags.podman};
  if (!m_flags.connection.empty()) {
    argv.push_back("--connection");
    argv.push_back(m_flags.connection);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

PodmanRuntime::~PodmanRuntime() { Reaper::instance().forget(this); }

ProcessResult PodmanRuntime::version() {
  return m_runner.run(podman({"version", "--format", "{{.Client.Version}}"}), kShortCall);
}

Argv PodmanRuntime::create_argv(const ContainerSpec& spec) const {
  Argv argv = podman({"create", "--systemd=always"});
  // A remote client has no --runtime (Podman 4.3): the service's own
  // runtime is used there (`podman --runtime runc system service`, or
  // [engine] runtime in the host's containers.conf; the doctor checks it).
  if (m_flags.connection.empty()) argv.insert(argv.end(), {"--runtime", m_flags.oci_runtime});
  argv.insert(argv.end(), {"--network", "none", "--label", std::string(kLabel) + "=1", "--label",
                           std::string(kOwnerLabel) + "=" + current_owner()});
  for (const auto& [key, value] : spec.labels) {
    argv.push_back("--label");
    argv.push_back(key + "=" + value);
  }
  for (const auto& ulimit : m_flags.ulimits) {
    argv.push_back("--ulimit");
    argv.push_back(ulimit);
  }
  switch (spec.privilege) {
    case Privilege::Minimal:
      break;
    case Privilege::SysAdmin:
      // NET_ADMIN too: PrivateNetwork= brings up the service's loopback.
      argv.insert(argv.end(), {"--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN"});
      break;
    case Privilege::Privileged:
      argv.insert(argv.end(), {"--privileged", "--cgroupns=private"});
      break;
  }
  for (const auto& mount : spec.mounts) {
    argv.push_back("--volume");
    argv.push_back(mount.host_path + ":" + mount.container_path + (mount.read_only ? ":ro" : ":rw"));
  }
  argv.push_back(spec.image);
  argv.insert(argv.end(), spec.command.begin(), spec.command.end());
  return argv;
}

ProcessResult PodmanRuntime::create(const ContainerSpec& spec) {
  // Tracked from the moment podman is asked, so an interrupt that comes
  // while podman creates still removes the container.
  Reaper& reaper = Reaper::instance();
  if (!reaper.begin_create()) {
    ProcessResult refused;
    refused.exit_code = 125;
    refused.err = "interrupted: no new containers";
    return refused;
  }
  ProcessResult result = m_runner.run(create_argv(spec), kShortCall);
  while (!result.out.empty() && (result.out.back() == '\n' || result.out.back() == ' '))
    result.out.pop_back();
  reaper.end_create(this, result.ok() ? result.out : std::string());
  return result;
}

ProcessResult PodmanRuntime::copy_in(const std::string& id, const std::string& host_dir) {
  return m_runner.run(podman({"cp", host_dir + "/.", id + ":/"}), kShortCall);
}

ProcessResult PodmanRuntime::start(const std::string& id) {
  return m_runner.run(podman({"start", id}), kShortCall);
}

ProcessResult PodmanRuntime::start_tagged(const std::string& id, std::uint32_t audit_uid, bool& tagged) {
  tagged = m_flags.connection.empty() && login_uid_settable();
  if (!tagged) return start(id);
  return m_runner.run(podman({"start", id}), kShortCall, SpawnOptions{audit_uid});
}

ProcessResult PodmanRuntime::exec(const std::string& id, const Argv& argv,
                                  std::chrono::milliseconds timeout) {
  Argv full = podman({"exec", id});
  full.insert(full.end(), argv.begin(), argv.end());
  return m_runner.run(full, timeout);
}

ProcessResult PodmanRuntime::exec_with_input(const std::string& id, const Argv& argv,
                                             const std::string& input, std::chrono::milliseconds timeout) {
  Argv full = podman({"exec", "-i", id});
  full.insert(full.end(), argv.begin(), argv.end());
  SpawnOptions options;
  options.input = input;
  return m_runner.run(full, timeout, options);
}

ProcessResult PodmanRuntime::logs(const std::string& id) {
  return m_runner.run(podman({"logs", id}), kShortCall);
}

ProcessResult PodmanRuntime::remove(const std::string& id) {
  // -t 0: systemd as PID 1 ignores SIGTERM from outside; don't wait for it.
  return m_runner.run(podman({"rm", "-f", "-t", "0", id}), kShortCall);
}

std::vector<std::string> PodmanRuntime::list(const std::string& label_filter) {
  ProcessResult result =
      m_runner.run(podman({"ps", "-a", "-q", "--no-trunc", "--filter", "label=" + label_filter}), kShortCall);
  std::vector<std::string> ids;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) ids.push_back(line);
  return ids;
}

std::vector<std::pair<std::string, std::string>> PodmanRuntime::list_owners(const std::string& label_filter) {
  std::string format = std::string("{{.ID}} {{index .Labels \"") + kOwnerLabel + "\"}}";
  ProcessResult result = m_runner.run(
      podman({"ps", "-a", "--no-trunc", "--filter", "label=" + label_filter, "--format", format}),
      kShortCall);
  std::vector<std::pair<std::string, std::string>> listed;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    size_t space = line.find(' ');
    std::string id = line.substr(0, space);
    std::string owner = space == std::string::npos ? "" : line.substr(space + 1);
    if (owner == "<no value>") owner.clear();
    if (!id.empty()) listed.emplace_back(id, owner);
  }
  return listed;
}

std::optional<ImageInfo> PodmanRuntime::inspect_image(const std::string& name) {
  ProcessResult result = m_runner.run(podman({"image", "inspect", "--format", "json", name}), kShortCall);
  if (!result.ok()) return std::nullopt;
  ImageInfo info;
  auto parsed = nlohmann::json::parse(result.out, nullptr, false);
  if (parsed.is_array() && !parsed.empty()) {
    const auto& image = parsed.front();
    info.id = image.value("Id", "");
    if (image.contains("Labels") && image["Labels"].is_object())
      for (const auto& [key, value] : image["Labels"].items())
        if (value.is_string()) info.labels[key] = value.get<std::string>();
  } else if (!parsed.is_discarded() && parsed.is_object()) {
    info.id = parsed.value("Id", "");
  }
  return info;
}

ProcessResult PodmanRuntime::import_image(const std::string& tarball, const std::string& name,
                                          const std::vector<std::string>& changes) {
  Argv argv = podman({"import"});
  for (const auto& change : changes) {
    argv.push_back("--change");
    argv.push_back(change);
  }
  argv.push_back(tarball);
  argv.push_back(name);
  return m_runner.run(argv, std::chrono::minutes(10));
}

ProcessResult PodmanRuntime::build_image(const std::string& context_dir, const std::string& name,
                                         std::chrono::milliseconds timeout) {
  Argv argv = podman({"build"});
  if (m_flags.connection.empty()) argv.insert(argv.end(), {"--runtime", m_flags.oci_runtime});
  for (const auto& ulimit : m_flags.ulimits) {
    argv.push_back("--ulimit");
    argv.push_back(ulimit);
  }
  argv.insert(argv.end(), {"--label", std::string(kLabel) + "=1", "-t", name, context_dir});
  return m_runner.run(argv, timeout);
}

ProcessResult PodmanRuntime::build_containerfile(const BuildSpec& spec, std::chrono::milliseconds timeout) {
  Argv argv = podman({"build", "--runtime", m_flags.oci_runtime, "--layers=false", "--force-rm"});
  for (const auto& ulimit : m_flags.ulimits) {
    argv.push_back("--ulimit");
    argv.push_back(ulimit);
  }
  argv.insert(argv.end(), {"--label", std::string(kLabel) + "=1", "-f", spec.containerfile, "-t", spec.name,
                           spec.context_dir});
  return m_runner.run(argv, timeout);
}

ProcessResult PodmanRuntime::remove_image(const std::string& name) {
  return m_runner.run(podman({"rmi", "-f", name}), kShortCall);
}

ProcessResult PodmanRuntime::save_image(const std::string& name, const std::string& tarball) {
  return m_runner.run(podman({"save", "-o", tarball, name}), std::chrono::minutes(10));
}

ProcessResult PodmanRuntime::load_image(const std::string& tarball) {
  // A remote client uploads the file to its service.
  return m_runner.run(podman({"load", "-i", tarball}), std::chrono::minutes(20));
}

ProcessResult PodmanRuntime::info() { return m_runner.run(podman({"info", "--format", "json"}), kShortCall); }

}  // namespace hb::runtime
