#include "util/escape.h"

namespace hb::util {

std::string clean_text(std::string_view text) {
  static const char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(text.size());
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  for (size_t i = 0; i < text.size();) {
    unsigned char c = byte(i);
    if (c < 0x80) {
      if (c == '\r') {
      } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
        out += kReplacement;
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // Length and smallest code point of the sequence a lead byte starts.
    size_t length = 0;
    unsigned long code = 0, min = 0;
    if (c >= 0xC2 && c <= 0xDF)
      length = 2, code = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
      length = 3, code = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
      length = 4, code = c & 0x07, min = 0x10000;
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80)
        valid = false;
      else
        code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (valid && (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))) valid = false;
    if (!valid) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (code == 0xFFFE || code == 0xFFFF || (code >= 0x80 && code <= 0x9F))
      out += kReplacement;
    else
      out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string xml_escape(std::string_view raw, bool attribute) {
  std::string text = clean_text(raw);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string markdown_escape(std::string_view raw) {
  std::string text = clean_text(raw);
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
        out += ' ';
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '#':
      case '~':
      case '!':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace hb::util
