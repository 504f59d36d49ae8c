#include "core/secret_box.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/crypto.hpp"

namespace ecrm {
namespace {

class SecretBoxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir_ = "/tmp/ecrm-secret-box-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ::mkdir(dir_.c_str(), 0700);
  }
  void TearDown() override {
    std::remove((dir_ + "/a.key").c_str());
    std::remove((dir_ + "/b.key").c_str());
    std::remove((dir_ + "/bad.key").c_str());
    ::rmdir(dir_.c_str());
    install_secret_box(nullptr);
  }
  std::unique_ptr<SecretBox> box(const std::string& name) {
    const std::string path = dir_ + "/" + name;
    if (::access(path.c_str(), F_OK) != 0) {
      EXPECT_TRUE(SecretBox::create_key_file(path).ok());
    }
    auto opened = SecretBox::from_file(path);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return std::move(opened).value();
  }
  std::string dir_;
};

TEST_F(SecretBoxTest, SealedValuesOpenToTheSameTextAndDifferEachTime) {
  auto a = box("a.key");
  const std::string secret = "whsec_0123456789abcdef";
  const std::string first = a->seal(secret);
  const std::string second = a->seal(secret);
  EXPECT_TRUE(first.starts_with("sb1:"));
  EXPECT_TRUE(is_sealed(first));
  EXPECT_EQ(first.find(secret), std::string::npos);
  EXPECT_NE(first, second);  // a fresh nonce each time
  EXPECT_EQ(a->open(first).value(), secret);
  EXPECT_EQ(a->open(second).value(), secret);
  EXPECT_EQ(a->open(a->seal("")).value(), "");
}

TEST_F(SecretBoxTest, AChangedValueDoesNotOpen) {
  auto a = box("a.key");
  std::string sealed = a->seal("JBSWY3DPEHPK3PXP");
  const std::size_t middle = sealed.size() / 2;
  sealed[middle] = sealed[middle] == 'A' ? 'B' : 'A';
  auto opened = a->open(sealed);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("a.key"), std::string::npos) << opened.error().message;
  EXPECT_FALSE(a->open("sb1:").ok());
  EXPECT_FALSE(a->open("sb1:not base64!").ok());
}

TEST_F(SecretBoxTest, AnotherKeyIsRefusedNamingItsFile) {
  auto a = box("a.key");
  auto b = box("b.key");
  auto opened = b->open(a->seal("reply-secret-1234"));
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find(dir_ + "/b.key"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find("reply-secret-1234"), std::string::npos);
}

TEST_F(SecretBoxTest, ValuesStoredInClearReadAsThey) {
  auto a = box("a.key");
  EXPECT_EQ(a->open("whsec_legacy").value(), "whsec_legacy");
  EXPECT_EQ(a->open("").value(), "");
  // Without an installed box values are stored and read in clear; a sealed one asks for the key.
  install_secret_box(nullptr);
  EXPECT_EQ(seal_secret("plain"), "plain");
  EXPECT_EQ(open_secret("plain").value(), "plain");
  auto refused = open_secret(a->seal("x"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("--secret-key-file"), std::string::npos);
  install_secret_box(box("a.key"));
  const std::string sealed = seal_secret("plain");
  EXPECT_TRUE(is_sealed(sealed));
  EXPECT_EQ(open_secret(sealed).value(), "plain");
  EXPECT_EQ(open_secret("plain").value(), "plain");
  EXPECT_EQ(seal_secret(""), "");
}

TEST_F(SecretBoxTest, KeyFilesAreCreatedOnceOwnerOnlyAndCheckedWhenRead) {
  const std::string path = dir_ + "/a.key";
  ASSERT_TRUE(SecretBox::create_key_file(path).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_FALSE(SecretBox::create_key_file(path).ok());  // never overwritten
  auto missing = SecretBox::from_file(dir_ + "/none.key");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("none.key"), std::string::npos);
  std::ofstream(dir_ + "/bad.key") << "too short\n";
  auto bad = SecretBox::from_file(dir_ + "/bad.key");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("bad.key"), std::string::npos);
  // 32 raw bytes are a key too.
  std::ofstream(dir_ + "/bad.key", std::ios::binary | std::ios::trunc) << std::string(32, '\x07');
  EXPECT_TRUE(SecretBox::from_file(dir_ + "/bad.key").ok());
}

}  // namespace
}  // namespace ecrm
