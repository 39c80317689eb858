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
  pass.verdict = search::Verdict::Pass;
  pass.exposure_before = 9.6;
  pass.exposure_after = 4.2;
  pass.trials = 10;
  pass.seconds = 14.5;
  pass.evidence = "trial log:\n[  1] baseline PASS";
  ReportCell fail;
  fail.name = "<script>alert(1)</script>";
  fail.image = "localhost/hardbisect-bookworm:36e0";
  fail.options_label = "seed-004.conf (15 options)";
  fail.verdict = search::Verdict::Fail;
  fail.reason = "the full set: \"Read-only\" & more";
  fail.culprits = {{"ProtectSystem=strict"}, {"CapabilityBoundingSet=", "RestrictAddressFamilies=AF_UNIX"}};
  fail.safe = {"[Service]", "NoNewPrivileges=yes"};
  fail.evidence = "journal:\n  <img src=x onerror=alert(2)>\n";
  fail.regression = true;
  fail.trials = 12;
  fail.seconds = 20;
  ReportCell unresolved;
  unresolved.name = "odd";
  unresolved.verdict = search::Verdict::Unresolved;
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

namespace hb::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Three options, one with every character HTML must escape; four trials.
TrialGrid sample_grid() {
  TrialGrid grid;
  grid.options = {"NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/srv/<a> & \"b\" 'c'"};
  grid.trials = {
      {1, "baseline", search::Verdict::Pass, {}, "", 1.5, 9.6, false},
      {2, "full", search::Verdict::Fail, {0, 1, 2}, "exit 1: <Read-only> & \"denied\"", 2.0, 4.1, false},
      {3, "search", search::Verdict::Unresolved, {1}, "the container did not boot", 3.0, std::nullopt, true},
      {4, "safe", search::Verdict::Pass, {0, 2}, "", 1.0, 5.0, false}};
  grid.culprits = {1};
  grid.removed = {1};
  return grid;
}

TEST(ReportTrialGrid, OneRowPerTrialOneCellPerOption) {
  std::string html = trial_grid_html(sample_grid(), "cell-1");
  EXPECT_EQ(count_of(html, "<tr class="), 4);
  EXPECT_EQ(count_of(html, "<td class=\"cell "), 12);
  EXPECT_EQ(count_of(html, "<th class=\"opt"), 3);
  // Applied cells take the trial's verdict colour; the others are pale.
  EXPECT_EQ(count_of(html, "<td class=\"cell on pass"), 2);
  EXPECT_EQ(count_of(html, "<td class=\"cell on fail"), 3);
  EXPECT_EQ(count_of(html, "<td class=\"cell on unresolved"), 1);
  EXPECT_EQ(count_of(html, "<td class=\"cell off "), 6);
  // The culprit (and removed) column is marked in its header and each cell.
  EXPECT_EQ(count_of(html, "<th class=\"opt culprit removed\""), 1);
  EXPECT_EQ(count_of(html, " culprit removed\""), 5);
  EXPECT_THAT(html,
              HasSubstr("<td class=\"cell on fail culprit removed\" title=\"ProtectSystem=strict in trial "
                        "2: FAIL\"></td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"cell off pass culprit removed\"></td>"));
  // Rows in order with their phase and a link to the trial's details.
  EXPECT_THAT(html, HasSubstr("<tr class=\"pass\"><th class=\"trial-no\"><a href=\"#cell-1-t1\" "
                              "title=\"trial details\">1</a></th><td class=\"phase\">baseline</td>"));
  EXPECT_LT(html.find("#cell-1-t1"), html.find("#cell-1-t2"));
  EXPECT_LT(html.find("#cell-1-t3"), html.find("#cell-1-t4"));
  EXPECT_THAT(html, HasSubstr("<span class=\"mark unresolved\">UNRESOLVED</span> <span class=\"cached\">"));
  // The legend names every colour shown.
  EXPECT_THAT(html, HasSubstr("applied, trial failed"));
  EXPECT_THAT(html, HasSubstr("culprit option"));
  EXPECT_THAT(html, HasSubstr("removed from the safe template"));
  EXPECT_THAT(html, HasSubstr("<h3>The search: 4 trials × 3 options</h3>"));
}

TEST(ReportTrialGrid, TextIsEscapedAndLongHeadersShortened) {
  TrialGrid grid = sample_grid();
  grid.options.push_back("SystemCallFilter=@system-service ~@privileged ~@resources");
  std::string html = trial_grid_html(grid, "x\"y") + trial_table_html(grid, "x\"y");
  EXPECT_THAT(html, HasSubstr("title=\"ReadWritePaths=/srv/&lt;a&gt; &amp; &quot;b&quot; &#39;c&#39;\">"
                              "<span>ReadWritePaths=/srv/&lt;a&gt; &amp; …</span>"));
  EXPECT_THAT(html, HasSubstr("title=\"SystemCallFilter=@system-service ~@privileged ~@resources\">"
                              "<span>SystemCallFilter=@system-s…</span>"));
  EXPECT_THAT(html, HasSubstr("title=\"exit 1: &lt;Read-only&gt; &amp; &quot;denied&quot;\""));
  EXPECT_THAT(html, HasSubstr("<td>exit 1: &lt;Read-only&gt; &amp; &quot;denied&quot;</td>"));
  EXPECT_THAT(html, HasSubstr("href=\"#x&quot;y-t2\""));
  EXPECT_THAT(html, Not(HasSubstr("<a>")));
  EXPECT_THAT(html, Not(HasSubstr("\"b\"")));
  EXPECT_THAT(html, Not(HasSubstr("<Read")));
}

