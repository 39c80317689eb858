#pragma once
// JUnit XML for CI test views (GitLab, Jenkins, GitHub test reporters): one
// testcase per cell; FAIL is a <failure> naming the culprits, UNRESOLVED an
// <error>, a skipped cell <skipped/>; the evidence is the element's text.
#include <string>
#include <string_view>

#include "report/report_cell.h"

namespace hb::report {

// The whole document: <testsuites> with one <testsuite name="hardbisect.COMMAND">.
std::string junit_xml(const ReportSet& set);

}  // namespace hb::report
