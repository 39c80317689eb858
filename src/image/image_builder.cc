#include "image/image_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>

#include "image/build_context.h"
#include "image/containerfile.h"
#include "util/edit_distance.h"
#include "util/error.h"
#include "util/files.h"
#include "util/hash.h"
#include "util/install.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace hb::image {

namespace {
// Bump when the way images are built changes, so old images are not reused.
constexpr int kRecipeVersion = 1;

std::string tail(const std::string& text, size_t max_lines) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::string out;
  for (size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size(); ++i)
    out += "  " + lines[i] + "\n";
  return out;
}

std::string read_containerfile(const std::string& path) {
  return util::read_text_file(
      path, "Containerfile", "image.containerfile",
      "image.containerfile (or --containerfile) names the file with your build steps");
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hardbisect-image-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw InfraError("cannot create a temporary directory");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};
}  // namespace

const std::vector<std::string>& known_releases() {
  static const std::vector<std::string> releases{"bookworm", "trixie"};
  return releases;
}

int systemd_version_of(const std::string& release) {
  if (release == "bookworm") return 252;
  if (release == "trixie") return 257;
  return 0;
}

std::string default_images_dir() {
  if (const char* dir = std::getenv("HARDBISECT_IMAGES_DIR")) return dir;
  auto data = util::data_dir();
  return data ? *data + "/images" : std::string();
}

ImageBuilder::ImageBuilder(runtime::ContainerRuntime& runtime, runtime::ProcessRunner& runner,
                           std::string images_dir, Log log)
    : m_runtime(runtime), m_runner(runner), m_images_dir(std::move(images_dir)), m_log(std::move(log)) {}

std::vector<std::string> ImageBuilder::base_packages() const {
  std::ifstream in(m_images_dir + "/base/packages.txt");
  if (m_images_dir.empty())
    throw UserError(
        "cannot find hardbisect's data folder (share/hardbisect) beside " + util::executable_path(),
        "install hardbisect (cmake --install, or its .deb), or set HARDBISECT_IMAGES_DIR to an "
        "images/ folder holding base/packages.txt");
  if (!in)
    throw UserError("cannot read the base image recipe " + m_images_dir + "/base/packages.txt",
                    "reinstall hardbisect, or set HARDBISECT_IMAGES_DIR to an images/ folder holding "
                    "base/packages.txt");
  std::vector<std::string> packages;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    line.erase(std::remove_if(line.begin(), line.end(), ::isspace), line.end());
    if (!line.empty()) packages.push_back(line);
  }
  return packages;
}

ImageRecipe ImageBuilder::base_recipe(const std::string& release) const {
  if (systemd_version_of(release) == 0) {
    std::string suggestion = util::did_you_mean(release, known_releases());
    throw UserError("unknown Debian release '" + release + "'",
                    suggestion.empty()
                        ? "known releases: bookworm, trixie"
                        : "did you mean '" + suggestion + "'? known releases: bookworm, trixie");
  }
  ImageRecipe recipe;
  recipe.release = release;
  recipe.packages = base_packages();
  std::string text = fmt::format("v{}\nbase\n{}\n", kRecipeVersion, release);
  for (const auto& p : recipe.packages) text += p + "\n";
  recipe.hash = util::stable_hash(text);
  recipe.name = fmt::format("localhost/hardbisect-{}:{}", release, recipe.hash.substr(0, 12));
  return recipe;
}

ImageRequest request_of(const scenario::ImageSpec& spec) {
  ImageRequest request;
  request.release = spec.base;
  request.packages = spec.packages;
  request.containerfile = spec.containerfile;
  request.context = spec.context;
  return request;
}

ImageRecipe ImageBuilder::recipe(const ImageRequest& request) const {
  ImageRecipe from = packages_recipe(request);
  return request.containerfile.empty() ? from : containerfile_recipe(request, from);
}

ImageRecipe ImageBuilder::packages_recipe(const ImageRequest& request) const {
  ImageRecipe base = base_recipe(request.release);
  if (request.packages.empty()) return base;
  static const std::regex valid_package("[a-z0-9][a-z0-9+.-]+");
  std::set<std::string> unique;
  for (const auto& package : request.packages) {
    if (!std::regex_match(package, valid_package))
      throw UserError("'" + package + "' is not a Debian package name",
                      "package names are lower case, e.g. nginx-light,curl");
    unique.insert(package);
  }
  ImageRecipe recipe;
  recipe.release = request.release;
  recipe.base_name = base.name;
  recipe.packages.assign(unique.begin(), unique.end());
  std::string text = fmt::format("v{}\nderived\n{}\n", kRecipeVersion, base.hash);
  for (const auto& p : recipe.packages) text += p + "\n";
  recipe.hash = util::stable_hash(text);
  recipe.name = fmt::format("localhost/hardbisect-{}-pkgs:{}", request.release, recipe.hash.substr(0, 12));
  return recipe;
}

bool ImageBuilder::exists(const ImageRecipe& recipe) {
  return m_runtime.inspect_image(recipe.name).has_value();
}

