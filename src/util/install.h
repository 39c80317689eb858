#pragma once
// Where hardbisect's data (image recipes, templates, schemas) is, found from
// the running binary's own location, never from the source tree it was built
// from: an installed binary (PREFIX/bin/hardbisect) reads
// PREFIX/share/hardbisect, a binary in a build tree (build/hardbisect,
// build/tests/...) reads build/share/hardbisect, which the build fills.
#include <optional>
#include <string>

namespace hb::util {

// The running executable (/proc/self/exe), or "" when the kernel cannot say.
std::string executable_path();

// The data folder of an executable at `exe`: the first of
// DIR/../share/hardbisect and DIR/share/hardbisect that exists (DIR is the
// folder of `exe`), or nullopt.
std::optional<std::string> data_dir_of(const std::string& exe);

// data_dir_of(executable_path()).
std::optional<std::string> data_dir();

}  // namespace hb::util
