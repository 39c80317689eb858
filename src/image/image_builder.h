#pragma once
// Builds the trial images from Debian packages (no registry is reachable):
// a base rootfs per release with mmdebstrap + `podman import`, and derived
// images with `podman build` FROM it adding packages. Images are named by a
// hash of their recipe, so the same recipe is never built twice. A user's
// Containerfile (image/containerfile.h) builds FROM the base (or the
// packages image when packages are asked for too), its hash covering that
// image's recipe, the Containerfile and every file of its build context.
#include <functional>
#include <string>
#include <vector>

#include "runtime/container_runtime.h"
#include "scenario/scenario.h"

namespace hb::image {

struct ImageRequest {
  std::string release = "bookworm";
  std::vector<std::string> packages;  // extra packages (derived image); empty = base
  std::string containerfile;          // the user's Containerfile (a path); empty = none
  std::string context;                // its build context; empty = the Containerfile's folder
};

// The request for the image a scenario describes (not image.name).
ImageRequest request_of(const scenario::ImageSpec& spec);

struct ImageRecipe {
  std::string name;  // localhost/hardbisect-bookworm:0123456789ab
  std::string hash;  // recipe hash (hex)
  std::string release;
  std::string base_name;              // for derived images: the base they build FROM
  std::vector<std::string> packages;  // sorted, unique
  // Containerfile images: the user's file, its context and the text built
  // (every FROM hardbisect-base replaced by base_name).
  std::string containerfile;
  std::string context;
  std::string build_text;
  size_t context_files = 0;
};

const std::vector<std::string>& known_releases();    // bookworm, trixie
int systemd_version_of(const std::string& release);  // 252, 257; 0 when unknown

// A remote Podman host the images must reach (a --connection).
struct ImageHost {
  std::string name;  // the connection's name
  runtime::ContainerRuntime* runtime = nullptr;
};

class ImageBuilder {
 public:
  using Log = std::function<void(const std::string&)>;
  // images_dir holds base/packages.txt; log receives progress lines.
  ImageBuilder(runtime::ContainerRuntime& runtime, runtime::ProcessRunner& runner, std::string images_dir,
               Log log);

  // The recipe (and so the name) of an image; validates the release and
  // package names (UserError with a hint when wrong).
  ImageRecipe recipe(const ImageRequest& request) const;
  ImageRecipe base_recipe(const std::string& release) const;

  // Builds what is missing (base first), returns the image name.
  // `rebuild` forces a new build even when an image with the hash exists.
  // With hosts, the image is built here and sent to each host that lacks
  // an image of that name (the name carries the recipe hash), with
  // `podman save` and `podman --connection H load`; nothing is built here
  // when every host has it already.
  std::string ensure(const ImageRequest& request, bool rebuild = false);
  // The remote hosts the images must reach; none = only this host.
  void set_hosts(std::vector<ImageHost> hosts) { m_hosts = std::move(hosts); }
  // Sends the image `name` (present here) to the hosts that lack it;
  // returns how many it was sent to.
  int send_to_hosts(const std::string& name);
  bool exists(const ImageRecipe& recipe);
  bool has_image(const std::string& name) { return m_runtime.inspect_image(name).has_value(); }

 private:
  void build_base(const ImageRecipe& recipe);
  void build_derived(const ImageRecipe& recipe);
  void build_containerfile(const ImageRecipe& recipe);
  ImageRecipe packages_recipe(const ImageRequest& request) const;
  ImageRecipe containerfile_recipe(const ImageRequest& request, const ImageRecipe& from) const;
  std::vector<std::string> base_packages() const;

  runtime::ContainerRuntime& m_runtime;
  runtime::ProcessRunner& m_runner;
  std::string m_images_dir;
  Log m_log;
  std::vector<ImageHost> m_hosts;
};

// Where images/ lives: $HARDBISECT_IMAGES_DIR, else the source tree's images/.
std::string default_images_dir();

}  // namespace hb::image
