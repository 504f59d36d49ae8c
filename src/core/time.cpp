#include "core/time.hpp"

#include <chrono>
#include <cstdio>

namespace ecrm {

UnixMs now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}}
      .time_since_epoch()
      .count();
}

namespace {

struct Civil {
  int year;
  unsigned month, day, hour, minute, second, milli;
};

Civil to_civil(UnixMs ms) {
  using namespace std::chrono;
  std::int64_t days = ms >= 0 ? ms / kMsPerDay : -((-ms + kMsPerDay - 1) / kMsPerDay);
  std::int64_t rem = ms - days * kMsPerDay;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  return Civil{int(ymd.year()),
               unsigned(ymd.month()),
               unsigned(ymd.day()),
               unsigned(rem / 3'600'000),
               unsigned(rem / 60'000 % 60),
               unsigned(rem / 1000 % 60),
               unsigned(rem % 1000)};
}

// Reads exactly `width` decimal digits at text[pos].
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int* out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

std::optional<std::int64_t> parse_day_part(std::string_view text) {
  int y, m, d;
  if (text.size() < 10 || !read_digits(text, 0, 4, &y) || text[4] != '-' ||
      !read_digits(text, 5, 2, &m) || text[7] != '-' || !read_digits(text, 8, 2, &d)) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                  std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  return days_from_civil(y, unsigned(m), unsigned(d));
}

}  // namespace

std::string format_iso8601(UnixMs ms) {
  Civil c = to_civil(ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", c.year, c.month, c.day,
                c.hour, c.minute, c.second, c.milli);
  return buf;
}

std::string format_date(UnixMs ms) {
  Civil c = to_civil(ms);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::optional<UnixMs> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  auto days = parse_day_part(text);
  if (!days) return std::nullopt;
  return *days * kMsPerDay;
}

std::optional<UnixMs> parse_iso8601(std::string_view text) {
  auto days = parse_day_part(text);
  if (!days) return std::nullopt;
  UnixMs ms = *days * kMsPerDay;
  if (text.size() == 10) return ms;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  int hh, mm, ss = 0, frac_ms = 0;
  std::size_t pos = 11;
  if (!read_digits(text, pos, 2, &hh) || pos + 2 >= text.size() || text[pos + 2] != ':' ||
      !read_digits(text, pos + 3, 2, &mm)) {
    return std::nullopt;
  }
  pos += 5;
  if (pos < text.size() && text[pos] == ':') {
    if (!read_digits(text, pos + 1, 2, &ss)) return std::nullopt;
    pos += 3;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      std::size_t digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) frac_ms = frac_ms * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (std::size_t i = digits; i < 3; ++i) frac_ms *= 10;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  ms += ((hh * 60LL + mm) * 60 + ss) * 1000 + frac_ms;
  if (pos == text.size()) return ms;
  if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) return ms;
  if (text[pos] == '+' || text[pos] == '-') {
    int oh, om = 0;
    bool negative = text[pos] == '-';
    if (!read_digits(text, pos + 1, 2, &oh)) return std::nullopt;
    std::size_t after = pos + 3;
    if (after < text.size() && text[after] == ':') ++after;
    if (after < text.size()) {
      if (!read_digits(text, after, 2, &om)) return std::nullopt;
      after += 2;
    }
    if (after != text.size() || oh > 23 || om > 59) return std::nullopt;
    UnixMs offset = (oh * 60LL + om) * 60'000;
    return negative ? ms + offset : ms - offset;
  }
  return std::nullopt;
}

}  // namespace ecrm
