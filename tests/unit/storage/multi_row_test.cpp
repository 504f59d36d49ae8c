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

TEST(PostgresArraySql, ValuesListsBecomeOneArrayPerColumn) {
  EXPECT_EQ(postgres_array_sql(kInsert, "it"),
            "INSERT INTO t (a, b) SELECT * FROM unnest($1::bigint[], $2::text[]) RETURNING a");
  EXPECT_EQ(postgres_array_sql(kUpdate, "it"),
            "UPDATE t SET b = u.column2 FROM unnest($1::bigint[], $2::text[]) AS u(column1, "
            "column2) WHERE t.a = u.column1");
  EXPECT_EQ(postgres_array_sql(kIn, "i"), "SELECT a FROM t WHERE a = ANY($1::bigint[])");
}

TEST(PgArray, QuotesStringsAndWritesNullsAndNumbers) {
  PgArray array;
  array.add(Value(std::int64_t{-7}));
  array.add(Value());
  array.add(Value(std::string("say \"hi\" \\ {x, y}")));
  array.add(Value(std::string("NULL")));
  array.add(Value(std::string()));
  EXPECT_EQ(array.take(), R"({-7,NULL,"say \"hi\" \\ {x, y}","NULL",""})");
  // Empty again: the next literal starts afresh.
  EXPECT_EQ(array.take(), "{}");
}

}  // namespace
}  // namespace ecrm::storage
