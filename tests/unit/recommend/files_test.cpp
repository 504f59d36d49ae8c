#include "recommend/files.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/csv.hpp"
#include "recommend/render.hpp"

namespace ecrm::recommend {
namespace {

std::vector<std::string> names(const TransactionFile& file, std::size_t t) {
  std::vector<std::string> out;
  for (ItemId item : file.transactions[t]) out.push_back(file.items.name(item));
  return out;
}

std::string error_of(const Error& e) { return e.message; }

TEST(ReadBaskets, GroceriesLayoutWithQuotesSpacesAndDuplicates) {
  std::istringstream in(
      "\xEF\xBB\xBF"
      "citrus fruit,semi-finished bread,margarine,ready soups\n"
      "tropical fruit, yogurt ,coffee\r\n"
      "\n"
      "\"whole milk\",\"a, quoted item\",whole milk\n"
      ",,\n"
      "yogurt,,\n");
  auto file = read_baskets(in);
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->transactions.size(), 4u);  // blank and comma-only lines are not transactions
  EXPECT_EQ(file->items.size(), 9u);
  EXPECT_EQ(names(*file, 1), (std::vector<std::string>{"coffee", "tropical fruit", "yogurt"}));
  EXPECT_EQ(names(*file, 2), (std::vector<std::string>{"a, quoted item", "whole milk"}));
  EXPECT_EQ(names(*file, 3), (std::vector<std::string>{"yogurt"}));
  EXPECT_TRUE(file->items.find("citrus fruit").has_value());  // byte order mark dropped
  // Ids follow name order.
  for (ItemId id = 1; id < file->items.size(); ++id) {
    EXPECT_LT(file->items.name(id - 1), file->items.name(id));
  }
}

TEST(ReadBaskets, UnterminatedQuoteNamesItsLine) {
  std::istringstream in("a,b\nc,d\ne,\"f\n");
  auto file = read_baskets(in);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(error_of(file.error()).rfind("line 3: ", 0), 0u) << file.error().message;
}

TEST(ReadOrderItems, GroupsRowsByOrderAndReportsBadRows) {
  std::istringstream in("order_id,item,qty\n1,milk,2\n2,bread,1\n1,bread,1\n1,milk,1\n3,eggs,1\n");
  auto file = read_order_items(in);
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_EQ(file->transactions.size(), 3u);
  EXPECT_EQ(names(*file, 0), (std::vector<std::string>{"bread", "milk"}));

  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"order,item\n1,milk\n", "line 1: missing column 'order_id'"},
           Case{"order_id,product\n1,milk\n", "line 1: missing column 'item'"},
           Case{"", "line 1: empty file"},
           Case{"order_id,item\n1,milk\n2, \n", "line 3: empty item"},
           Case{"order_id,item\n1,milk\n\n,bread\n", "line 4: empty order_id"},
           Case{"order_id,item\n1,milk\n2\n", "line 3: expected 2 fields, found 1"},
       }) {
    std::istringstream bad(c.text);
    auto result = read_order_items(bad);
    ASSERT_FALSE(result.ok()) << c.text;
    EXPECT_EQ(result.error().message.rfind(c.message, 0), 0u) << result.error().message;
  }
}

TEST(ReadCustomerOrders, ParsesOrdersCatalogAndErrors) {
  std::istringstream in(
      "customer_id,order_id,date,item,category,price\n"
      "c1,o1,2024-01-05,laptop pro,laptops,1999.99\n"
      "c1,o1,2024-01-04T10:00:00Z,mouse,accessories,19.5\n"
      "c2,o1,2024-02-01,laptop basic,laptops,299\n"
      "c1,o2,2024-03-01,mouse,accessories,\n"
      "c2,o9,2024-03-02,laptop mid,laptops,899\n");
  auto file = read_customer_orders(in);
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->customer_ids, (std::vector<std::string>{"c1", "c2"}));
  ASSERT_EQ(file->orders.size(), 4u);  // (c1,o1), (c2,o1), (c1,o2), (c2,o9)
  EXPECT_EQ(file->orders[0].items.size(), 2u);
  EXPECT_EQ(file->orders[0].at_ms, *parse_iso8601("2024-01-04T10:00:00Z"));  // earliest row
  EXPECT_EQ(file->orders[1].customer, 1u);
  ASSERT_EQ(file->catalog.size(), 4u);
  ItemId pro = *file->items.find("laptop pro");
  EXPECT_EQ(file->catalog[pro].category, "laptops");
  EXPECT_EQ(file->catalog[pro].price, 199999);
  EXPECT_EQ(file->catalog[pro].tier, PriceTier::kPremium);
  EXPECT_EQ(file->catalog[*file->items.find("laptop basic")].tier, PriceTier::kBudget);

  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"customer_id,order_id,item\nc,o,x\n", "line 1: missing column 'date'"},
           Case{"customer_id,order_id,date,item\nc,o,2024-01-01,x\nc,o,2024-13-01,y\n",
                "line 3: bad date '2024-13-01'"},
           Case{"customer_id,order_id,date,item\nc,o,yesterday,x\n", "line 2: bad date"},
           Case{"customer_id,order_id,date,item,price\nc,o,2024-01-01,x,-3\n", "line 2: bad price"},
           Case{"customer_id,order_id,date,item,tier\nc,o,2024-01-01,x,luxury\n",
                "line 2: bad tier 'luxury'"},
           Case{"customer_id,order_id,date,item\n\n\n,o,2024-01-01,x\n",
                "line 4: empty customer_id"},
       }) {
    std::istringstream bad(c.text);
    auto result = read_customer_orders(bad);
    ASSERT_FALSE(result.ok()) << c.text;
    EXPECT_EQ(result.error().message.rfind(c.message, 0), 0u) << result.error().message;
  }
}

