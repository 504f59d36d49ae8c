#include "storage/multi_row.hpp"

#include <gtest/gtest.h>

namespace ecrm::storage {
namespace {

constexpr MultiRowShape kInsert{"INSERT INTO t (a, b) VALUES ", 2, " RETURNING a"};
constexpr MultiRowShape kUpdate{"UPDATE t SET b = u.column2 FROM (VALUES ", 2,
                                ") AS u WHERE t.a = u.column1", "it"};
constexpr MultiRowShape kIn{"SELECT a FROM t WHERE a IN (", 1, ")", {}, true};

TEST(MultiRowSql, RowsOfPlaceholdersBetweenHeadAndTail) {
  EXPECT_EQ(multi_row_sql(kInsert, 1), "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING a");
  EXPECT_EQ(multi_row_sql(kInsert, 3),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6) RETURNING a");
}

TEST(MultiRowSql, TypedRowsCastEveryParameter) {
  EXPECT_EQ(multi_row_sql(kUpdate, 2),
            "UPDATE t SET b = u.column2 FROM (VALUES (CAST($1 AS BIGINT), CAST($2 AS TEXT)), "
            "(CAST($3 AS BIGINT), CAST($4 AS TEXT))) AS u WHERE t.a = u.column1");
}

TEST(MultiRowSql, ListsAreSingleParameters) {
  EXPECT_EQ(multi_row_sql(kIn, 3), "SELECT a FROM t WHERE a IN ($1, $2, $3)");
}

TEST(MultiRowSql, TheSameTextIsReturnedForTheSameShapeAndSize) {
  EXPECT_EQ(&multi_row_sql(kIn, 4), &multi_row_sql(kIn, 4));
  EXPECT_NE(&multi_row_sql(kIn, 4), &multi_row_sql(kIn, 5));
}

}  // namespace
}  // namespace ecrm::storage
