// Reading summaries and transactions: exact amounts, and one clear error naming the line for
// each kind of bad file; plus the CLI's exit codes and output contracts on small files.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analytics/files.hpp"
#include "analytics/json_output.hpp"
#include "core/time.hpp"
#include "test_support.hpp"

namespace ecrm::analytics {
namespace {

using testing::run_ecrm;

TEST(Amounts, ParsedExactlyFromTheText) {
  EXPECT_EQ(*parse_amount_minor("29.33"), 2933);
  EXPECT_EQ(*parse_amount_minor("0.29"), 29);
  EXPECT_EQ(*parse_amount_minor("1.1"), 110);
  EXPECT_EQ(*parse_amount_minor("7"), 700);
  EXPECT_EQ(*parse_amount_minor("7."), 700);
  EXPECT_EQ(*parse_amount_minor(".5"), 50);
  EXPECT_EQ(*parse_amount_minor(" -12.30 "), -1230);
  EXPECT_EQ(*parse_amount_minor("+4.000"), 400);
  EXPECT_EQ(*parse_amount_minor("92233720368547757.99"), 9223372036854775799);
  // 0.1 + 0.2 style inputs stay exact: 1000 rows of 0.01 are 10.00, not 9.999….
  std::int64_t sum = 0;
  for (int i = 0; i < 1000; ++i) sum += *parse_amount_minor("0.01");
  EXPECT_EQ(sum, 1000);
  for (const char* bad : {"", "-", ".", "abc", "1,5", "1e3", "12.345", "--1", "1.2.3", "0x10",
                          "922337203685477580.00"}) {
    EXPECT_FALSE(parse_amount_minor(bad).ok()) << bad;
  }
  EXPECT_EQ(format_minor(-1230), "-12.30");
  EXPECT_EQ(format_minor(5), "0.05");
  EXPECT_EQ(format_minor(0), "0.00");
}

std::string error_of(const std::string& text, bool summary) {
  std::istringstream in(text);
  if (summary) {
    auto result = read_summary(in);
    return result.ok() ? "" : result.error().message;
  }
  auto result = read_transactions(in);
  return result.ok() ? "" : result.error().message;
}

TEST(SummaryFile, ReadsColumnsInAnyOrder) {
  std::istringstream in("T,customer_id,recency,frequency,extra\n38.86,a,30.43,2,x\n10,b,0,0,y\n");
  auto table = read_summary(in);
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_FALSE(table->has_monetary);
  EXPECT_EQ(table->customer_id, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(table->frequency, (std::vector<std::int32_t>{2, 0}));
  EXPECT_DOUBLE_EQ(table->recency[0], 30.43);
  EXPECT_DOUBLE_EQ(table->age[1], 10.0);
}

TEST(SummaryFile, BadFilesNameTheLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "line 1: empty file"},
      {"customer_id,frequency,recency\n1,0,0\n", "line 1: missing column 'T'"},
      {"customer_id,frequency,recency,T\n1,0,0,5\n2,x,0,5\n", "line 3: bad number 'x'"},
      {"customer_id,frequency,recency,T\n1,1.5,0,5\n", "line 2: frequency must be a whole number"},
      {"customer_id,frequency,recency,T\n1,2,6,5\n", "line 2: recency must be between 0 and T"},
      {"customer_id,frequency,recency,T\n1,0,1,5\n", "line 2: recency must be 0"},
      {"customer_id,frequency,recency,T\n1,1,1\n", "line 2: expected 4 fields, found 3"},
      {"customer_id,frequency,recency,T,monetary_value\n1,1,1,5,-3\n",
       "line 2: monetary_value must be >= 0"},
      {"customer_id,frequency,recency,T\n\n1,1,1,nan\n", "line 3: bad number 'nan'"},
      {"customer_id,frequency,recency,T\n1,1,1,5\n\"2,1,1,5\n", "line 3: malformed CSV"},
  };
  for (const Case& c : cases) {
    const std::string message = error_of(c.text, true);
    EXPECT_EQ(message.rfind(c.message, 0), 0u) << "got: " << message << "\nfor: " << c.text;
  }
}

TEST(TransactionsFile, ReadsDaysAndIdsInOrderOfAppearance) {
  std::istringstream in(
      "customer_id,date,amount\nb,1997-01-02,1.50\na,1997-01-01T23:30:00Z,2\nb,1997-01-03,0.25\n");
  auto table = read_transactions(in);
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->customer_id, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(table->customer, (std::vector<std::uint32_t>{0, 1, 0}));
  EXPECT_EQ(table->day[1], static_cast<std::int32_t>(days_from_civil(1997, 1, 1)));
  EXPECT_EQ(table->amount_minor, (std::vector<std::int64_t>{150, 200, 25}));
  EXPECT_EQ(table->last_day, static_cast<std::int32_t>(days_from_civil(1997, 1, 3)));
}

TEST(TransactionsFile, BadFilesNameTheLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"customer_id,amount\n1,2\n", "line 1: missing column 'date'"},
      {"customer_id,date,amount\n1,1997-01-01,2\n1,1997-02-30,2\n",
       "line 3: bad date '1997-02-30'"},
      {"customer_id,date,amount\n1,1997-01-01,2\n1,1997-01-02,abc\n", "line 3: bad amount 'abc'"},
      {"customer_id,date,amount\n1,1997-01-01,1.234\n", "line 2: amount '1.234' has more than 2"},
      {"customer_id,date,amount\n,1997-01-01,1\n", "line 2: empty customer_id"},
      {"customer_id,date,amount\n1,01/02/1997,1\n", "line 2: bad date '01/02/1997'"},
  };
  for (const Case& c : cases) {
    const std::string message = error_of(c.text, false);
    EXPECT_EQ(message.rfind(c.message, 0), 0u) << "got: " << message << "\nfor: " << c.text;
  }
  auto missing = read_transactions_file("/nonexistent/ecrm/orders.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot read '/nonexistent/ecrm/orders.csv'"),
            std::string::npos);
}