TEST(Render, NumbersArePlainDecimals) {
  EXPECT_EQ(format_number(0.513), "0.513");
  EXPECT_EQ(format_number(0.01), "0.01");
  EXPECT_EQ(format_number(2.0), "2");
  EXPECT_EQ(format_number(1e-7), "0.0000001");
  EXPECT_EQ(format_number(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(format_number(123456789.5), "123456789.5");
  EXPECT_EQ(format_number(-0.0), "0");
}

TEST(Render, RulesJsonAndCsvCarryTheSameRows) {
  std::istringstream in("a,b\na,b,\"c, d\"\na\nb,\"c, d\"\n");
  auto file = read_baskets(in);
  ASSERT_TRUE(file.ok());
  RuleSet rules = mine_rules(file->transactions, {{1, 4}, {1, 2}, 10});
  ASSERT_FALSE(rules.rules.empty());
  std::ostringstream json_out;
  write_rules_json(json_out, rules, file->items);
  boost::json::value doc = boost::json::parse(json_out.str());
  EXPECT_EQ(doc.at("transactions").as_int64(), 4);
  EXPECT_EQ(doc.at("items").as_int64(), 3);
  EXPECT_EQ(doc.at("rule_count").as_int64(), static_cast<std::int64_t>(rules.rules.size()));
  const auto& first = doc.at("rules").as_array().at(0).as_object();
  EXPECT_TRUE(first.at("antecedent").is_array());
  EXPECT_TRUE(first.at("consequent").is_string());
  EXPECT_EQ(json_out.str().find("E-"), std::string::npos);
  EXPECT_EQ(json_out.str().find("e-"), std::string::npos);

  std::ostringstream csv_out;
  write_rules_csv(csv_out, rules, file->items);
  std::istringstream csv_in(csv_out.str());
  CsvReader reader(csv_in);
  std::vector<std::string> fields;
  ASSERT_TRUE(*reader.next(fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"antecedent", "consequent", "support", "confidence",
                                              "lift", "count"}));
  std::size_t rows = 0;
  for (const auto& rule : doc.at("rules").as_array()) {
    ASSERT_TRUE(*reader.next(fields));
    ++rows;
    EXPECT_EQ(boost::json::parse(fields[0]), rule.at("antecedent"));
    EXPECT_EQ(fields[1], rule.at("consequent").as_string());
    EXPECT_EQ(std::stod(fields[3]), rule.at("confidence").to_number<double>());
    EXPECT_EQ(std::stoll(fields[5]), rule.at("count").as_int64());
  }
  EXPECT_EQ(rows, rules.rules.size());
  EXPECT_FALSE(*reader.next(fields));
}

#ifdef ECRM_BINARY
// End to end through the real binary: exit codes and the JSON contract.
std::pair<int, std::string> run(const std::string& args) {
  std::string command = std::string(ECRM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

TEST(Cli, RulesAndEvaluateSmoke) {
  std::string dir = ::testing::TempDir();
  std::string baskets = dir + "/ecrm_rules_baskets.txt";
  std::ofstream(baskets) << "milk,bread\nbread,butter,milk\nbeer,diapers\nmilk,bread,beer\n";
  auto [code, out] = run("rules --baskets " + baskets + " --min-support 0.5 --format json");
  ASSERT_EQ(code, 0) << out;
  boost::json::value doc = boost::json::parse(out);
  EXPECT_EQ(doc.at("transactions").as_int64(), 4);
  EXPECT_EQ(doc.at("rule_count").as_int64(), 2);  // bread => milk, milk => bread

  auto [csv_code, csv] = run("rules --baskets " + baskets + " --min-support 0.5 --format csv");
  EXPECT_EQ(csv_code, 0);
  EXPECT_EQ(csv.rfind("antecedent,consequent,support,confidence,lift,count\n", 0), 0u);

  std::string bad = dir + "/ecrm_rules_bad.csv";
  std::ofstream(bad) << "order_id,item\n1,milk\n2,\n";
  auto [bad_code, bad_out] = run("rules --transactions " + bad);
  EXPECT_EQ(bad_code, 2);
  EXPECT_NE(bad_out.find("line 3: empty item"), std::string::npos) << bad_out;
  EXPECT_EQ(run("rules --baskets " + baskets + " --min-support 1.5").first, 2);
  EXPECT_EQ(run("rules --baskets " + dir + "/does-not-exist.txt").first, 2);

  std::string orders = dir + "/ecrm_eval_orders.csv";
  std::ofstream(orders) << "customer_id,order_id,date,item\n"
                           "c1,1,2024-01-01,milk\nc1,1,2024-01-01,bread\nc1,2,2024-02-01,butter\n"
                           "c2,3,2024-01-03,bread\nc2,3,2024-01-03,butter\nc2,4,2024-02-03,milk\n";
  auto [eval_code, eval_out] = run("recommend evaluate --transactions " + orders);
  ASSERT_EQ(eval_code, 0) << eval_out;
  boost::json::value report = boost::json::parse(eval_out);
  EXPECT_EQ(report.at("evaluated").as_int64(), 2);
  EXPECT_TRUE(report.at("methods").at("popular").at("hit_rate").is_number());
  EXPECT_TRUE(report.at("methods").at("personal").at("map").is_number());

  std::ofstream(orders) << "customer_id,order_id,date,item\nc1,1,2024-01-01,milk\nc1,2,someday,x\n";
  auto [date_code, date_out] = run("recommend evaluate --transactions " + orders);
  EXPECT_EQ(date_code, 2);
  EXPECT_NE(date_out.find("line 3: bad date"), std::string::npos) << date_out;
}
#endif

}  // namespace
}  // namespace ecrm::recommend