TEST(ReportTrialGrid, TrialTableHoldsTheAnchors) {
  std::string html = trial_table_html(sample_grid(), "cell-2");
  for (int n = 1; n <= 4; ++n) EXPECT_EQ(count_of(html, "<tr id=\"cell-2-t" + std::to_string(n) + "\">"), 1);
  EXPECT_THAT(html,
              HasSubstr("<tr id=\"cell-2-t3\"><td class=\"num\">3</td><td>search</td><td class=\"num\">1"
                        "</td><td><span class=\"mark unresolved\">UNRESOLVED</span></td>"
                        "<td class=\"num\">3.00 s (cached)</td><td class=\"num\">n/a</td>"));
}

TEST(ReportTrialGrid, ExposureLevelsAreSystemds) {
  EXPECT_EQ(exposure_level(0.0), "PERFECT");
  EXPECT_EQ(exposure_level(0.5), "SAFE");
  EXPECT_EQ(exposure_level(2.9), "OK");
  EXPECT_EQ(exposure_level(5.0), "MEDIUM");
  EXPECT_EQ(exposure_level(7.5), "EXPOSED");
  EXPECT_EQ(exposure_level(9.6), "UNSAFE");
  EXPECT_EQ(exposure_level(10.0), "DANGEROUS");
}

TEST(ReportTrialGrid, ExposureBarsOnTheBands) {
  std::string html =
      exposure_bars_html({{"baseline", 9.6}, {"full <template>", 4.2}, {"safe", std::nullopt}});
  EXPECT_THAT(html, HasSubstr("<svg class=\"exposure-bars\""));
  EXPECT_EQ(count_of(html, "<rect class=\"band "), 4);
  EXPECT_EQ(count_of(html, "<rect class=\"bar "), 2);
  // 105 px of labels, then 44 px per point.
  EXPECT_THAT(html, HasSubstr("<rect class=\"bar unsafe\" x=\"105\" y=\"27\" width=\"422.4\""));
  EXPECT_THAT(html, HasSubstr("<rect class=\"bar ok\" x=\"105\" y=\"57\" width=\"184.8\""));
  EXPECT_THAT(html, HasSubstr(">9.6 UNSAFE</text>"));
  EXPECT_THAT(html, HasSubstr(">4.2 OK</text>"));
  EXPECT_THAT(html, HasSubstr(">full &lt;template&gt;</text>"));
  EXPECT_THAT(html, HasSubstr(">n/a</text>"));
  for (const char* band : {">OK<", ">MEDIUM<", ">EXPOSED<", ">UNSAFE<"}) EXPECT_THAT(html, HasSubstr(band));
}

TEST(ReportTrialGrid, MatrixOverviewOneSquarePerCell) {
  std::vector<OverviewCell> cells;
  const search::Verdict verdicts[] = {search::Verdict::Pass, search::Verdict::Fail,
                                      search::Verdict::Unresolved};
  int n = 0;
  for (const char* scenario : {"a<b>", "nginx", "redis"})
    for (const char* group : {"scenario", "seed-004"})
      for (const char* base : {"bookworm", "trixie"}) {
        if (std::string(scenario) == "redis" && std::string(base) == "trixie") continue;  // excluded
        OverviewCell cell{scenario,
                          group,
                          base,
                          verdicts[n % 3],
                          n == 4,
                          n % 3 == 1 ? 2 : 0,
                          "cell-" + std::to_string(n + 1),
                          std::string(scenario) + " & co"};
        cells.push_back(cell);
        ++n;
      }
  std::string html = matrix_overview_html(cells);
  EXPECT_EQ(count_of(html, "<a class=\"square "), 10);
  EXPECT_EQ(count_of(html, "<span class=\"square none\">"), 2);
  EXPECT_EQ(count_of(html, "<th class=\"scenario\""), 3);
  EXPECT_EQ(count_of(html, "<th class=\"group\" colspan=\"2\""), 2);
  EXPECT_EQ(count_of(html, "<th class=\"base"), 4);
  for (int i = 1; i <= 10; ++i) EXPECT_EQ(count_of(html, "href=\"#cell-" + std::to_string(i) + "\""), 1);
  EXPECT_THAT(html,
              HasSubstr("<a class=\"square pass\" href=\"#cell-1\" title=\"a&lt;b&gt; &amp; co\">✓</a>"));
  EXPECT_THAT(html,
              HasSubstr("<a class=\"square fail\" href=\"#cell-2\" title=\"a&lt;b&gt; &amp; co\">2</a>"));
  EXPECT_THAT(html, HasSubstr("<a class=\"square unresolved\" href=\"#cell-3\""));
  EXPECT_THAT(html, HasSubstr("<a class=\"square fail regression\" href=\"#cell-5\""));
  EXPECT_THAT(html, HasSubstr("<th class=\"scenario\" title=\"a&lt;b&gt;\">a&lt;b&gt;</th>"));
  // Rows in order of first appearance: a<b>, nginx, redis.
  EXPECT_LT(html.find(">nginx</th>"), html.find(">redis</th>"));
}