std::string ImageBuilder::ensure(const ImageRequest& request, bool rebuild) {
  // Every recipe first: a wrong Containerfile fails before anything builds.
  ImageRecipe base = base_recipe(request.release);
  ImageRecipe packaged = packages_recipe(request);  // the base itself without packages
  bool own = !request.containerfile.empty();
  ImageRecipe wanted = own ? containerfile_recipe(request, packaged) : packaged;
  auto on_every_host = [&] {
    return std::all_of(m_hosts.begin(), m_hosts.end(), [&](const ImageHost& host) {
      return host.runtime->inspect_image(wanted.name).has_value();
    });
  };
  if (!m_hosts.empty() && !rebuild && on_every_host()) return wanted.name;
  // `rebuild` builds the wanted image again, not what it stands on.
  if (!exists(base) || (rebuild && wanted.name == base.name)) build_base(base);
  if (packaged.name != base.name && (!exists(packaged) || (rebuild && wanted.name == packaged.name)))
    build_derived(packaged);
  if (own && (rebuild || !exists(wanted)))
    build_containerfile(wanted);
  else if (own)
    m_log(fmt::format("image {}: the same Containerfile and build context ({} files) as when it was built",
                      wanted.name, wanted.context_files));
  if (!m_hosts.empty()) send_to_hosts(wanted.name);
  return wanted.name;
}

ImageRecipe ImageBuilder::containerfile_recipe(const ImageRequest& request, const ImageRecipe& from) const {
  ImageRecipe recipe;
  recipe.release = request.release;
  recipe.packages = from.base_name.empty() ? std::vector<std::string>{} : from.packages;
  recipe.base_name = from.name;
  recipe.containerfile = fs::absolute(request.containerfile).lexically_normal().string();
  fs::path folder = fs::path(recipe.containerfile).parent_path();
  recipe.context =
      request.context.empty() ? folder.string() : fs::absolute(request.context).lexically_normal().string();
  std::string text = read_containerfile(recipe.containerfile);
  BuildContext context = read_build_context(recipe.context, "the build context of " + recipe.containerfile);
  recipe.build_text = prepare_containerfile(text, recipe.containerfile, from.name, context);
  recipe.context_files = context.entries.size();
  recipe.hash = util::stable_hash(fmt::format("v{}\ncontainerfile\n{}\n{}\n{}\n", kRecipeVersion, from.hash,
                                              util::stable_hash(text), context.hash));
  std::string slug;
  for (char c : folder.filename().string()) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isalnum(static_cast<unsigned char>(c)) || ((c == '-' || c == '.' || c == '_') && !slug.empty()))
      slug += c;
  }
  recipe.name = fmt::format("localhost/hardbisect-{}-cf-{}:{}", request.release, slug.empty() ? "user" : slug,
                            recipe.hash.substr(0, 12));
  recipe.build_text += fmt::format(
      "# Added by hardbisect: the trial containers boot systemd as root.\n"
      "USER root\n"
      "CMD [\"/sbin/init\"]\n"
      "LABEL io.hardbisect.recipe={} io.hardbisect.containerfile=\"{}\"\n",
      recipe.hash, fs::path(recipe.containerfile).filename().string());
  return recipe;
}

int ImageBuilder::send_to_hosts(const std::string& name) {
  std::unique_ptr<TempDir> temp;
  int sent = 0;
  for (const auto& host : m_hosts) {
    if (host.runtime->inspect_image(name)) continue;
    std::string tarball;
    if (!temp) {
      temp = std::make_unique<TempDir>();
      tarball = (temp->path / "image.tar").string();
      runtime::ProcessResult saved = m_runtime.save_image(name, tarball);
      if (!saved.ok())
        throw InfraError("podman save " + name + " failed: " + saved.summary(), "run `hardbisect doctor`");
    }
    tarball = (temp->path / "image.tar").string();
    m_log(fmt::format("sending image {} to connection {} (podman save | podman --connection {} load)...",
                      name, host.name, host.name));
    runtime::ProcessResult loaded = host.runtime->load_image(tarball);
    if (!loaded.ok() || !host.runtime->inspect_image(name))
      throw InfraError("cannot load image " + name + " on connection " + host.name + ": " + loaded.summary(),
                       "check the host with `hardbisect --connection " + host.name + " doctor`");
    ++sent;
  }
  return sent;
}

