#pragma once
// JUnit XML for CI test views (GitLab, Jenkins, GitHub test reporters): one
// testcase per cell; FAIL is a <failure> naming the culprits, UNRESOLVED an
// <error>, a skipped cell <skipped/>; the evidence is the element's text.
#include <string>
#include <string_view>

#include "report/report_cell.h"

namespace hb::report {

// Escapes text for XML (also good for HTML): & < > " ' as entities, after
// clean_text(); in an attribute, newlines and tabs as &#10; and &#9; so they
// survive attribute normalization.
std::string xml_escape(std::string_view text, bool attribute = false);

// The whole document: <testsuites> with one <testsuite name="hardbisect.COMMAND">.
std::string junit_xml(const ReportSet& set);

}  // namespace hb::report
