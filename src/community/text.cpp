#include "community/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace ecrm::community {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at `at`, advancing it; invalid sequences read as U+FFFD (one byte).
char32_t next_code_point(std::string_view s, std::size_t& at) {
  const auto b0 = static_cast<unsigned char>(s[at]);
  if (b0 < 0x80) {
    ++at;
    return b0;
  }
  int length = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4;
    cp = b0 & 0x07;
  } else {
    ++at;
    return kReplacement;
  }
  if (at + length > s.size()) {
    ++at;
    return kReplacement;
  }
  for (int i = 1; i < length; ++i) {
    const auto b = static_cast<unsigned char>(s[at + i]);
    if ((b & 0xC0) != 0x80) {
      ++at;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  const bool overlong =
      (length == 2 && cp < 0x80) || (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++at;
    return kReplacement;
  }
  at += length;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Valid UTF-8 with line ends as "\n" and no control characters but tab and newline.
std::string clean_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const char32_t cp = next_code_point(text, at);
    if (cp == '\r') {
      if (at < text.size() && text[at] == '\n') continue;  // "\r\n": the "\n" follows
      out += '\n';
      continue;
    }
    if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      continue;
    }
    append_utf8(out, cp);
  }
  return out;
}

char lower(char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); }

bool starts_with_ci(std::string_view s, std::size_t at, std::string_view prefix) {
  if (at + prefix.size() > s.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[at + i]) != prefix[i]) return false;
  }
  return true;
}

std::size_t find_ci(std::string_view s, std::size_t from, std::string_view needle) {
  for (std::size_t at = from; at + needle.size() <= s.size(); ++at) {
    if (starts_with_ci(s, at, needle)) return at;
  }
  return std::string_view::npos;
}

bool opens_tag(std::string_view s, std::size_t at) {
  if (at + 1 >= s.size()) return false;
  const char next = s[at + 1];
  return std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!' ||
         next == '?';
}

// Whether a code point may be part of a display name.
bool name_char(char32_t cp) {
  if (cp < 0x80) {
    return std::isalnum(static_cast<int>(cp)) || cp == '_' || cp == '-' || cp == '.';
  }
  if (cp == kReplacement) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return false;  // general punctuation, spaces
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK symbols and punctuation
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;  // fullwidth punctuation
  if (cp >= 0xFF1A && cp <= 0xFF20) return false;
  if (cp >= 0xFF3B && cp <= 0xFF40) return false;
  if (cp >= 0xFF5B && cp <= 0xFF65) return false;
  if (cp == 0xA0 || cp == 0xFEFF) return false;
  return true;
}

}  // namespace

namespace {

// One pass: elements of code and tags removed, an unterminated opener neutralised.
std::string strip_tags(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    if (text[at] != '<' || !opens_tag(text, at)) {
      out += text[at++];
      continue;
    }
    // Elements whose content is code, removed whole.
    bool removed = false;
    for (std::string_view element : {"script", "style", "iframe"}) {
      if (starts_with_ci(text, at + 1, element)) {
        const std::string close = "</" + std::string(element);
        const std::size_t end = find_ci(text, at + 1, close);
        if (end == std::string::npos) {
          at = text.size();
        } else {
          const std::size_t gt = text.find('>', end);
          at = gt == std::string::npos ? text.size() : gt + 1;
        }
        removed = true;
        break;
      }
    }
    if (removed) continue;
    const std::size_t gt = text.find('>', at);
    const std::size_t next_lt = text.find('<', at + 1);
    if (gt != std::string::npos && (next_lt == std::string::npos || gt < next_lt)) {
      at = gt + 1;  // a tag: removed
      continue;
    }
    out += "\xE2\x80\xB9";  // '‹': text that cannot open a tag
    ++at;
  }
  return out;
}

}  // namespace

std::string plain_text(std::string_view raw) {
  // Removing a tag can join what was around it into a new one ("<<b>img …>"): strip again until
  // nothing changes, then neutralise any opener a last join left.
  std::string text = clean_utf8(raw);
  for (int pass = 0; pass < 8; ++pass) {
    std::string next = strip_tags(text);
    if (next == text) break;
    text = std::move(next);
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '<' && opens_tag(text, at)) {
      out += "\xE2\x80\xB9";
    } else {
      out += text[at];
    }
  }
  return out;
}

std::string plain_line(std::string_view text) {
  std::string out = plain_text(text);
  for (char& ch : out) {
    if (ch == '\n' || ch == '\t') ch = ' ';
  }
  const auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  const auto last = out.find_last_not_of(' ');
  return out.substr(first, last - first + 1);
}

std::size_t char_count(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char ch : text) {
    if ((ch & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool has_web_link(std::string_view text) {
  return find_ci(text, 0, "http://") != std::string_view::npos ||
         find_ci(text, 0, "https://") != std::string_view::npos ||
         find_ci(text, 0, "www.") != std::string_view::npos;
}

std::vector<std::string> mentions(std::string_view text, std::size_t limit) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < text.size() && out.size() < limit;) {
    if (text[at] != '@') {
      next_code_point(text, at);
      continue;
    }
    // An address (a@b) is no mention: the '@' must not follow a name character.
    bool after_name = false;
    if (at > 0) {
      std::size_t back = at - 1;
      while (back > 0 && (static_cast<unsigned char>(text[back]) & 0xC0) == 0x80) --back;
      std::size_t probe = back;
      after_name = name_char(next_code_point(text, probe));
    }
    ++at;
    const std::size_t start = at;
    std::size_t end = at;
    while (end < text.size()) {
      std::size_t probe = end;
      if (!name_char(next_code_point(text, probe))) break;
      end = probe;
    }
    at = std::max(end, start);
    std::string_view name = text.substr(start, end - start);
    while (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (after_name || !valid_display_name(name)) continue;
    std::string key = name_key(name);
    if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(std::move(key));
  }
  return out;
}

std::string name_key(std::string_view display_name) {
  std::string out(display_name);
  for (char& ch : out) ch = lower(ch);
  return out;
}

bool valid_display_name(std::string_view name) {
  std::size_t count = 0;
  for (std::size_t at = 0; at < name.size();) {
    if (!name_char(next_code_point(name, at))) return false;
    ++count;
  }
  return count >= 2 && count <= 30;
}

}  // namespace ecrm::community
