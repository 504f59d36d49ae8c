// `ecrm feedback analyze`: the JSON it writes for a CSV of texts, and the errors of bad files.
#include "feedback/files.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ecrm::feedback {
namespace {

namespace fs = std::filesystem;

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = fs::temp_directory_path() /
            ("ecrm_feedback_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++) +
             ".csv");
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { fs::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

struct Analysed {
  Result<std::int64_t> texts;
  std::string out;
};

Analysed analyse(const std::string& csv, const AnalyzeOptions& options = {}) {
  TempFile file(csv);
  std::ostringstream out;
  Result<std::int64_t> texts = analyze_csv(file.path(), out, options);
  return {std::move(texts), out.str()};
}

const char* kMixed =
    "id,source,text\n"
    "t1,review,电池不耐用，一天要充三次电。\n"
    "t2,mail,\"Terrible battery, it drains overnight.\"\n"
    "t3,review,电池太差了，不推荐\n"
    "t4,chat,\"The battery dies after two hours, not good.\"\n"
    "t5,review,屏幕很好，很满意\n"
    "t6,review,电池发热严重\n"
    "t7,mail,\"Great screen, I love it\"\n";

TEST(AnalyzeCsv, WritesTextsItemsAndIssues) {
  const Analysed result = analyse(kMixed);
  ASSERT_TRUE(result.texts.ok()) << result.texts.error().message;
  EXPECT_EQ(*result.texts, 7);
  const boost::json::object doc = boost::json::parse(result.out).as_object();
  ASSERT_EQ(doc.size(), 3u);
  EXPECT_EQ(doc.at("texts").as_int64(), 7);
  const boost::json::array& items = doc.at("items").as_array();
  ASSERT_EQ(items.size(), 7u);
  EXPECT_EQ(items[0].at("id").as_string(), "t1");
  EXPECT_EQ(items[0].at("sentiment").as_string(), "negative");
  EXPECT_EQ(items[3].at("sentiment").as_string(), "negative");  // "not good"
  EXPECT_EQ(items[4].at("sentiment").as_string(), "positive");
  EXPECT_EQ(items[6].at("sentiment").as_string(), "positive");
  for (const auto& item : items) {
    const double score = item.at("score").to_number<double>();
    EXPECT_GE(score, -1);
    EXPECT_LE(score, 1);
  }
  const boost::json::array& issues = doc.at("issues").as_array();
  ASSERT_GE(issues.size(), 2u);
  // Three Chinese battery complaints, two English ones: the two top issues are each language's
  // word for the battery.
  const auto find = [&](std::string_view phrase) -> const boost::json::object* {
    for (std::size_t i = 0; i < 2; ++i) {
      if (issues[i].at("phrase").as_string() == phrase) return &issues[i].as_object();
    }
    return nullptr;
  };
  const boost::json::object* zh = find("电池");
  const boost::json::object* en = find("battery");
  ASSERT_NE(zh, nullptr) << result.out;
  ASSERT_NE(en, nullptr) << result.out;
  EXPECT_EQ(zh->at("count").as_int64(), 3);
  EXPECT_EQ(en->at("count").as_int64(), 2);
  const boost::json::array& examples = zh->at("examples").as_array();
  ASSERT_EQ(examples.size(), 3u);
  EXPECT_EQ(examples[0].at("id").as_string(), "t1");
  EXPECT_EQ(examples[0].at("quote").as_string(), "电池不耐用，一天要充三次电。");
  EXPECT_EQ(en->at("examples").as_array()[1].at("id").as_string(), "t4");
}

TEST(AnalyzeCsv, ScoresAreReadableNumbers) {
  const Analysed result = analyse(kMixed);
  EXPECT_EQ(result.out.find("E-"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("e-"), std::string::npos) << result.out;
  EXPECT_EQ(format_score(0.51349), "0.513");
  EXPECT_EQ(format_score(-0.05), "-0.05");
  EXPECT_EQ(format_score(0.0000001), "0");
  EXPECT_EQ(format_score(-0.0001), "0");
  EXPECT_EQ(format_score(1), "1");
}

TEST(AnalyzeCsv, EmptyFileOfTextsIsValid) {
  const Analysed result = analyse("id,text\n");
  ASSERT_TRUE(result.texts.ok());
  const boost::json::object doc = boost::json::parse(result.out).as_object();
  EXPECT_EQ(doc.at("texts").as_int64(), 0);
  EXPECT_TRUE(doc.at("items").as_array().empty());
  EXPECT_TRUE(doc.at("issues").as_array().empty());
}

TEST(AnalyzeCsv, BadFilesNameTheLineAndWriteNothing) {
  struct Case {
    const char* csv;
    const char* message;
  };
  for (const Case& c : {Case{"", "line 1: empty file"},
                        Case{"id,body\n1,x\n", "line 1: missing column 'text'"},
                        Case{"id,text\n1,ok\n2,ok,extra\n", "line 3: expected 2 fields, found 3"},
                        Case{"id,text\n1,ok\n,ok\n", "line 3: empty id"},
                        Case{"id,text\n1,ok\n2,\"unterminated\n", "line 3"}}) {
    const Analysed result = analyse(c.csv);
    ASSERT_FALSE(result.texts.ok()) << c.csv;
    EXPECT_NE(result.texts.error().message.find(c.message), std::string::npos)
        << result.texts.error().message;
    EXPECT_EQ(result.out, "") << c.csv;
  }
  std::ostringstream out;
  const auto missing = analyze_csv("/nonexistent/texts.csv", out);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "file");
}

TEST(AnalyzeCsv, OutputIsValidJsonWhateverTheText) {
  const Analysed result = analyse(std::string("id,text\n\"a\"\"b\",\"quote \"\" back\\slash\ttab\r\n"
                                              "newline\"\n") +
                                  "c,\"\x01\x1f\x7f\xff\xfe broken \xe7\x94\"\n");
  ASSERT_TRUE(result.texts.ok()) << result.texts.error().message;
  const boost::json::object doc = boost::json::parse(result.out).as_object();
  const boost::json::array& items = doc.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("id").as_string(), "a\"b");
  EXPECT_EQ(json_string("a\"\\\n\x01"), "\"a\\\"\\\\\\n\\u0001\"");
  EXPECT_EQ(json_string("\xff"), "\"\xEF\xBF\xBD\"");
}

// The CLI itself: `ecrm feedback analyze FILE --format json`.
struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CliRun run_ecrm(const std::string& args) {
  const char* env = std::getenv("ECRM_BINARY");
  const std::string binary = env != nullptr && *env != 0 ? env : ECRM_BINARY_PATH;
  const fs::path dir = fs::temp_directory_path();
  const std::string tag = std::to_string(::getpid());
  const fs::path out = dir / ("ecrm_feedback_out_" + tag);
  const fs::path err = dir / ("ecrm_feedback_err_" + tag);
  const std::string command =
      "'" + binary + "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::stringstream o;
  o << std::ifstream(out).rdbuf();
  run.out = o.str();
  std::stringstream e;
  e << std::ifstream(err).rdbuf();
  run.err = e.str();
  fs::remove(out);
  fs::remove(err);
  return run;
}

TEST(FeedbackCli, AnalyzesAFile) {
  TempFile file(kMixed);
  const CliRun run = run_ecrm("feedback analyze '" + file.path() + "' --format json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const boost::json::object doc = boost::json::parse(run.out).as_object();
  EXPECT_EQ(doc.at("texts").as_int64(), 7);
  EXPECT_EQ(doc.at("items").as_array().size(), 7u);
  EXPECT_GE(doc.at("issues").as_array().size(), 2u);
}

TEST(FeedbackCli, BadFileExitsTwoNamingTheLine) {
  TempFile file("id,text\n1,fine\n2\n");
  const CliRun run = run_ecrm("feedback analyze '" + file.path() + "'");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("line 3"), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(FeedbackCli, RefusesOtherFormats) {
  TempFile file(kMixed);
  const CliRun run = run_ecrm("feedback analyze '" + file.path() + "' --format xml");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace ecrm::feedback
