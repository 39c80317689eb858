#include "runtime/pool_runtime.h"

#include <fmt/format.h>

#include <algorithm>

#include "runtime/reaper.h"
#include "util/strings.h"

namespace hb::runtime {

namespace {
ProcessResult succeeded() {
  ProcessResult result;
  result.exit_code = 0;
  return result;
}
}  // namespace

PoolRuntime::PoolRuntime(std::vector<PoolHost> hosts, Report report) : m_report(std::move(report)) {
  for (auto& host : hosts) m_hosts.push_back(Host{std::move(host)});
}

PoolRuntime::~PoolRuntime() { Reaper::instance().forget(this); }

void PoolRuntime::configure(size_t host, int slots, bool same_kernel) {
  std::lock_guard lock(m_mutex);
  m_hosts.at(host).host.slots = std::max(1, slots);
  m_hosts.at(host).host.same_kernel = same_kernel;
}

int PoolRuntime::capacity() const {
  std::lock_guard lock(m_mutex);
  int total = 0;
  for (const auto& host : m_hosts)
    if (!host.lost) total += host.host.slots;
  return std::max(1, total);
}

std::vector<int> PoolRuntime::created_counts() const {
  std::lock_guard lock(m_mutex);
  std::vector<int> counts;
  for (const auto& host : m_hosts) counts.push_back(host.created);
  return counts;
}

bool PoolRuntime::lost(size_t host) const {
  std::lock_guard lock(m_mutex);
  return m_hosts.at(host).lost;
}

bool PoolRuntime::same_kernel() const {
  return std::all_of(m_hosts.begin(), m_hosts.end(), [](const Host& h) { return h.host.same_kernel; });
}

std::vector<size_t> PoolRuntime::live() const {
  std::lock_guard lock(m_mutex);
  std::vector<size_t> hosts;
  for (size_t i = 0; i < m_hosts.size(); ++i)
    if (!m_hosts[i].lost) hosts.push_back(i);
  return hosts;
}

ProcessResult PoolRuntime::version() {
  ProcessResult first;
  for (size_t i = 0; i < m_hosts.size(); ++i) {
    ProcessResult result = m_hosts[i].host.runtime->version();
    if (!result.ok()) {
      result.err = "connection " + m_hosts[i].host.name + ": " + result.err;
      return result;
    }
    if (i == 0) first = result;
  }
  return first;
}

int PoolRuntime::reserve() {
  std::lock_guard lock(m_mutex);
  int best = -1;
  for (size_t i = 0; i < m_hosts.size(); ++i) {
    const Host& h = m_hosts[i];
    if (h.lost) continue;
    if (best < 0) {
      best = static_cast<int>(i);
      continue;
    }
    const Host& b = m_hosts[static_cast<size_t>(best)];
    // Load for its share: in_flight / slots, compared without division;
    // ties go to the host given fewer containers so far.
    long lhs = static_cast<long>(h.in_flight) * b.host.slots;
    long rhs = static_cast<long>(b.in_flight) * h.host.slots;
    if (lhs < rhs || (lhs == rhs && h.created * b.host.slots < b.created * h.host.slots))
      best = static_cast<int>(i);
  }
  if (best >= 0) {
    ++m_hosts[static_cast<size_t>(best)].in_flight;
    ++m_hosts[static_cast<size_t>(best)].created;
  }
  return best;
}

int PoolRuntime::where(const std::string& id) {
  std::lock_guard lock(m_mutex);
  auto it = m_where.find(id);
  return it == m_where.end() ? -1 : it->second;
}

void PoolRuntime::check(int host, const ProcessResult& failed) {
  if (host < 0 || failed.ok()) return;
  Host& h = m_hosts[static_cast<size_t>(host)];
  {
    std::lock_guard lock(m_mutex);
    if (h.lost) return;
  }
  ProcessResult alive = h.host.runtime->version();
  if (alive.ok()) return;
  std::vector<std::string> others;
  {
    std::lock_guard lock(m_mutex);
    if (h.lost) return;
    h.lost = true;
    for (const auto& other : m_hosts)
      if (!other.lost) others.push_back(other.host.name);
  }
  m_report(fmt::format("connection {} was lost ({}): {}", h.host.name, alive.summary(),
                       others.empty() ? std::string("no host is left for the trials")
                                      : "its trials go to " + util::join(others, ", ")));
}

ProcessResult PoolRuntime::create(const ContainerSpec& spec) {
  for (;;) {
    int host = reserve();
    if (host < 0) {
      ProcessResult none = unsupported("create");
      none.err = "no Podman host of the pool answers";
      return none;
    }
    ProcessResult created = m_hosts[static_cast<size_t>(host)].host.runtime->create(spec);
    if (created.ok()) {
      std::lock_guard lock(m_mutex);
      m_where[created.out] = host;
      m_counted.insert(created.out);
      return created;
    }
    {
      std::lock_guard lock(m_mutex);
      --m_hosts[static_cast<size_t>(host)].in_flight;
    }
    check(host, created);
    if (!lost(static_cast<size_t>(host))) return created;  // the host answers: a real failure
  }
}

ProcessResult PoolRuntime::on_host(const std::string& id,
                                   const std::function<ProcessResult(ContainerRuntime&)>& call) {
  int host = where(id);
  if (host < 0) return unsupported("a container this pool did not create: " + id);
  ProcessResult result = call(*m_hosts[static_cast<size_t>(host)].host.runtime);
  check(host, result);
  return result;
}

ProcessResult PoolRuntime::copy_in(const std::string& id, const std::string& host_dir) {
  return on_host(id, [&](ContainerRuntime& r) { return r.copy_in(id, host_dir); });
}

ProcessResult PoolRuntime::start(const std::string& id) {
  return on_host(id, [&](ContainerRuntime& r) { return r.start(id); });
}

ProcessResult PoolRuntime::start_tagged(const std::string& id, std::uint32_t audit_uid, bool& tagged) {
  return on_host(id, [&](ContainerRuntime& r) { return r.start_tagged(id, audit_uid, tagged); });
}

ProcessResult PoolRuntime::exec(const std::string& id, const Argv& argv, std::chrono::milliseconds timeout) {
  return on_host(id, [&](ContainerRuntime& r) { return r.exec(id, argv, timeout); });
}

ProcessResult PoolRuntime::exec_with_input(const std::string& id, const Argv& argv, const std::string& input,
                                           std::chrono::milliseconds timeout) {
  return on_host(id, [&](ContainerRuntime& r) { return r.exec_with_input(id, argv, input, timeout); });
}

ProcessResult PoolRuntime::logs(const std::string& id) {
  return on_host(id, [&](ContainerRuntime& r) { return r.logs(id); });
}

ProcessResult PoolRuntime::remove(const std::string& id) {
  int host = where(id);
  if (host < 0) return succeeded();  // removed already (safe to call twice)
  ProcessResult removed = m_hosts[static_cast<size_t>(host)].host.runtime->remove(id);
  check(host, removed);
  std::lock_guard lock(m_mutex);
  if (m_counted.erase(id) > 0) --m_hosts[static_cast<size_t>(host)].in_flight;
  // Left on a lost host, it stays known: `gc` removes it once the host answers again.
  if (removed.ok() || !m_hosts[static_cast<size_t>(host)].lost) m_where.erase(id);
  return removed;
}

std::vector<std::string> PoolRuntime::list(const std::string& label_filter) {
  std::vector<std::string> ids;
  for (const auto& [id, owner] : list_owners(label_filter)) ids.push_back(id);
  return ids;
}

std::vector<std::pair<std::string, std::string>> PoolRuntime::list_owners(const std::string& label_filter) {
  std::vector<std::pair<std::string, std::string>> all;
  for (size_t i : live()) {
    auto listed = m_hosts[i].host.runtime->list_owners(label_filter);
    std::lock_guard lock(m_mutex);
    for (auto& entry : listed) {
      // Found, not created here: routed to its host, counted in no host's load.
      m_where.emplace(entry.first, static_cast<int>(i));
      all.push_back(std::move(entry));
    }
  }
  return all;
}

std::optional<ImageInfo> PoolRuntime::inspect_image(const std::string& name) {
  std::optional<ImageInfo> first;
  for (size_t i : live()) {
    std::optional<ImageInfo> info = m_hosts[i].host.runtime->inspect_image(name);
    if (!info) return std::nullopt;
    if (!first) first = std::move(info);
  }
  return first;
}

ProcessResult PoolRuntime::import_image(const std::string& tarball, const std::string& name,
                                        const std::vector<std::string>&) {
  return unsupported("import " + tarball + " " + name + " (images are built here and loaded on each host)");
}

ProcessResult PoolRuntime::build_image(const std::string& context_dir, const std::string& name,
                                       std::chrono::milliseconds) {
  return unsupported("build " + context_dir + " " + name +
                     " (images are built here and loaded on each host)");
}

ProcessResult PoolRuntime::build_containerfile(const BuildSpec& spec, std::chrono::milliseconds) {
  return unsupported("build " + spec.containerfile + " " + spec.name +
                     " (images are built here and loaded on each host)");
}

ProcessResult PoolRuntime::remove_image(const std::string& name) {
  ProcessResult last = succeeded();
  for (size_t i : live())
    if (ProcessResult r = m_hosts[i].host.runtime->remove_image(name); !r.ok()) last = r;
  return last;
}

ProcessResult PoolRuntime::load_image(const std::string& tarball) {
  ProcessResult last = succeeded();
  for (size_t i : live())
    if (ProcessResult r = m_hosts[i].host.runtime->load_image(tarball); !r.ok()) last = r;
  return last;
}

bool PoolRuntime::host_lost(const std::string& id) {
  int host = where(id);
  std::lock_guard lock(m_mutex);
  if (host < 0 || !m_hosts[static_cast<size_t>(host)].lost) return false;
  return std::any_of(m_hosts.begin(), m_hosts.end(), [](const Host& h) { return !h.lost; });
}

}  // namespace hb::runtime
