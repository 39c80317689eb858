#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>

#include "report/junit.h"

namespace hb::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A minimal XML reader, enough to prove the document is well-formed and to
// count what CI tools read: elements, attributes (double-quoted), text,
// the five entities and numeric character references. Throws on anything
// malformed (a stray '<' or '&', unbalanced tags, an unquoted attribute).
struct Node {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<std::unique_ptr<Node>> children;
  std::string text;
  int count(const std::string& element) const {
    int n = name == element ? 1 : 0;
    for (const auto& child : children) n += child->count(element);
    return n;
  }
  const Node* find(const std::string& element) const {
    if (name == element) return this;
    for (const auto& child : children)
      if (const Node* found = child->find(element)) return found;
    return nullptr;
  }
};

class XmlReader {
 public:
  explicit XmlReader(const std::string& text) : m_text(text) {}
  std::unique_ptr<Node> document() {
    if (m_text.rfind("<?xml", 0) == 0) m_pos = m_text.find("?>") + 2;
    skip_space();
    auto root = element();
    skip_space();
    if (m_pos != m_text.size()) throw std::runtime_error("content after the root element");
    return root;
  }

 private:
  void skip_space() {
    while (m_pos < m_text.size() && isspace(static_cast<unsigned char>(m_text[m_pos]))) ++m_pos;
  }
  std::string name() {
    size_t start = m_pos;
    while (m_pos < m_text.size() &&
           (isalnum(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '-' ||
            m_text[m_pos] == '_' || m_text[m_pos] == ':' || m_text[m_pos] == '.'))
      ++m_pos;
    if (start == m_pos) throw std::runtime_error("expected a name at " + std::to_string(m_pos));
    return m_text.substr(start, m_pos - start);
  }
  std::string decode(const std::string& raw) {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '<') throw std::runtime_error("raw '<' in text or attribute");
      if (raw[i] != '&') {
        out += raw[i];
        continue;
      }
      size_t end = raw.find(';', i);
      if (end == std::string::npos) throw std::runtime_error("unterminated entity");
      std::string entity = raw.substr(i + 1, end - i - 1);
      static const std::map<std::string, std::string> named{
          {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
      if (named.count(entity))
        out += named.at(entity);
      else if (entity.size() > 1 && entity[0] == '#')
        out += static_cast<char>(std::stoi(entity.substr(1)));
      else
        throw std::runtime_error("unknown entity &" + entity + ";");
      i = end;
    }
    return out;
  }
  std::unique_ptr<Node> element() {
    if (m_text[m_pos] != '<') throw std::runtime_error("expected '<'");
    ++m_pos;
    auto node = std::make_unique<Node>();
    node->name = name();
    for (;;) {
      skip_space();
      if (m_text.compare(m_pos, 2, "/>") == 0) {
        m_pos += 2;
        return node;
      }
      if (m_text[m_pos] == '>') {
        ++m_pos;
        break;
      }
      std::string key = name();
      if (m_text.compare(m_pos, 2, "=\"") != 0) throw std::runtime_error("unquoted attribute " + key);
      m_pos += 2;
      size_t end = m_text.find('"', m_pos);
      if (node->attributes.count(key)) throw std::runtime_error("duplicate attribute " + key);
      node->attributes[key] = decode(m_text.substr(m_pos, end - m_pos));
      m_pos = end + 1;
    }
    for (;;) {
      size_t next = m_text.find('<', m_pos);
      if (next == std::string::npos) throw std::runtime_error("unclosed <" + node->name + ">");
      node->text += decode(m_text.substr(m_pos, next - m_pos));
      m_pos = next;
      if (m_text.compare(m_pos, 2, "</") == 0) {
        m_pos += 2;
        if (name() != node->name) throw std::runtime_error("mismatched </...> for <" + node->name + ">");
        if (m_text[m_pos++] != '>') throw std::runtime_error("expected '>'");
        return node;
      }
      node->children.push_back(element());
    }
  }
  const std::string& m_text;
  size_t m_pos = 0;
};

ReportCell cell(const std::string& name, search::Verdict verdict) {
  ReportCell c;
  c.name = name;
  c.scenario = "demo";
  c.image = "localhost/hardbisect-bookworm:abc";
  c.options_label = "hardened.conf (3 options)";
  c.verdict = verdict;
  c.trials = 4;
  c.seconds = 6.25;
  return c;
}

ReportSet sample() {
  ReportCell pass = cell("passes", search::Verdict::Pass);
  pass.exposure_before = 9.6;
  pass.exposure_after = 4.2;
  ReportCell fail = cell("breaks <&> \"quoted\" 'it'", search::Verdict::Fail);
  fail.culprits = {{"ProtectSystem=strict"}, {"PrivateTmp=yes", "RestrictAddressFamilies=AF_UNIX"}};
  fail.reason = "exit status 1 & \"read-only\"";
  fail.evidence =
      "journal:\n  mkdir: cannot create \xe2\x80\x98/usr/x\xe2\x80\x99: Read-only <file> system\n"
      "  \x1b[31mcolour\x1b[0m and a bad byte \xff\n";
  fail.regression = true;
  ReportCell unresolved = cell("undecided", search::Verdict::Unresolved);
  unresolved.reason = "ProtectSystem=strict: /usr is writable (not enforced)";
  return {"hardbisect check: hardened.conf", "check", {pass, fail, unresolved}};
}

TEST(ReportJunit, CountsAndStructure) {
  std::string xml = junit_xml(sample());
  std::unique_ptr<Node> root;
  ASSERT_NO_THROW(root = XmlReader(xml).document()) << xml;
  EXPECT_EQ(root->name, "testsuites");
  EXPECT_EQ(root->attributes["tests"], "3");
  const Node* suite = root->find("testsuite");
  ASSERT_NE(suite, nullptr);
  EXPECT_EQ(suite->attributes.at("name"), "hardbisect.check");
  EXPECT_EQ(suite->attributes.at("tests"), "3");
  EXPECT_EQ(suite->attributes.at("failures"), "1");
  EXPECT_EQ(suite->attributes.at("errors"), "1");
  // Nothing hardbisect reports is skipped; the attribute stays for CI views.
  EXPECT_EQ(suite->attributes.at("skipped"), "0");
  EXPECT_EQ(suite->attributes.at("time"), "18.750");
  EXPECT_EQ(root->count("testcase"), 3);
  EXPECT_EQ(root->count("failure"), 1);
  EXPECT_EQ(root->count("error"), 1);
  EXPECT_EQ(root->count("skipped"), 0);
  EXPECT_EQ(root->count("system-out"), 3);
}

TEST(ReportJunit, FailureNamesTheCulpritsAndKeepsTheEvidence) {
  std::string xml = junit_xml(sample());
  auto root = XmlReader(xml).document();
  const Node* failing = nullptr;
  for (const auto& child : root->find("testsuite")->children)
    if (child->find("failure")) failing = child.get();
  ASSERT_NE(failing, nullptr);
  // Names survive the escaping round trip.
  EXPECT_EQ(failing->attributes.at("name"), "breaks <&> \"quoted\" 'it'");
  EXPECT_EQ(failing->attributes.at("classname"), "hardbisect.check.demo");
  EXPECT_EQ(failing->attributes.at("time"), "6.250");
  const Node* failure = failing->find("failure");
  EXPECT_EQ(failure->attributes.at("message"),
            "regression: culprits: ProtectSystem=strict; PrivateTmp=yes + RestrictAddressFamilies=AF_UNIX");
  EXPECT_EQ(failure->attributes.at("type"), "culprit");
  EXPECT_THAT(failure->text, HasSubstr("exit status 1 & \"read-only\""));
  EXPECT_THAT(failure->text, HasSubstr("Read-only <file> system"));
  EXPECT_THAT(failure->text, HasSubstr("\xe2\x80\x98/usr/x\xe2\x80\x99"));
  // Terminal escapes and invalid bytes never reach the document.
  EXPECT_THAT(xml, Not(HasSubstr("\x1b")));
  EXPECT_THAT(xml, Not(HasSubstr("\xff")));
}

TEST(ReportJunit, UnresolvedIsAnError) {
  auto root = XmlReader(junit_xml(sample())).document();
  const Node* error = root->find("error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->attributes.at("type"), "unresolved");
  EXPECT_THAT(error->attributes.at("message"), HasSubstr("not enforced"));
}

TEST(ReportJunit, PassingCellCarriesTheExposure) {
  auto root = XmlReader(junit_xml(sample())).document();
  const Node* first = root->find("testcase");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->attributes.at("name"), "passes");
  EXPECT_EQ(first->count("failure") + first->count("error"), 0);
  EXPECT_THAT(first->find("system-out")->text, HasSubstr("exposure: 9.6 -> 4.2"));
}

TEST(ReportJunit, EmptySetIsStillADocument) {
  auto root = XmlReader(junit_xml({"nothing", "matrix", {}})).document();
  EXPECT_EQ(root->attributes["tests"], "0");
  EXPECT_EQ(root->count("testsuite"), 1);
}

}  // namespace
}  // namespace hb::report
