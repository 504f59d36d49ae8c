// The configurator: preparing a configuration staff enter, and checking and pricing a choice of
// options, table-driven over one computer with CPU, memory, disk and extras.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/configurator.hpp"

namespace ecrm::catalog {
namespace {

// Option ids: CPU 11 (i5, +0), 12 (i9, +30000); memory 21 (16 GB, +0), 22 (64 GB, +25000);
// disk 31 (SSD, +5000); extras (multiple, up to 2) 41 (Wi-Fi, +2000), 42 (water cooling,
// +8000), 43 (compact case, -1500, 1 in stock).
// Rules: 101 64 GB requires the i9; 102 water cooling excludes the compact case;
// 103 water cooling requires one of the i5 or i9 (any CPU).
ProductConfiguration computer() {
  ProductConfiguration c;
  c.product_id = 7;
  c.currency = "CNY";
  c.base_price = 400000;
  auto option = [](std::int64_t id, std::int64_t group, std::string sku, std::int64_t delta,
                   std::int64_t stock, std::optional<std::int64_t> supplier) {
    ProductOption o;
    o.id = id;
    o.group_id = group;
    o.sku = std::move(sku);
    o.name = o.sku;
    o.price_delta = delta;
    o.stock_on_hand = stock;
    o.supplier_id = supplier;
    return o;
  };
  OptionGroup cpu{1, "cpu", "CPU", "处理器", true, false, 1, 1, 0, {}};
  cpu.options = {option(11, 1, "i5", 0, 10, 501), option(12, 1, "i9", 30000, 10, 501)};
  OptionGroup memory{2, "memory", "Memory", std::nullopt, true, false, 1, 1, 1, {}};
  memory.options = {option(21, 2, "16GB", 0, 10, 502), option(22, 2, "64GB", 25000, 10, 502)};
  OptionGroup disk{3, "disk", "Disk", std::nullopt, false, false, 0, 1, 2, {}};
  disk.options = {option(31, 3, "ssd", 5000, 10, std::nullopt)};
  OptionGroup extras{4, "extras", "Extras", std::nullopt, false, true, 1, 2, 3, {}};
  extras.options = {option(41, 4, "wifi", 2000, 10, std::nullopt),
                    option(42, 4, "water", 8000, 10, std::nullopt),
                    option(43, 4, "compact", -1500, 1, std::nullopt)};
  c.groups = {cpu, memory, disk, extras};
  c.rules = {OptionRule{101, OptionRuleKind::kRequires, 22, "64GB", {12}, {"i9"}},
             OptionRule{102, OptionRuleKind::kExcludes, 42, "water", {43}, {"compact"}},
             OptionRule{103, OptionRuleKind::kRequires, 42, "water", {11, 12}, {"i5", "i9"}}};
  return c;
}

struct QuoteCase {
  const char* name;
  std::vector<std::int64_t> chosen;
  std::int64_t quantity;
  std::vector<std::string> codes;  // problems, in order
  std::int64_t unit_price;
};

TEST(Configurator, ChecksAndPricesTable) {
  const std::vector<QuoteCase> cases = {
      {"minimal", {11, 21}, 1, {}, 400000},
      {"full", {12, 22, 31, 41, 42}, 2, {}, 400000 + 30000 + 25000 + 5000 + 2000 + 8000},
      {"negative delta", {11, 21, 43}, 1, {}, 398500},
      {"cpu missing", {21}, 1, {"group_required"}, 400000},
      {"nothing", {}, 1, {"group_required", "group_required"}, 400000},
      {"two cpus", {11, 12, 21}, 1, {"too_many_choices"}, 430000},
      {"three extras", {11, 21, 41, 42, 43}, 1, {"too_many_choices", "excludes_conflict"},
       400000 + 2000 + 8000 - 1500},
      {"64GB without i9", {11, 22}, 1, {"requires_unmet"}, 425000},
      {"water and compact", {11, 21, 42, 43}, 1, {"excludes_conflict"}, 406500},
      {"compact stock", {11, 21, 43}, 2, {"out_of_stock"}, 398500},
  };
  const auto config = computer();
  for (const auto& c : cases) {
    auto quote = quote_configuration(config, c.chosen, c.quantity);
    ASSERT_TRUE(quote.ok()) << c.name << ": " << quote.error().message;
    std::vector<std::string> codes;
    for (const auto& p : quote->problems) codes.push_back(p.code);
    EXPECT_EQ(codes, c.codes) << c.name;
    EXPECT_EQ(quote->valid, c.codes.empty()) << c.name;
    EXPECT_EQ(quote->unit_price, c.unit_price) << c.name;
    EXPECT_EQ(quote->total, c.unit_price * c.quantity) << c.name;
    EXPECT_EQ(quote->options.size(), c.chosen.size()) << c.name;
  }
}

TEST(Configurator, ProblemsNameTheGroupOptionAndRule) {
  const auto config = computer();
  const std::int64_t chosen[] = {11, 22};
  auto quote = quote_configuration(config, chosen, 1);
  ASSERT_TRUE(quote.ok());
  ASSERT_EQ(quote->problems.size(), 1u);
  const auto& p = quote->problems[0];
  EXPECT_EQ(p.field, "options[1]");
  EXPECT_EQ(p.option_id, 22);
  EXPECT_EQ(p.group_id, 2);
  EXPECT_EQ(p.rule_id, 101);
  EXPECT_NE(p.message.find("64GB"), std::string::npos) << p.message;
  EXPECT_NE(p.message.find("i9"), std::string::npos) << p.message;

  const std::int64_t none[] = {21};
  auto missing = quote_configuration(config, none, 1);
  ASSERT_TRUE(missing.ok());
  ASSERT_EQ(missing->problems.size(), 1u);
  EXPECT_EQ(missing->problems[0].group_id, 1);
  EXPECT_NE(missing->problems[0].message.find("CPU"), std::string::npos);
}

TEST(Configurator, ChosenOptionsKeepGroupOrderAndSnapshot) {
  const auto config = computer();
  const std::int64_t chosen[] = {41, 22, 12};
  auto quote = quote_configuration(config, chosen, 1);
  ASSERT_TRUE(quote.ok());
  ASSERT_EQ(quote->options.size(), 3u);
  EXPECT_EQ(quote->options[0].option_id, 12);
  EXPECT_EQ(quote->options[0].group_key, "cpu");
  EXPECT_EQ(quote->options[0].group_name_zh, "处理器");
  EXPECT_EQ(quote->options[0].supplier_id, 501);
  EXPECT_EQ(quote->options[1].option_id, 22);
  EXPECT_EQ(quote->options[1].supplier_id, 502);
  EXPECT_EQ(quote->options[2].option_id, 41);
  EXPECT_EQ(quote->options[2].price_delta, 2000);
  EXPECT_EQ(quote->options_total, 57000);
  EXPECT_TRUE(quote->valid);
}

TEST(Configurator, RefusesUnknownAndRepeatedOptions) {
  const auto config = computer();
  const std::int64_t foreign[] = {11, 21, 999};
  auto unknown = quote_configuration(config, foreign, 1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(unknown.error().code, "unknown_option");
  EXPECT_EQ(unknown.error().field, "options[2]");

  const std::int64_t twice[] = {11, 21, 11};
  auto repeated = quote_configuration(config, twice, 1);
  ASSERT_FALSE(repeated.ok());
  EXPECT_EQ(repeated.error().code, "duplicate_option");
  EXPECT_EQ(repeated.error().field, "options[2]");

  const std::int64_t fine[] = {11, 21};
  EXPECT_FALSE(quote_configuration(config, fine, 0).ok());
  EXPECT_FALSE(quote_configuration(config, fine, kMaxConfiguredQuantity + 1).ok());
}

TEST(Configurator, PriceBelowZeroIsAProblem) {
  auto config = computer();
  config.base_price = 1000;
  const std::int64_t chosen[] = {11, 21, 43};
  auto quote = quote_configuration(config, chosen, 1);
  ASSERT_TRUE(quote.ok());
  ASSERT_EQ(quote->problems.size(), 1u);
  EXPECT_EQ(quote->problems[0].code, "price_below_zero");
  EXPECT_EQ(quote->total, 0);
  EXPECT_FALSE(quote->valid);
}

ProductConfigurationInput valid_input() {
  ProductConfigurationInput in;
  OptionGroupInput cpu{"cpu", "CPU", "处理器", true, std::nullopt, std::nullopt, std::nullopt, {}};
  cpu.options = {ProductOptionInput{"i5", "Core i5", std::nullopt, std::nullopt, 5, 1},
                 ProductOptionInput{"i9", "Core i9", std::nullopt, 30000, 5, 1}};
  OptionGroupInput extras{"extras", "Extras", std::nullopt, std::nullopt, true,
                          std::nullopt, std::nullopt, {}};
  extras.options = {ProductOptionInput{"wifi", "Wi-Fi", std::nullopt, 2000, 0, std::nullopt},
                    ProductOptionInput{"case", "Compact", std::nullopt, -1500, 3, std::nullopt}};
  in.groups = {cpu, extras};
  in.rules = {OptionRuleInput{OptionRuleKind::kExcludes, "wifi", {"case"}}};
  return in;
}

TEST(Configurator, PrepareFillsDefaults) {
  auto prepared = prepare_configuration(valid_input());
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  ASSERT_EQ(prepared->groups.size(), 2u);
  EXPECT_EQ(prepared->groups[0].min_choices, 1);
  EXPECT_EQ(prepared->groups[0].max_choices, 1);
  EXPECT_EQ(prepared->groups[1].min_choices, 0);
  EXPECT_EQ(prepared->groups[1].max_choices, 2);
  EXPECT_EQ(prepared->groups[1].options[1].price_delta, -1500);
  EXPECT_EQ(prepared->groups[0].options[0].price_delta, 0);
  EXPECT_EQ(prepared->rules.size(), 1u);
}

struct BadCase {
  const char* name;
  void (*mutate)(ProductConfigurationInput&);
  const char* field;
};

TEST(Configurator, PrepareRefusesBadInputNamingTheField) {
  const std::vector<BadCase> cases = {
      {"negative stock", [](auto& in) { in.groups[0].options[1].stock_on_hand = -1; },
       "groups[0].options[1].stock_on_hand"},
      {"duplicate sku", [](auto& in) { in.groups[1].options[0].sku = "i5"; },
       "groups[1].options[0].sku"},
      {"duplicate key", [](auto& in) { in.groups[1].key = "cpu"; }, "groups[1].key"},
      {"empty name", [](auto& in) { in.groups[0].options[0].name = "  "; },
       "groups[0].options[0].name"},
      {"no options", [](auto& in) { in.groups[1].options.clear(); }, "groups[1].options"},
      {"single with max 2", [](auto& in) { in.groups[0].max_choices = 2; },
       "groups[0].max_choices"},
      {"required with min 0", [](auto& in) { in.groups[0].min_choices = 0; },
       "groups[0].min_choices"},
      {"min above options", [](auto& in) { in.groups[1].min_choices = 3; },
       "groups[1].min_choices"},
      {"delta too large",
       [](auto& in) { in.groups[0].options[0].price_delta = kMaxPriceDelta + 1; },
       "groups[0].options[0].price_delta"},
      {"unknown rule option", [](auto& in) { in.rules[0].option = "nope"; }, "rules[0].option"},
      {"unknown target", [](auto& in) { in.rules[0].targets = {"case", "x"}; },
       "rules[0].targets[1]"},
      {"self target", [](auto& in) { in.rules[0].targets = {"wifi"}; }, "rules[0].targets[0]"},
      {"no targets", [](auto& in) { in.rules[0].targets.clear(); }, "rules[0].targets"},
  };
  for (const auto& c : cases) {
    auto in = valid_input();
    c.mutate(in);
    auto prepared = prepare_configuration(in);
    ASSERT_FALSE(prepared.ok()) << c.name;
    EXPECT_EQ(prepared.error().kind, ErrorKind::kInvalidArgument) << c.name;
    EXPECT_EQ(prepared.error().field, c.field) << c.name;
  }
}

}  // namespace
}  // namespace ecrm::catalog
