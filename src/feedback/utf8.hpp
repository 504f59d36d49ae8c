// The few UTF-8 facts the feedback engine needs: decoding one code point, which code points are
// Chinese characters, Latin word characters, and where clauses and sentences end.
#pragma once

#include <cstddef>
#include <string_view>

namespace ecrm::feedback::utf8 {

// A decoded code point and the bytes it took; an invalid or truncated sequence decodes as
// U+FFFD taking one byte, so every input advances.
struct CodePoint {
  char32_t value = 0;
  std::size_t length = 1;
};

inline CodePoint decode(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t value = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
  } else {
    return {0xFFFD, 1};
  }
  if (at + length > text.size()) return {0xFFFD, 1};
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char next = byte(at + i);
    if ((next & 0xC0) != 0x80) return {0xFFFD, 1};
    value = (value << 6) | (next & 0x3F);
  }
  const bool overlong = (length == 2 && value < 0x80) || (length == 3 && value < 0x800) ||
                        (length == 4 && value < 0x10000);
  if (overlong || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {0xFFFD, 1};
  return {value, length};
}

// CJK unified ideographs (with extension A and the compatibility block).
inline bool is_cjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF);
}

inline bool is_latin_letter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Letters, digits and the apostrophe and hyphen inside a word ("isn't", "well-made").
inline bool is_word_char(char32_t c) {
  return is_latin_letter(c) || (c >= '0' && c <= '9') || c == '\'' || c == 0x2019 || c == '-';
}

// Punctuation that ends a clause: commas, full stops, question and exclamation marks,
// semicolons, colons, ellipses, tildes and line breaks, ASCII and full width.
inline bool ends_clause(char32_t c) {
  switch (c) {
    case ',': case '.': case '!': case '?': case ';': case ':': case '\n': case '\r':
    case '~': case 0xFF0C: case 0x3002: case 0xFF01: case 0xFF1F: case 0xFF1B: case 0xFF1A:
    case 0x2026: case 0xFF5E: case 0x3001: case 0xFF0E:
      return true;
    default:
      return false;
  }
}

// Punctuation that ends a sentence (a quote of a text is a sentence).
inline bool ends_sentence(char32_t c) {
  switch (c) {
    case '.': case '!': case '?': case ';': case '\n': case 0x3002: case 0xFF01: case 0xFF1F:
    case 0xFF1B: case 0x2026:
      return true;
    default:
      return false;
  }
}

}  // namespace ecrm::feedback::utf8
