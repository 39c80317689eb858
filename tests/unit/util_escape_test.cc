#include <gtest/gtest.h>

#include <string>

#include "util/escape.h"

namespace hb::util {
namespace {

TEST(Escape, XmlTextAndAttributes) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(xml_escape("line\nnext\ttab"), "line\nnext\ttab");
  EXPECT_EQ(xml_escape("line\nnext\ttab", true), "line&#10;next&#9;tab");
  // Characters XML 1.0 forbids become U+FFFD; valid UTF-8 stays.
  EXPECT_EQ(xml_escape("esc\x1b[0m"), "esc\xef\xbf\xbd[0m");
  EXPECT_EQ(xml_escape("\xe2\x80\x98ok\xe2\x80\x99"), "\xe2\x80\x98ok\xe2\x80\x99");
}

TEST(Escape, CleanTextRepairsUtf8) {
  EXPECT_EQ(clean_text("a\xff"
                       "b"),
            "a\xef\xbf\xbd"
            "b");                                                                 // stray byte
  EXPECT_EQ(clean_text("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong '/'
  EXPECT_EQ(clean_text("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(clean_text("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");                  // truncated at the end
  EXPECT_EQ(clean_text("\xf0\x9f\x94\x92 ok"), "\xf0\x9f\x94\x92 ok");            // 4-byte sequence kept
  EXPECT_EQ(clean_text("dos\r\nline"), "dos\nline");
  EXPECT_EQ(clean_text(std::string("nul\0x", 5)), "nul\xef\xbf\xbdx");
}

TEST(Escape, Markdown) {
  EXPECT_EQ(markdown_escape("a|b *c* _d_ [e](f) <g> & #h `i` \\"),
            "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) &lt;g&gt; &amp; \\#h \\`i\\` \\\\");
  EXPECT_EQ(markdown_escape("two\nlines"), "two lines");
  EXPECT_EQ(markdown_escape("esc\x1b[0m"), "esc\xef\xbf\xbd\\[0m");  // ESC replaced, [ escaped as above
}

}  // namespace
}  // namespace hb::util
