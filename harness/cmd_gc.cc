// hardbisect gc: remove leftovers by label.
#include <iostream>

#include "commands.h"
#include "runtime/reaper.h"

namespace hb::cli {

Action setup_gc(CLI::App& app) {
  auto images = std::make_shared<bool>(false);
  auto run_id = std::make_shared<std::string>();
  app.add_flag("--images", *images, "Also remove the images hardbisect built");
  app.add_option("--run", *run_id, "Only the containers of this run id");
  return [images, run_id](Context& context) {
    context.require_podman();
    auto removed = runtime::collect_garbage(context.runtime(), *run_id);
    std::cout << "removed " << removed.size() << " container(s)\n";
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
