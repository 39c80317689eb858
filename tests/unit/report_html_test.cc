#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "report/html.h"

namespace hb::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

ReportSet sample() {
  ReportCell pass;
  pass.name = "api";
  pass.verdict = "pass";
  pass.exposure_before = 9.6;
  pass.exposure_after = 4.2;
  pass.trials = 10;
  pass.seconds = 14.5;
  pass.evidence = "trial log:\n[  1] baseline PASS";
  ReportCell fail;
  fail.name = "<script>alert(1)</script>";
  fail.image = "localhost/hardbisect-bookworm:36e0";
  fail.options_label = "seed-004.conf (15 options)";
  fail.verdict = "FAIL";
  fail.reason = "the full set: \"Read-only\" & more";
  fail.culprits = {{"ProtectSystem=strict"}, {"CapabilityBoundingSet=", "RestrictAddressFamilies=AF_UNIX"}};
  fail.safe = {"[Service]", "NoNewPrivileges=yes"};
  fail.evidence = "journal:\n  <img src=x onerror=alert(2)>\n";
  fail.regression = true;
  fail.trials = 12;
  fail.seconds = 20;
  ReportCell unresolved;
  unresolved.name = "odd";
  unresolved.verdict = "unresolved";
  unresolved.reason = "the container did not boot";
  return {"hardbisect matrix: nightly", "matrix", {pass, fail, unresolved}};
}

TEST(ReportHtml, SelfContainedDocument) {
  std::string html = html_page(sample());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("<title>hardbisect matrix: nightly</title>"));
  EXPECT_THAT(html, HasSubstr("</html>\n"));
  // No external assets and no scripts.
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
}

TEST(ReportHtml, OneColouredRowPerCell) {
  std::string html = html_page(sample());
  EXPECT_EQ(occurrences(html, "<tr class=\"pass\">"), 1);
  EXPECT_EQ(occurrences(html, "<tr class=\"fail\">"), 1);
  EXPECT_EQ(occurrences(html, "<tr class=\"unresolved\">"), 1);
  EXPECT_EQ(occurrences(html, "<td class=\"verdict\">"), 3);
  // Each cell's evidence in a full-width row under it, open where it did not pass.
  EXPECT_EQ(occurrences(html, "<tr class=\"evidence-row\"><td colspan=\"6\"><details>"), 1);
  EXPECT_EQ(occurrences(html, "<tr class=\"evidence-row\"><td colspan=\"6\"><details open>"), 2);
  EXPECT_EQ(occurrences(html, "</details></td></tr>"), 3);
  // The colours: green PASS, red FAIL, amber UNRESOLVED.
  EXPECT_THAT(html, HasSubstr(std::string("--pass: ") + kHtmlPassColour));
  EXPECT_THAT(html, HasSubstr(std::string("--fail: ") + kHtmlFailColour));
  EXPECT_THAT(html, HasSubstr(std::string("--unresolved: ") + kHtmlUnresolvedColour));
  EXPECT_THAT(html, HasSubstr("tr.pass td.verdict { background: var(--pass); }"));
  EXPECT_THAT(html, HasSubstr("tr.fail td.verdict { background: var(--fail); }"));
  EXPECT_THAT(html, HasSubstr("tr.unresolved td.verdict { background: var(--unresolved); }"));
  EXPECT_THAT(html, HasSubstr("<td class=\"verdict\">FAIL<span class=\"regression\">regression</span></td>"));
  EXPECT_THAT(html,
              HasSubstr("<span class=\"chip pass\">1 pass</span> <span class=\"chip fail\">1 fail</span> "
                        "<span class=\"chip unresolved\">1 unresolved</span>"));
}

TEST(ReportHtml, CulpritsExposureAndEvidence) {
  std::string html = html_page(sample());
  EXPECT_THAT(html,
              HasSubstr("<ul class=\"culprits\"><li><code>ProtectSystem=strict</code></li><li>"
                        "<code>CapabilityBoundingSet=</code> + <code>RestrictAddressFamilies=AF_UNIX</code>"
                        "</li></ul>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">9.6 → 4.2</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">n/a → n/a</td>"));
  EXPECT_THAT(html, HasSubstr("<pre class=\"safe\">[Service]\nNoNewPrivileges=yes\n</pre>"));
  EXPECT_THAT(html, HasSubstr("<pre class=\"evidence\">trial log:\n[  1] baseline PASS</pre>"));
  EXPECT_THAT(html,
              HasSubstr("seed-004.conf (15 options) · <code>localhost/hardbisect-bookworm:36e0</code>"));
}

TEST(ReportHtml, BigReportsKeepTheEvidenceFolded) {
  ReportSet set = sample();
  for (int i = 0; i < 4; ++i) set.cells.push_back(set.cells[1]);
  std::string html = html_page(set);
  EXPECT_EQ(occurrences(html, "<details open>"), 0);
  EXPECT_EQ(occurrences(html, "<details>"), 7);
}

TEST(ReportHtml, EverythingIsEscaped) {
  std::string html = html_page(sample());
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(2)&gt;"));
  EXPECT_THAT(html, HasSubstr("the full set: &quot;Read-only&quot; &amp; more"));
  // Every '<' opens a tag of the page's own vocabulary.
  std::regex tag("<(/?)([a-zA-Z!][a-zA-Z0-9]*)");
  const std::set<std::string> allowed{"!DOCTYPE", "html",    "head",   "meta",  "title", "style", "body",
                                      "h1",       "p",       "span",   "table", "thead", "tbody", "tr",
                                      "th",       "td",      "strong", "div",   "code",  "ul",    "li",
                                      "details",  "summary", "pre",    "footer"};
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator(); ++it)
    EXPECT_TRUE(allowed.count((*it)[2].str())) << (*it)[0].str();
}

}  // namespace
}  // namespace hb::report
