#include "runtime/connection.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/strings.h"

namespace hb::runtime {

std::vector<std::string> split_connections(const std::vector<std::string>& given) {
  std::vector<std::string> names;
  for (const auto& text : given) {
    size_t at = 0;
    while (at <= text.size()) {
      size_t comma = text.find(',', at);
      if (comma == std::string::npos) comma = text.size();
      std::string name(util::trim(std::string_view(text).substr(at, comma - at)));
      if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      at = comma + 1;
    }
  }
  return names;
}

std::vector<ConnectionEntry> parse_connection_list(const std::string& json) {
  std::vector<ConnectionEntry> entries;
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (!parsed.is_array()) return entries;
  for (const auto& item : parsed) {
    if (!item.is_object()) continue;
    std::string name = item.value("Name", "");
    if (!name.empty()) entries.push_back({name, item.value("URI", "")});
  }
  return entries;
}

bool same_kernel(const std::string& uri) { return uri.rfind("unix://", 0) == 0; }

std::optional<PodmanInfo> parse_podman_info(const std::string& json) {
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("host") || !parsed["host"].is_object()) return std::nullopt;
  const auto& host = parsed["host"];
  PodmanInfo info;
  if (host.contains("cpus") && host["cpus"].is_number_integer()) info.cpus = host["cpus"].get<int>();
  if (host.contains("memTotal") && host["memTotal"].is_number_unsigned())
    info.mem_total = host["memTotal"].get<unsigned long long>();
  info.cgroup_version = host.value("cgroupVersion", "");
  if (host.contains("ociRuntime") && host["ociRuntime"].is_object())
    info.oci_runtime = host["ociRuntime"].value("name", "");
  if (host.contains("security") && host["security"].is_object())
    info.rootless = host["security"].value("rootless", false);
  info.kernel = host.value("kernel", "");
  info.hostname = host.value("hostname", "");
  if (parsed.contains("store") && parsed["store"].is_object())
    info.graph_root = parsed["store"].value("graphRoot", "");
  return info;
}

int host_slots(long cores, unsigned long long mem_bytes) {
  constexpr unsigned long long kPerTrial = 256ULL * 1024 * 1024;
  long by_memory = mem_bytes > 0 ? static_cast<long>(mem_bytes / kPerTrial) : cores;
  return static_cast<int>(std::clamp<long>(std::min(cores, by_memory), 1, 8));
}

std::string containers_conf_runtime(const std::string& oci_runtime) {
  return "[engine]\nruntime = \"" + oci_runtime + "\"\n";
}

}  // namespace hb::runtime
