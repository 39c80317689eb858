#pragma once
// The user's own Containerfile (image.containerfile, --containerfile): every
// FROM names the placeholder `hardbisect-base` (or an earlier stage), which
// hardbisect replaces with its base image of the chosen release; no registry
// is reachable, so nothing else can be pulled.
#include <string>
#include <vector>

#include "image/build_context.h"

namespace hb::image {

inline constexpr const char* kBasePlaceholder = "hardbisect-base";

// One instruction: continuation lines joined, comments dropped.
struct Instruction {
  int line = 0;         // 1-based line where it starts
  int last_line = 0;    // where its continuations end
  std::string keyword;  // upper case: FROM, RUN, COPY...
  std::string args;     // the rest, continuations joined with a space
};

std::vector<Instruction> parse_containerfile(const std::string& text);

// Checks the user's Containerfile `text` (read from `file`, for messages as
// FILE:LINE) against its build context and returns the text to build: each
// `FROM hardbisect-base` replaced by `from_image`, line numbers kept.
// UserError (exit 2, with the fix) for a FROM that is not the placeholder or
// an earlier stage, no FROM at all, a COPY/ADD source outside the context or
// missing from it (or left out by its .containerignore), an ENTRYPOINT in the
// final stage (the trial runs /sbin/init), or an `# escape=` directive.
std::string prepare_containerfile(const std::string& text, const std::string& file,
                                  const std::string& from_image, const BuildContext& context);

// The line of the instruction a failing `podman build` names ("building at
// STEP \"RUN make\": ..."), matched on its text; 0 when none matches.
int failing_step_line(const std::string& build_output, const std::vector<Instruction>& instructions);

}  // namespace hb::image
