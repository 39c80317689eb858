#pragma once
// Reads a scenario YAML file (schema version 1, see scenarios/README.md) into
// the model, validating everything a trial would otherwise trip over later:
// unknown keys ("did you mean"), types, required keys, directive names against
// the options catalogue, files the scenario points to. Every error is a
// UserError whose message starts with "file:line:col: " (1-based).
#include <string>

#include "scenario/scenario.h"

namespace hb::scenario {

// Loads a scenario file. Relative paths inside it (service.files[].source,
// template) are resolved against the file's directory.
Scenario load_scenario_file(const std::string& path);

// Loads scenario text; `filename` is used in messages and to resolve relative
// paths (its directory; the current directory when it has none).
Scenario load_scenario_string(const std::string& yaml, const std::string& filename);

}  // namespace hb::scenario
