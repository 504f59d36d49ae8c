// The customer's wire forms: the JSON a customer crosses as, how a create or change is read, and
// merge snapshots (today's and those stored before consent crossed per channel) undone.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>

#include "core/crypto.hpp"
#include "customers/service.hpp"
#include "http/wire.hpp"
#include "storage/migrations.hpp"

namespace ecrm::customers {
namespace {

namespace json = boost::json;

Result<CustomerInput> read(std::string_view body) {
  return wire::read<CustomerInput>(json::parse(body));
}

TEST(CustomerWire, CrossesWithConsentPerChannelAndAttributesAsAnObject) {
  Customer x;
  x.id = 7;
  x.name = "Li Wei";
  x.type = CustomerType::kBusiness;
  x.attributes = R"({"size":38})";
  x.consent_for(ConsentChannel::kSms) = Consent{true, 1000, "checkout"};
  json::object o = wire::to_json(x).as_object();
  EXPECT_EQ(o.at("type"), "business");
  EXPECT_TRUE(o.at("gender").is_null());
  EXPECT_EQ(o.at("attributes"), (json::object{{"size", 38}}));
  EXPECT_EQ(o.at("consent").at("sms"),
            (json::object{{"granted", true}, {"at", 1000}, {"how", "checkout"}}));
  EXPECT_TRUE(o.at("consent").at("email").at("granted").is_null());
  EXPECT_FALSE(o.contains("name_key"));
  EXPECT_EQ(o.size(), 24u);
}

TEST(CustomerWire, InputTellsAbsentFromNull) {
  auto in = read(R"({"name":"Ann","phone":null,"employee_count":null,"tags":null,
                    "consent":{"email":null,"sms":{"granted":false,"at":"2024-01-02"}}})");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->name, "Ann");
  EXPECT_EQ(in->phone, "");  // null clears
  EXPECT_FALSE(in->email.has_value());
  ASSERT_TRUE(in->employee_count.has_value());
  EXPECT_FALSE(in->employee_count->has_value());
  ASSERT_TRUE(in->tags.has_value());
  EXPECT_TRUE(in->tags->empty());
  ASSERT_TRUE(in->consent->email.has_value());
  EXPECT_FALSE(in->consent->email->has_value());  // cleared
  EXPECT_FALSE((*in->consent->sms)->granted);
  EXPECT_EQ((*in->consent->sms)->at, 1704153600000);
  EXPECT_FALSE(in->consent->phone.has_value());  // kept
}

TEST(CustomerWire, InputErrorsNameTheFieldWithTheServicesLimits) {
  struct Case {
    std::string body;
    const char* field;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"name":")" + std::string(kMaxName + 1, 'n') + R"("})", "name"},
           {R"({"country":")" + std::string(kMaxCountry + 1, 'c') + R"("})", "country"},
           {R"({"type":"alien"})", "type"},
           {R"({"employee_count":-1})", "employee_count"},
           {R"({"consent":{"email":{"how":"form"}}})", "consent.email.granted"},
           {R"({"anniversaries":[{"kind":"wedding","date":"June"}]})", "anniversaries[0].date"},
       }) {
    auto in = read(c.body);
    ASSERT_FALSE(in.ok()) << c.body;
    EXPECT_EQ(in.error().field, c.field) << in.error().message;
  }
}

class MergeUndoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    path_ = std::filesystem::temp_directory_path() / ("ecrm-merge-" + random_token(8) + ".db");
    auto opened = storage::open_database("sqlite:" + path_.string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(opened).value();
    ASSERT_TRUE(storage::migrate(*db_, storage::embedded_migrations()).ok());
    service_ = std::make_unique<CustomerService>(*db_);
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }
  std::int64_t create(std::string_view body) {
    auto created = service_->create(*read(body));
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? created->id : 0;
  }

  std::filesystem::path path_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<CustomerService> service_;
};

TEST_F(MergeUndoTest, SnapshotsPutBackWhatTheMergeGave) {
  std::int64_t survivor = create(R"({"name":"Wang Fang","attributes":{"size":"M"}})");
  std::int64_t other = create(R"({"name":"Fang Wang","city":"Hangzhou","tags":["app"],
      "attributes":{"pet":"cat"},"consent":{"sms":{"granted":true,"at":5}}})");
  auto merged = service_->merge(survivor, MergeRequest{other}, "test");
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  auto history = service_->merges_of(survivor);
  ASSERT_TRUE(history.ok());
  const MergeSnapshot& snapshot = *history->at(0).snapshot;
  std::vector<std::string> fields;
  for (const auto& change : snapshot.changes) fields.push_back(change.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"city", "attributes", "consent.sms"}));
  EXPECT_EQ(snapshot.tags_added, std::vector<std::string>{"app"});
  EXPECT_EQ(snapshot.merged.id, other);

  ASSERT_TRUE(service_->update(survivor, *read(R"({"city":"Suzhou"})")).ok());
  auto undone = service_->undo_merge(merged->merge.id);
  ASSERT_TRUE(undone.ok()) << undone.error().message;
  EXPECT_EQ(undone->survivor.city, "Suzhou");  // edited since: kept
  EXPECT_EQ(undone->survivor.attributes, R"({"size":"M"})");
  EXPECT_FALSE(undone->survivor.consent.sms.granted.has_value());
  EXPECT_TRUE(undone->survivor.tags.empty());
  EXPECT_FALSE(undone->merged.merged_into.has_value());
}

TEST_F(MergeUndoTest, SnapshotsStoredInTheEarlierFormAreUndoneToo) {
  std::int64_t survivor = create(R"({"name":"Old Form","attributes":{"a":1}})");
  std::int64_t other = create(
      R"({"name":"Other","attributes":{"b":2},"consent":{"email":{"granted":true,"at":9}}})");
  auto merged = service_->merge(survivor, MergeRequest{other}, "test");
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  // What the merge would have stored before: consent_<channel> fields, attributes as text.
  json::object snapshot = json::parse(R"({"tags_added":[],"anniversaries_added":[],
      "referrals":[],"records":{},"changes":[
        {"field":"attributes","before":"{\"a\":1}","after":"{\"a\":1,\"b\":2}"},
        {"field":"consent_email","before":{"granted":null,"at":null,"how":""},
         "after":{"granted":true,"at":9,"how":""}}]})")
                              .as_object();
  snapshot["merged"] = wire::to_json(merged->merged);
  {
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)
                    ->execute("UPDATE customer_merges SET snapshot = $1 WHERE id = $2",
                              {json::serialize(snapshot), merged->merge.id})
                    .ok());
  }
  auto undone = service_->undo_merge(merged->merge.id);
  ASSERT_TRUE(undone.ok()) << undone.error().message;
  EXPECT_FALSE(undone->survivor.consent.email.granted.has_value());
  EXPECT_EQ(undone->survivor.attributes, R"({"a":1})");
}

}  // namespace
}  // namespace ecrm::customers
