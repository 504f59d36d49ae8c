// Names, places and organisations the demo customers are made of. Internal to the generator.
#pragma once

#include <span>
#include <string_view>

namespace ecrm::demo::data {

struct Hanzi {
  std::string_view text;    // "张"
  std::string_view pinyin;  // "zhang"
};

struct City {
  std::string_view name;
  std::string_view country;  // ISO 3166-1 alpha-2
  std::string_view area;     // phone area code or prefix used in local numbers ("" if none)
  double weight;
};

std::span<const Hanzi> chinese_surnames();
std::span<const Hanzi> chinese_given_female();
std::span<const Hanzi> chinese_given_male();
std::span<const std::string_view> english_female();
std::span<const std::string_view> english_male();
std::span<const std::string_view> english_surnames();
std::span<const City> chinese_cities();
std::span<const City> overseas_cities();  // where customers outside China live
std::span<const std::string_view> company_words();
std::span<const std::string_view> chinese_company_words();  // pinyin brand words
std::span<const std::string_view> industries();
std::span<const std::string_view> free_mail_domains();     // reserved .example domains
std::span<const std::string_view> chinese_mail_domains();  // reserved .example domains

}  // namespace ecrm::demo::data
