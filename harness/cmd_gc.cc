// hardbisect gc: remove what runs that ended left behind (by label and owner).
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "runtime/owner.h"
#include "runtime/reaper.h"

namespace hb::cli {

Action setup_gc(CLI::App& app) {
  auto images = std::make_shared<bool>(false);
  auto run_id = std::make_shared<std::string>();
  auto all = std::make_shared<bool>(false);
  app.add_flag("--images", *images, "Also remove the images hardbisect built");
  app.add_flag("--all", *all, "Remove every hardbisect container, also those of runs still going");
  app.add_option("--run", *run_id, "Only the containers of this run id");
  return [images, run_id, all](Context& context) {
    context.require_podman(false);
    auto what = *all ? runtime::Garbage::All : runtime::Garbage::Orphans;
    auto removed = runtime::collect_garbage(context.runtime(), what, *run_id);
    std::cout << "removed " << removed.size() << " container(s)" << (*all ? "" : " of runs that ended")
              << "\n";
    int folders = 0;
    for (const auto& dir : runtime::stage_sweep_folders())
      folders += runtime::remove_stage_folders(dir, false);
    std::cout << "removed " << folders << " stage folder(s) of runs that ended\n";
    if (*images) {
      runtime::Argv argv{context.host_flags().podman, "images", "-q", "--filter",
                         std::string("label=") + runtime::kLabel + "=1"};
      auto listed = context.runner().run(argv, std::chrono::seconds(60));
      int count = 0;
      std::istringstream ids(listed.out);
      for (std::string id; std::getline(ids, id);)
        if (!id.empty() && context.runtime().remove_image(id).ok()) ++count;
      std::cout << "removed " << count << " image(s)\n";
    }
    return 0;
  };
}

}  // namespace hb::cli
