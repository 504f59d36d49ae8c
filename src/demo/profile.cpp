// Who a demo customer is: name, contact details, place, type, source, consent, tags.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "customers/service.hpp"
#include "demo/people_data.hpp"
#include "demo/planner.hpp"

namespace ecrm::demo {

namespace {

using customers::ConsentChannel;
using customers::CustomerType;
using customers::Gender;

// Home customers' personas and how common each is.
constexpr std::array<double, 8> kHomePersonaWeights = {18, 16, 9, 11, 11, 14, 7, 14};

constexpr std::string_view kPersonaTags[kPersonaCount] = {
    "parent", "tech-enthusiast", "home-cinema",  "bookworm", "foodie", "fashion", "student", "",
    "b2b",    "education",       "public-sector"};

const data::City& pick_city(Rng& rng, std::span<const data::City> cities) {
  std::vector<double> weights;
  for (const auto& c : cities) weights.push_back(c.weight);
  return cities[rng.weighted(weights)];
}

std::string two_digits(std::int64_t n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(n % 100));
  return buf;
}

// A number in [0, modulus) that differs for every index below the modulus: a fixed affine
// bijection, so generated phone numbers do not collide by chance (which would flag unrelated
// customers as duplicates).
std::int64_t scramble(std::int64_t index, std::int64_t modulus, std::uint64_t salt) {
  // The multiplier is odd and not a multiple of 5: coprime to every power-of-ten-like modulus
  // used here (1e7, 8e6, 1e8, 1e9).
  constexpr unsigned __int128 kMultiplier = 387'420'489;
  auto m = static_cast<unsigned __int128>(modulus);
  return static_cast<std::int64_t>(
      (static_cast<unsigned __int128>(index) * kMultiplier + salt % m) % m);
}

std::string digits(std::int64_t value, int width) {
  std::string s = std::to_string(value);
  if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), '0');
  return s;
}

std::string phone_number(Rng& rng, std::string_view country, std::string_view area,
                         std::int64_t index, std::uint64_t seed) {
  const std::uint64_t salt = stream_seed(seed, "phone");
  if (country == "CN") {
    static constexpr std::string_view kPrefixes[] = {"130", "131", "135", "136", "137", "138",
                                                     "139", "150", "158", "186", "187", "188"};
    std::string prefix(kPrefixes[rng.below(std::size(kPrefixes))]);
    std::string rest = digits(scramble(index, 100'000'000, salt), 8);
    switch (rng.below(3)) {
      case 0:
        return "+86 " + prefix + " " + rest.substr(0, 4) + " " + rest.substr(4);
      case 1:
        return "+86 " + prefix + rest;
      default:
        return "+86 " + prefix + "-" + rest.substr(0, 4) + "-" + rest.substr(4);
    }
  }
  if (country == "US" || country == "CA") {
    std::string local = digits(2'000'000 + scramble(index, 8'000'000, salt), 7);
    switch (rng.below(3)) {
      case 0:
        return "+1 (" + std::string(area) + ") " + local.substr(0, 3) + "-" + local.substr(3);
      case 1:
        return "+1 " + std::string(area) + "-" + local.substr(0, 3) + "-" + local.substr(3);
      default:
        return "+1 " + std::string(area) + " " + local.substr(0, 3) + " " + local.substr(3);
    }
  }
  if (country == "GB") {
    std::string rest = digits(scramble(index, 1'000'000'000, salt), 9);
    return "+44 7" + rest.substr(0, 3) + " " + rest.substr(3);
  }
  if (country == "AU") {
    std::string rest = digits(scramble(index, 100'000'000, salt), 8);
    return "+61 4" + rest.substr(0, 2) + " " + rest.substr(2, 3) + " " + rest.substr(5);
  }
  std::string rest = digits(scramble(index, 10'000'000, salt), 7);  // Singapore
  return "+65 8" + rest.substr(0, 3) + " " + rest.substr(3);
}

// The same phone number written differently: compact international form, same digits.
std::string reformat_phone(const std::string& phone) {
  std::string out = "+";
  for (char ch : phone) {
    if (ch >= '0' && ch <= '9') out += ch;
  }
  return out;
}

std::string slug_words(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch >= 'A' && ch <= 'Z')
      out += static_cast<char>(ch - 'A' + 'a');
    else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
      out += ch;
  }
  return out;
}

std::string lower(std::string text) {
  for (char& ch : text) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return text;
}