TEST(ReportHtml, MatrixPageOpensWithTheOverview) {
  ReportSet set = sample();
  for (auto& cell : set.cells) cell.place = ReportCell::Place{cell.name, "seed-004", "bookworm"};
  std::string html = html_page(set);
  EXPECT_EQ(count_of(html, "<a class=\"square "), 3);
  EXPECT_LT(html.find("<table class=\"matrix-grid\">"), html.find("<thead><tr><th>Cell</th>"));
  for (int i = 1; i <= 3; ++i) {
    std::string anchor = "cell-" + std::to_string(i);
    EXPECT_EQ(count_of(html, "href=\"#" + anchor + "\""), 1);
    EXPECT_EQ(count_of(html, "<td id=\"" + anchor + "\">"), 1);
  }
  EXPECT_THAT(html, HasSubstr("title=\"&lt;script&gt;alert(1)&lt;/script&gt; · seed-004 · bookworm: "
                              "REGRESSION, culprits {ProtectSystem=strict} {CapabilityBoundingSet=, "
                              "RestrictAddressFamilies=AF_UNIX}\""));
  // Without places (check, bisect) there is no overview.
  EXPECT_THAT(html_page(sample()), Not(HasSubstr("matrix-grid\">")));
}

TEST(ReportHtml, SmallReportsShowTheSearchPictures) {
  ReportSet set = sample();
  set.cells[1].grid = sample_grid();
  set.cells[1].exposure_bars = {{"baseline", 9.6}, {"full template", 4.1}, {"safe template", 5.0}};
  std::string html = html_page(set);
  EXPECT_EQ(count_of(html, "<table class=\"trial-grid\">"), 1);
  EXPECT_EQ(count_of(html, "<svg class=\"exposure-bars\""), 1);
  // The grid's anchors are the cell's, and its trial table holds them.
  EXPECT_EQ(count_of(html, "href=\"#cell-2-t"), 4);
  EXPECT_EQ(count_of(html, "<tr id=\"cell-2-t"), 4);
  // Shown outside the folded evidence in a small report, inside it in a big one.
  const std::string grid = "<table class=\"trial-grid\">";
  EXPECT_LT(html.find(grid), html.find("<details open><summary>evidence"));
  EXPECT_GT(html.find(grid), html.find("<td id=\"cell-2\">"));
  for (int i = 0; i < 4; ++i) set.cells.push_back(sample().cells[0]);
  std::string big = html_page(set);
  EXPECT_GT(big.find(grid), big.find("<details><summary>evidence</summary>", big.find("cell-2")));
}

}  // namespace
}  // namespace hb::report

namespace hb::report {
namespace {

// The page with every picture: every '<' still opens a tag of the page's own
// vocabulary, though option lines, reasons and names carry markup.
TEST(ReportHtml, PicturesAreEscapedToo) {
  ReportSet set = sample();
  for (auto& cell : set.cells) {
    cell.place = ReportCell::Place{"<b>" + cell.name, "<em>t</em>", "<u>"};
    cell.grid = TrialGrid{{"A=<x>", "B=\"&\""},
                          {{1, "<phase>", search::Verdict::Fail, {0, 1}, "<em>why</em>", 1, 2.0, false}},
                          {0},
                          {1}};
    cell.exposure_bars = {{"<svg>", 3.0}};
  }
  std::string html = html_page(set);
  std::regex tag("<(/?)([a-zA-Z!][a-zA-Z0-9]*)");
  const std::set<std::string> allowed{
      "!DOCTYPE", "html",    "head",  "meta",   "title", "style", "body",   "h1",  "h3",   "p",   "span",
      "table",    "thead",   "tbody", "tr",     "th",    "td",    "strong", "div", "code", "ul",  "li",
      "details",  "summary", "pre",   "footer", "a",     "i",     "s",      "svg", "rect", "text"};
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator(); ++it)
    EXPECT_TRUE(allowed.count((*it)[2].str())) << (*it)[0].str();
  EXPECT_THAT(html, HasSubstr("&lt;phase&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;em&gt;why&lt;/em&gt;"));
  EXPECT_THAT(html, HasSubstr(">&lt;svg&gt;</text>"));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
}

}  // namespace
}  // namespace hb::report