TEST(JsonOutput, NumbersArePrintedForPeople) {
  EXPECT_EQ(format_decimal(0.2425913, 7, 10), "0.2425913");
  EXPECT_EQ(format_decimal(0.513, 7, 10), "0.513");
  EXPECT_EQ(format_decimal(-9582.42963, 7, 10), "-9582.43");
  EXPECT_EQ(format_decimal(12.0, 7, 10), "12");
  EXPECT_EQ(format_decimal(123456789.25, 7, 10), "123456789");
  EXPECT_EQ(format_decimal(1.5e-12, 7, 10), "0");
  EXPECT_EQ(format_decimal(-1e-13, 7, 10), "0");
  EXPECT_EQ(format_decimal(0.00012345678, 7, 10), "0.0001234568");
  std::ostringstream out;
  JsonFormat format;
  format.money_keys = {"revenue"};
  write_json(out,
             boost::json::object{{"revenue", 1234.5},
                                 {"share", 0.5130000001},
                                 {"n", 3},
                                 {"list", boost::json::array{1.25, 2}}},
             format);
  const auto parsed = boost::json::parse(out.str());
  EXPECT_NE(out.str().find("\"revenue\": 1234.50"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("\"share\": 0.513"), std::string::npos) << out.str();
  EXPECT_EQ(parsed.at("n").as_int64(), 3);
}

// A temporary file removed at the end of the test.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& text) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("ecrm_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".csv");
    std::ofstream(path) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
  std::string quoted() const { return "'" + path.string() + "'"; }
};

TEST(Cli, BadInputFilesExitWithCode2AndNameTheLine) {
  TempFile bad_amount("customer_id,date,amount\n1,2024-01-01,5\n2,2024-01-02,five\n");
  auto rfm = run_ecrm("rfm --transactions " + bad_amount.quoted());
  EXPECT_EQ(rfm.exit_code, 2);
  EXPECT_NE(rfm.err.find("line 3: bad amount 'five'"), std::string::npos) << rfm.err;
  EXPECT_TRUE(rfm.out.empty());

  TempFile no_T("customer_id,frequency,recency\n1,0,0\n");
  auto clv = run_ecrm("clv --summary " + no_T.quoted());
  EXPECT_EQ(clv.exit_code, 2);
  EXPECT_NE(clv.err.find("line 1: missing column 'T'"), std::string::npos) << clv.err;

  TempFile bad_date("customer_id,date,amount\n1,2024-01-01,5\n1,2024-13-01,5\n");
  auto tx = run_ecrm("clv --transactions " + bad_date.quoted() + " --calibration-end 2024-06-30");
  EXPECT_EQ(tx.exit_code, 2);
  EXPECT_NE(tx.err.find("line 3: bad date '2024-13-01'"), std::string::npos) << tx.err;

  auto unreadable = run_ecrm("rfm --transactions /nonexistent/ecrm.csv");
  EXPECT_EQ(unreadable.exit_code, 2);
  EXPECT_NE(unreadable.err.find("cannot read"), std::string::npos) << unreadable.err;

  auto bad_option =
      run_ecrm("clv --transactions " + bad_date.quoted() + " --calibration-end 2024-99-01");
  EXPECT_EQ(bad_option.exit_code, 2);
}

TEST(Cli, RfmPrintsOneRowPerCustomerAndASummary) {
  TempFile orders(
      "customer_id,date,amount\n"
      "alice,2024-01-01,10.00\nalice,2024-03-01,20.50\nbob,2024-02-15,5.25\n"
      "carol,2024-03-10,100\ncarol,2024-03-10,0.01\ndave,2024-04-01,7\n");
  auto csv = run_ecrm("rfm --transactions " + orders.quoted() + " --as-of 2024-03-31");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out,
            "customer_id,recency_days,frequency,monetary,r,f,m,segment,tier\n"
            "alice,30,2,30.50,2,2,2,hibernating,loyal\n"
            "bob,45,1,5.25,1,1,1,lost,occasional\n"
            "carol,21,2,100.01,4,2,4,potential,loyal\n");
  auto summary = run_ecrm("rfm --transactions " + orders.quoted() + " --summary");
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  const auto json = boost::json::parse(summary.out).as_object();
  EXPECT_EQ(json.at("customers").to_number<int>(), 4);
  EXPECT_NE(summary.out.find("\"revenue\": 142.76"), std::string::npos) << summary.out;
  EXPECT_EQ(json.at("as_of").as_string(), "2024-04-01");
  EXPECT_EQ(json.at("tiers").as_object().size(), 3u);
  EXPECT_EQ(json.at("segments").as_object().size(), 10u);
  std::int64_t tiered = 0;
  for (const auto& [name, count] : json.at("tiers").as_object()) tiered += count.to_number<int>();
  EXPECT_EQ(tiered, 4);
  // Revenue 10+20.50 / 5.25 / 100.01 / 7: the top 20% (0.8 of a customer) hold 0.8 * 100.01.
  EXPECT_NEAR(json.at("top20_revenue_share").to_number<double>(), 0.8 * 100.01 / 142.76, 1e-6);
}

}  // namespace
}  // namespace ecrm::analytics