// "emma.smith@mail.example" -> "Emma.Smith@Mail.example": same address, different case.
std::string recase(const std::string& email) {
  std::string out = email;
  bool start = true;
  for (char& ch : out) {
    if (start && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    start = ch == '.' || ch == '@' || ch == '_';
  }
  if (out == email) {
    for (char& ch : out) {
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    }
  }
  return out;
}

std::string date_text(std::int64_t days_since_epoch) {
  return format_date(days_since_epoch * kMsPerDay);
}

}  // namespace

UnixMs CustomerPlanner::Impl::signup_time(std::int64_t index, Rng& rng) const {
  // Index order is signup order; the density of signups grows towards `now` (F(x) = x^1.35).
  const double u =
      (static_cast<double>(index) + rng.uniform()) / static_cast<double>(config.customers);
  const double x = std::pow(u, 1.0 / 1.35);
  const UnixMs span = config.now - start - kMsPerDay / 2;
  return start + static_cast<UnixMs>(x * static_cast<double>(span));
}

bool CustomerPlanner::Impl::is_duplicate(std::int64_t index) const {
  // A few fixed ones so that small demos have some too, then about one in 400.
  if (index < 20) return false;
  if (index == 97 || index == 211) return true;
  return stream_seed(config.seed, "duplicate", static_cast<std::uint64_t>(index)) % 400 == 0;
}

