#pragma once
// Text made safe for the reports: one cleaning (valid UTF-8, no control
// characters) and one escape per markup the reports write.
#include <string>
#include <string_view>

namespace hb::util {

// Valid UTF-8 without control characters but tab and newline: invalid
// bytes, controls (terminal escapes in a journal) and U+FFFE/U+FFFF become
// U+FFFD, carriage returns are dropped. Every report writes text through it.
std::string clean_text(std::string_view text);

// Text for XML and HTML (JUnit, the HTML report): clean_text(), then & < > " '
// as entities; in an attribute, newlines and tabs as &#10; and &#9; so they
// survive attribute normalisation.
std::string xml_escape(std::string_view text, bool attribute = false);

// Text for Markdown (GFM) prose and table cells: clean_text(), every
// character GFM would act on is backslash-escaped, < > & become entities,
// newlines spaces.
std::string markdown_escape(std::string_view text);

}  // namespace hb::util