void ImageBuilder::build_base(const ImageRecipe& recipe) {
  m_log(fmt::format("building base image {} (Debian {}, systemd {}) with mmdebstrap...", recipe.name,
                    recipe.release, systemd_version_of(recipe.release)));
  TempDir temp;
  std::string tarball = (temp.path / "rootfs.tar").string();
  std::string include = util::join(recipe.packages, ",");
  runtime::Argv argv{"mmdebstrap",
                     "--variant=minbase",
                     "--include=" + include,
                     "--dpkgopt=path-exclude=/usr/share/man/*",
                     "--dpkgopt=path-exclude=/usr/share/doc/*",
                     "--aptopt=Acquire::Retries \"3\"",
                     recipe.release,
                     tarball};
  if (const char* mirror = std::getenv("HARDBISECT_MIRROR")) argv.push_back(mirror);
  runtime::ProcessResult built = m_runner.run(argv, std::chrono::minutes(20));
  if (built.not_found)
    throw InfraError("mmdebstrap is not installed; it builds the base image from Debian packages",
                     "apt-get install mmdebstrap (or run ci/setup)");
  if (!built.ok())
    throw InfraError(
        "mmdebstrap failed for " + recipe.release + " (" + built.summary() + "):\n" + tail(built.err, 15),
        "mmdebstrap needs root and access to the Debian mirror (set HARDBISECT_MIRROR to use another)");
  std::vector<std::string> changes{
      "CMD [\"/sbin/init\"]",
      "LABEL io.hardbisect=1",
      "LABEL io.hardbisect.recipe=" + recipe.hash,
      "LABEL io.hardbisect.release=" + recipe.release,
      fmt::format("LABEL io.hardbisect.systemd={}", systemd_version_of(recipe.release)),
  };
  runtime::ProcessResult imported = m_runtime.import_image(tarball, recipe.name, changes);
  if (!imported.ok())
    throw InfraError("podman import failed: " + imported.summary(), "run `hardbisect doctor`");
  m_log("built " + recipe.name);
}

void ImageBuilder::build_derived(const ImageRecipe& recipe) {
  std::string list = util::join(recipe.packages, " ");
  m_log(fmt::format("building image {} FROM {} adding {}...", recipe.name, recipe.base_name, list));
  TempDir temp;
  {
    std::ofstream containerfile(temp.path / "Containerfile");
    containerfile << "# Generated by hardbisect: the base image plus Debian packages.\n"
                  << "FROM " << recipe.base_name << "\n"
                  << "RUN apt-get update \\\n"
                  << " && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends " << list
                  << " \\\n"
                  << " && apt-get clean && rm -rf /var/lib/apt/lists/*\n"
                  << "LABEL io.hardbisect.recipe=" << recipe.hash << "\n"
                  << "LABEL io.hardbisect.packages=\"" << list << "\"\n"
                  << "CMD [\"/sbin/init\"]\n";
  }
  runtime::ProcessResult built =
      m_runtime.build_image(temp.path.string(), recipe.name, std::chrono::minutes(20));
  if (!built.ok()) {
    std::string output = built.out + built.err;
    bool unknown_package = output.find("Unable to locate package") != std::string::npos;
    if (unknown_package)
      throw UserError(
          "a package of image " + recipe.name + " is not in Debian " + recipe.release + ":\n" +
              tail(output, 5),
          "check the names with `apt-cache policy NAME` on a Debian " + recipe.release + " machine");
    throw InfraError(
        "podman build of " + recipe.name + " failed (" + built.summary() + "):\n" + tail(output, 15),
        "apt inside the build needs the Debian mirror; see the output above");
  }
  m_log("built " + recipe.name);
}

namespace {
bool mirror_unreachable(const std::string& output) {
  for (const char* sign : {"Temporary failure resolving", "Could not resolve", "Failed to fetch",
                           "Unable to connect to", "Network is unreachable"})
    if (output.find(sign) != std::string::npos) return true;
  return false;
}
}  // namespace

void ImageBuilder::build_containerfile(const ImageRecipe& recipe) {
  m_log(fmt::format("building image {} FROM {} with the steps of {} (context {}, {} files)...", recipe.name,
                    recipe.base_name, recipe.containerfile, recipe.context, recipe.context_files));
  TempDir temp;
  std::string file = (temp.path / "Containerfile").string();
  util::write_file_atomically(file, recipe.build_text);
  runtime::ProcessResult built = m_runtime.build_containerfile(
      runtime::BuildSpec{file, recipe.context, recipe.name}, std::chrono::minutes(30));
  if (built.ok()) {
    m_log("built " + recipe.name);
    return;
  }
  std::string output = built.out + built.err;
  if (built.not_found || built.timed_out || built.signal != 0)
    throw InfraError(
        "podman build of " + recipe.name + " did not finish (" + built.summary() + "):\n" + tail(output, 15),
        "run `hardbisect doctor`; nothing was kept (layer caching is off for these builds)");
  if (mirror_unreachable(output))
    throw InfraError(
        "the build of " + recipe.containerfile + " could not reach a package mirror:\n" + tail(output, 10),
        "apt inside the build needs the Debian mirror; check the network and run again");
  if (output.find("building at STEP") == std::string::npos)
    throw InfraError(
        "podman build of " + recipe.name + " failed (" + built.summary() + "):\n" + tail(output, 15),
        "run `hardbisect doctor`");
  int line = failing_step_line(output, parse_containerfile(read_containerfile(recipe.containerfile)));
  std::string where = recipe.containerfile + (line > 0 ? ":" + std::to_string(line) : "");
  throw UserError(
      fmt::format("{}: a step of your Containerfile failed ({}); the last lines of the build:\n{}", where,
                  built.summary(), tail(output, 12)),
      "fix the step and run again; nothing was left behind (no image, no build container)");
}

}  // namespace hb::image