Profile CustomerPlanner::Impl::profile(std::int64_t index) const {
  Rng rng(stream_seed(config.seed, "profile", static_cast<std::uint64_t>(index)));
  Profile p;
  auto& c = p.customer;
  c.created_at = c.updated_at = signup_time(index, rng);
  const UnixMs created = c.created_at;

  // Who: an organisation or a person at home, and what they shop for.
  const double kind = rng.uniform();
  if (kind < 0.07) {
    c.type = CustomerType::kBusiness;
    p.persona = Persona::kOffice;
  } else if (kind < 0.09) {
    c.type = CustomerType::kEducation;
    p.persona = Persona::kSchool;
  } else if (kind < 0.105) {
    c.type = CustomerType::kGovernment;
    p.persona = Persona::kAgency;
  } else {
    c.type = CustomerType::kHome;
    p.persona = static_cast<Persona>(rng.weighted(kHomePersonaWeights));
    if (rng.chance(0.35)) {
      auto second = static_cast<Persona>(rng.weighted(kHomePersonaWeights));
      if (second != p.persona) p.second_persona = second;
    }
  }

  // Name and gender.
  const bool chinese = rng.chance(0.42);
  const double g = rng.uniform();
  std::optional<Gender> gender = g < 0.49   ? std::optional(Gender::kFemale)
                                 : g < 0.96 ? std::optional(Gender::kMale)
                                 : g < 0.97 ? std::optional(Gender::kOther)
                                            : std::nullopt;
  const bool female_name = gender ? *gender == Gender::kFemale : rng.chance(0.5);
  std::string given_ascii, family_ascii;
  if (chinese) {
    const auto& surname = rng.pick(data::chinese_surnames());
    auto pool = female_name ? data::chinese_given_female() : data::chinese_given_male();
    const int chars = rng.chance(0.25) ? 1 : 2;
    c.name = std::string(surname.text);
    for (int i = 0; i < chars; ++i) {
      const auto& h = rng.pick(pool);
      c.name += h.text;
      given_ascii += h.pinyin;
    }
    family_ascii = std::string(surname.pinyin);
  } else {
    given_ascii =
        std::string(rng.pick(female_name ? data::english_female() : data::english_male()));
    family_ascii = std::string(rng.pick(data::english_surnames()));
    c.name = given_ascii;
    if (rng.chance(0.25))
      c.name += " " + std::string(1, static_cast<char>('A' + rng.below(26))) + ".";
    c.name += " " + family_ascii;
  }
  c.gender = gender;

  // Place and language.
  const bool in_china = chinese ? rng.chance(0.85) : rng.chance(0.04);
  const auto& city =
      in_china ? pick_city(rng, data::chinese_cities()) : pick_city(rng, data::overseas_cities());
  c.city = std::string(city.name);
  c.country = std::string(city.country);
  p.country = c.country;
  p.phone_area = std::string(city.area);
  c.language = chinese && (in_china || rng.chance(0.5)) ? "zh-CN" : "en";

  // Age, birthday and wedding anniversary.
  const std::int64_t today = config.now / kMsPerDay;
  double age;
  if (p.persona == Persona::kStudent) {
    age = 18 + 7 * rng.uniform();
  } else if (p.persona == Persona::kParent) {
    age = 24 + 18 * rng.uniform();
  } else {
    age = std::min(78.0, 19 + rng.gamma(3.0, 7.5));
  }
  const std::int64_t birth_day = today - static_cast<std::int64_t>(age * 365.25);
  if (rng.chance(c.type == CustomerType::kHome ? 0.8 : 0.4)) c.birthday = date_text(birth_day);
  if (age >= 26 && rng.chance(0.22)) {
    const std::int64_t earliest = birth_day + static_cast<std::int64_t>(22 * 365.25);
    const std::int64_t wedding = rng.between(earliest, today - 30);
    c.anniversaries.push_back({"wedding", date_text(wedding), ""});
  }

  // Organisation details.
  std::string mail_domain;
  if (c.type != CustomerType::kHome) {
    const std::string city_name(city.name);
    if (c.type == CustomerType::kBusiness) {
      if (in_china) {
        c.company = city_name + " " + std::string(rng.pick(data::chinese_company_words())) + " " +
                    std::string(rng.pick(data::industries())) + " Co., Ltd.";
      } else {
        static constexpr std::string_view kSuffix[] = {"LLC", "Inc.", "Ltd", "Group", "Partners"};
        std::string suffix = c.country == "GB"   ? "Ltd"
                             : c.country == "AU" ? "Pty Ltd"
                             : c.country == "SG"
                                 ? "Pte Ltd"
                                 : std::string(kSuffix[rng.below(std::size(kSuffix))]);
        c.company = std::string(rng.pick(data::company_words())) + " " +
                    std::string(rng.pick(data::industries())) + " " + suffix;
      }
      c.employee_count =
          std::clamp<std::int64_t>(std::llround(rng.lognormal(std::log(25), 1.2)), 1, 20000);
      mail_domain = slug_words(c.company.substr(0, c.company.find(' ', c.company.find(' ') + 1))) +
                    ".example";
    } else if (c.type == CustomerType::kEducation) {
      switch (rng.below(4)) {
        case 0:
          c.company = city_name + " No. " + std::to_string(rng.between(1, 40)) + " Middle School";
          break;
        case 1:
          c.company = std::string(rng.pick(data::company_words())) + " Elementary School";
          break;
        case 2:
          c.company = city_name + " Community College";
          break;
        default:
          c.company = "University of " + city_name;
          break;
      }
      c.employee_count = rng.between(30, 3000);
      mail_domain = slug_words(c.company).substr(0, 24) + ".edu.example";
    } else {
      static constexpr std::string_view kAgencies[] = {
          " Public Library",  " Department of Transportation", " Parks & Recreation",
          " Fire Department", " Municipal Archives",           " Health Bureau"};
      c.company = city_name + std::string(kAgencies[rng.below(std::size(kAgencies))]);
      c.employee_count = rng.between(20, 5000);
      mail_domain = slug_words(c.company).substr(0, 24) + ".gov.example";
    }
  }

  // E-mail address (on reserved .example domains: the demo can never mail anyone real).
  if (rng.chance(c.type == CustomerType::kHome ? 0.93 : 1.0)) {
    std::string first = lower(given_ascii);
    std::string last = lower(family_ascii);
    last.erase(std::remove(last.begin(), last.end(), '\''), last.end());
    std::string local;
    if (!mail_domain.empty()) {
      local = first + "." + last;
    } else if (chinese && rng.chance(0.25)) {
      local = std::to_string(10'000'000 + scramble(index, 2'000'000'000, config.seed));
      mail_domain = "qq.example";
    } else {
      switch (rng.below(4)) {
        case 0:
          local = first + "." + last;
          break;
        case 1:
          local = first + last;
          break;
        case 2:
          local = first.substr(0, 1) + last;
          break;
        default:
          local = first + "_" + last;
          break;
      }
      if (rng.chance(chinese ? 0.75 : 0.55)) {
        local += rng.chance(0.5)
                     ? two_digits(rng.between(1, 99))
                     : std::to_string(static_cast<int>(1970 + std::floor(birth_day / 365.25)));
      }
      mail_domain = std::string(chinese ? rng.pick(data::chinese_mail_domains())
                                        : rng.pick(data::free_mail_domains()));
    }
    c.email = local + "@" + mail_domain;
    if (rng.chance(0.08)) c.email = recase(*c.email);
  }
  if (rng.chance(c.type == CustomerType::kHome ? 0.82 : 0.95)) {
    c.phone = phone_number(rng, city.country, city.area, index, config.seed);
  }
  if (!c.email && !c.phone)
    c.phone = phone_number(rng, city.country, city.area, index, config.seed);

  // How they came.
  static constexpr std::string_view kChannels[] = {"web", "app", "store", "phone"};
  static constexpr double kChannelWeights[] = {52, 30, 12, 6};
  p.home_channel = std::string(kChannels[rng.weighted(kChannelWeights)]);
  c.channel = p.home_channel;
  if (index > 0 && rng.chance(0.10)) {
    p.referrer = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(index)));
    c.source = "referral";
  } else {
    static constexpr std::string_view kSources[] = {
        "search", "social", "direct", "email", "marketplace", "affiliate", "trade show"};
    static constexpr double kSourceWeights[] = {30, 22, 18, 6, 10, 8, 3};
    c.source = std::string(kSources[rng.weighted(kSourceWeights)]);
    if (p.home_channel == "store" && rng.chance(0.6)) c.source = "walk-in";
  }

  // Consent per channel, recorded at signup.
  const std::string how = p.home_channel == "web"     ? "signup form"
                          : p.home_channel == "app"   ? "app onboarding"
                          : p.home_channel == "store" ? "in-store form"
                                                      : "phone call";
  auto decide = [&](ConsentChannel channel, double grant, double refuse) {
    const double r = rng.uniform();
    if (r >= grant + refuse) return;
    auto& consent = c.consent_for(channel);
    consent.granted = r < grant;
    consent.at = created + rng.between(0, 120) * kMsPerSecond;
    consent.how = how;
  };
  if (c.email) decide(ConsentChannel::kEmail, 0.60, 0.14);
  if (c.phone) decide(ConsentChannel::kSms, 0.33, 0.22);
  if (c.phone) decide(ConsentChannel::kPhone, 0.18, 0.30);

  // Tags and custom attributes.
  std::vector<std::string> tags;
  if (auto t = kPersonaTags[static_cast<int>(p.persona)]; !t.empty()) tags.emplace_back(t);
  if (p.second_persona) {
    if (auto t = kPersonaTags[static_cast<int>(*p.second_persona)]; !t.empty())
      tags.emplace_back(t);
  }
  if (c.consent_for(ConsentChannel::kEmail).granted.value_or(false) && rng.chance(0.7)) {
    tags.emplace_back("newsletter");
  }
  if (created < start + 60 * kMsPerDay && rng.chance(0.3)) tags.emplace_back("early-adopter");
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  c.tags = std::move(tags);

  boost::json::object attributes;
  if (rng.chance(0.6)) {
    static constexpr std::string_view kChinaPay[] = {"alipay", "wechat_pay", "card"};
    static constexpr std::string_view kPay[] = {"card", "paypal", "apple_pay", "bank_transfer"};
    attributes["preferred_payment"] = in_china
                                          ? rng.pick(std::span<const std::string_view>(kChinaPay))
                                          : rng.pick(std::span<const std::string_view>(kPay));
  }
  if (c.type != CustomerType::kHome) {
    attributes["payment_terms"] = rng.chance(0.6) ? "net 30" : "prepaid";
    attributes["purchase_order_required"] = c.type != CustomerType::kBusiness || rng.chance(0.3);
  }
  c.attributes = boost::json::serialize(attributes);

  // A likely duplicate: the same person signed up again.
  if (is_duplicate(index)) {
    Rng dup(stream_seed(config.seed, "duplicate-of", static_cast<std::uint64_t>(index)));
    std::int64_t original =
        index - 1 - static_cast<std::int64_t>(dup.below(std::min<std::uint64_t>(index, 1500)));
    while (original > 0 && is_duplicate(original)) --original;
    Profile first = profile(original);
    Profile again = first;
    again.duplicate_of = original;
    again.referrer.reset();
    auto& d = again.customer;
    d.external_id.reset();
    d.created_at = d.updated_at = created;
    d.consent = c.consent;
    d.anniversaries.clear();
    d.attributes = "{}";
    d.source = c.source == "referral" ? "direct" : c.source;
    d.channel = again.home_channel = p.home_channel;
    const auto how_similar = dup.below(100);
    if (how_similar < 45 && first.customer.email) {
      d.email = recase(*first.customer.email);  // same address, different case
      d.phone.reset();
    } else if (how_similar < 80 && first.customer.phone) {
      d.phone = reformat_phone(*first.customer.phone);  // same number, written differently
      d.email.reset();
    } else {
      d.email.reset();  // same name and city, signed up in a store with a new number
      d.phone = phone_number(dup, first.country, first.phone_area, index, config.seed + 1);
    }
    p = std::move(again);
  }
  char external[24];
  std::snprintf(external, sizeof external, "C%06lld", static_cast<long long>(index + 1));
  p.customer.external_id = external;
  customers::derive_keys(p.customer);
  return p;
}

}  // namespace ecrm::demo
