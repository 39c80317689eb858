#pragma once
// Machine-readable reports (--json FILE).
#include <nlohmann/json.hpp>
#include <string>

#include "report/report_cell.h"
#include "report/trial_grid.h"
#include "trial/trial_result.h"

namespace hb::report {

// The version of the JSON contract (docs/json.md, src/report/schemas/):
// every report carries it as "schema_version"; it goes up by one on each
// breaking change (a key renamed, removed or retyped, a word of a
// vocabulary changed). New optional keys do not change it.
inline constexpr int kSchemaVersion = 1;

// A verdict read from a JSON report hardbisect wrote before (a matrix
// shard's cells and trial grids, for `report merge` and --previous): its
// name, in any case; UserError naming `where` for any other value.
search::Verdict verdict_from_json(const nlohmann::json& value, const std::string& where);

// What a report knows of a trial besides its result: its place in the
// search (number from 1, phase, run of the same set, cache mark), the
// scenario's names of the options it applied, and the verdict the search
// read from it.
struct TrialMeta {
  int number = 1;
  std::string phase;
  std::vector<std::string> options;
  search::Verdict verdict = search::Verdict::Unresolved;
  int run = 1;
  bool cached = false;
  bool unasked = false;
};

// One trial, in the one shape every report uses (docs/json.md, "trial"):
// number, phase, options, applied, verdict, cause, reason, explanation,
// exposure, elapsed_ms, run, cached, unasked, notes, findings; with
// `with_evidence`, its evidence too (journal, output, kernel lines...).
nlohmann::json trial_to_json(const TrialMeta& meta, const trial::TrialResult& result,
                             bool with_evidence = false);

// A trial's evidence: boot state, timings, properties, workload output,
// journal, kernel lines, exposure rows, exit codes, container logs.
nlohmann::json evidence_to_json(const trial::TrialResult& result);

// The --evidence file of any command: the envelope, "kind": "evidence",
// and per cell its name and its trials, each with its evidence.
std::string evidence_report(const ReportSet& set);

// The JSON `findings` array: line, ignored, whole_line, why, corrected,
// advice, systemd (version), messages.
nlohmann::json findings_to_json(const std::vector<trial::Finding>& findings);

// The inverse of findings_to_json (a merged matrix report reads its shards);
// entries it cannot read are skipped.
std::vector<trial::Finding> findings_from_json(const nlohmann::json& json);

// The HTML pictures of a search, so a merged matrix report draws them too:
// the grid (options, culprits, removed, trials) and the exposure bars.
nlohmann::json grid_to_json(const TrialGrid& grid);
// nullopt when absent or unreadable (the page is drawn without it).
// A verdict it cannot read is a UserError naming `where`.
std::optional<TrialGrid> grid_from_json(const nlohmann::json& json, const std::string& where);
nlohmann::json bars_to_json(const std::vector<ExposureBar>& bars);
std::vector<ExposureBar> bars_from_json(const nlohmann::json& json);

// Envelope common to every report: schema_version, tool, version, command.
nlohmann::json report_envelope(const std::string& command);

}  // namespace hb::report
