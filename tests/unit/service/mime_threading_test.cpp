// The pieces of inbound threading that need no database: the ticket token in a subject, the UIDs
// of an IMAP SEARCH answer, and a download's Content-Disposition and Content-Type.
#include <gtest/gtest.h>

#include "service/attachments.hpp"
#include "service/imap.hpp"
#include "service/inbound.hpp"

namespace ecrm::service {
namespace {

TEST(MimeThreading, SubjectToken) {
  EXPECT_EQ(subject_token("Re: [#T12-k7q2mz] Where is my order?"), "T12-k7q2mz");
  EXPECT_EQ(subject_token("回复：[#T3-abc] 订单"), "T3-abc");
  EXPECT_EQ(subject_token("[#note] then [#T9-x1]"), "T9-x1");
  EXPECT_EQ(subject_token("Fwd: [#T9-]"), std::nullopt);
  EXPECT_EQ(subject_token("[#T-abc]"), std::nullopt);
  EXPECT_EQ(subject_token("[#T12-ab'c]"), std::nullopt);
  EXPECT_EQ(subject_token("T12-k7q2mz without brackets"), std::nullopt);
  EXPECT_EQ(subject_token("[#T12-k7q2mz"), std::nullopt);
  EXPECT_EQ(subject_token(""), std::nullopt);
}

TEST(MimeThreading, ImapSearchAnswer) {
  EXPECT_EQ(parse_search("* SEARCH 4 7 19\r\n"), (std::vector<std::int64_t>{4, 7, 19}));
  EXPECT_EQ(parse_search("* SEARCH\r\n"), (std::vector<std::int64_t>{}));
  EXPECT_EQ(parse_search("* OK x\r\n* SEARCH 1 x2 3\r\n"), (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(parse_search(""), (std::vector<std::int64_t>{}));
}

TEST(MimeThreading, DownloadHeaders) {
  EXPECT_EQ(content_disposition("invoice.pdf"), "attachment; filename=\"invoice.pdf\"; filename*=UTF-8''invoice.pdf");
  EXPECT_EQ(content_disposition("发票.pdf"),
            "attachment; filename=\"______.pdf\"; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf");
  EXPECT_EQ(content_disposition("a\"b\\c\r\nd.txt"),
            "attachment; filename=\"a_b_c__d.txt\"; filename*=UTF-8''a%22b%5Cc%0D%0Ad.txt");
  EXPECT_EQ(content_disposition(""), "attachment; filename=\"attachment\"; filename*=UTF-8''");
  EXPECT_EQ(safe_content_type("image/png"), "image/png");
  EXPECT_EQ(safe_content_type("application/vnd.ms-excel"), "application/vnd.ms-excel");
  EXPECT_EQ(safe_content_type("text/html\r\nX-Evil: 1"), "application/octet-stream");
  EXPECT_EQ(safe_content_type("text/html; charset=utf-8"), "application/octet-stream");
  EXPECT_EQ(safe_content_type("nonsense"), "application/octet-stream");
  EXPECT_EQ(safe_content_type("/x"), "application/octet-stream");
}

}  // namespace
}  // namespace ecrm::service
