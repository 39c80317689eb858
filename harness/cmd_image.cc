// hardbisect image build|list: the trial images, built from Debian packages.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "scenario/validate.h"
#include "util/error.h"

namespace hb::cli {

namespace {
std::vector<std::string> split_packages(const std::vector<std::string>& values) {
  std::vector<std::string> packages;
  for (const auto& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string name = value.substr(start, comma - start);
      if (!name.empty()) packages.push_back(name);
      start = comma + 1;
    }
  }
  return packages;
}
}  // namespace

Action setup_image(CLI::App& app) {
  app.require_subcommand(1);
  CLI::App* build = app.add_subcommand("build", "Build the base image of each RELEASE (and derived images)");
  auto releases = std::make_shared<std::vector<std::string>>();
  auto packages = std::make_shared<std::vector<std::string>>();
  auto rebuild = std::make_shared<bool>(false);
  auto containerfile = std::make_shared<std::string>();
  build->add_option("release", *releases, "Debian releases: bookworm (systemd 252), trixie (systemd 257)")
      ->required();
  build->add_option("--packages", *packages, "Extra Debian packages, comma-separated (a derived image)");
  build->add_option("--containerfile", *containerfile,
                    "Your Containerfile (FROM hardbisect-base), built on the base (and packages) of each "
                    "release; its folder is the build context");
  build->add_flag("--rebuild", *rebuild, "Build again even when an image with the same recipe exists");
  CLI::App* list = app.add_subcommand("list", "List the images hardbisect built, with their recipes");

  return [=](Context& context) {
    context.require_podman();
    if (build->parsed()) {
      for (const auto& release : *releases) {
        image::ImageRequest request;
        request.release = release;
        request.packages = split_packages(*packages);
        if (!containerfile->empty())
          request.containerfile = scenario::check_containerfile_path(*containerfile, "--containerfile");
        image::ImageRecipe recipe = context.images().recipe(request);
        bool had = context.images().exists(recipe);
        std::string name = context.images().ensure(request, *rebuild);
        std::cout << name << (had && !*rebuild ? "  (cached: same recipe)" : "  (built)") << "\n";
        std::cout.flush();
      }
      return 0;
    }
    (void)list;
    runtime::Argv argv{context.host_flags().podman,
                       "images",
                       "--filter",
                       std::string("label=") + runtime::kLabel + "=1",
                       "--format",
                       "{{.Repository}}:{{.Tag}}\t{{.Size}}\t{{.Created}}"};
    auto listed = context.runner().run(argv, std::chrono::seconds(60));
    if (!listed.ok())
      throw InfraError("podman images failed: " + listed.summary(), "run `hardbisect doctor`");
    std::cout << listed.out;
    return 0;
  };
}

}  // namespace hb::cli
