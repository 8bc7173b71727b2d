// CSV cells that hold commas, quotes or names from users keep their column.
#include "experiments/csv.hpp"

#include <gtest/gtest.h>

namespace cascadelab::cli {
namespace {

TEST(Csv, CellsWithCommasAndQuotesAreQuotedAndReadBack) {
    const std::vector<std::string> cells{"plain", "a,b", "say \"hi\"", "", "\"", "x"};
    const std::string line = csv_line(cells);
    EXPECT_EQ(line, "plain,\"a,b\",\"say \"\"hi\"\"\",,\"\"\"\",x\n");
    std::vector<std::string> back;
    ASSERT_TRUE(parse_csv_line(line.substr(0, line.size() - 1), back));
    EXPECT_EQ(back, cells);
}

TEST(Csv, MalformedLinesAreRefused) {
    std::vector<std::string> cells;
    EXPECT_FALSE(parse_csv_line("a,\"b", cells));     // unclosed
    EXPECT_FALSE(parse_csv_line("a,\"b\"c", cells));  // text after the closing quote
    EXPECT_FALSE(parse_csv_line("a,b\"c", cells));    // a quote inside a plain cell
    EXPECT_TRUE(parse_csv_line("a,,", cells));
    EXPECT_EQ(cells, (std::vector<std::string>{"a", "", ""}));
}

}  // namespace
}  // namespace cascadelab::cli
