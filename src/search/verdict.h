#pragma once
// A trial's answer, and its one name table ("pass", "fail", "unresolved"):
// the JSON reports, the terminal (in capitals) and the CI reports all print
// it from here.
#include <string>

#include "util/names.h"
#include "util/strings.h"

namespace hb::search {

enum class Verdict { Pass, Fail, Unresolved };

inline constexpr auto kVerdictNames = std::to_array<util::EnumName<Verdict>>({
    {Verdict::Pass, "pass"},
    {Verdict::Fail, "fail"},
    {Verdict::Unresolved, "unresolved"},
});

inline const char* verdict_name(Verdict verdict) { return util::name_of(kVerdictNames, verdict); }
// "PASS", "FAIL", "UNRESOLVED": as progress lines and reports show it.
inline std::string verdict_upper(Verdict verdict) { return util::upper(verdict_name(verdict)); }

}  // namespace hb::search
