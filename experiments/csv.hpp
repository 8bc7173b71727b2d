// CSV as RFC 4180 has it: a cell holding a comma, a quote or a line break is quoted, quotes
// doubled. Scenario names and sweep values are labels from users; they must not shift a column.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace cascadelab::cli {

std::string csv_cell(std::string_view text);
std::string csv_line(const std::vector<std::string>& cells);  // with the trailing newline
// One line's cells; false when the line is not well-formed CSV (an unclosed quote, text after
// a closing quote). Lines are read without their newline: cells never hold one here.
bool parse_csv_line(std::string_view line, std::vector<std::string>& cells);

// A whole table: a header and rows of as many cells.
struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    // The index of a column, or npos.
    std::size_t column(std::string_view name) const;
};
std::string to_csv(const CsvTable& table);
// Reads `path` (at most 256 MiB, some 300,000 runs of a sweep) strictly: every line well-formed, every row as wide as the
// header. Throws BadInput naming the file and the line.
CsvTable read_csv_table(const std::string& path);
// A cell that must be a finite number: BadInput naming the file, the row and the column otherwise.
double number_cell(const CsvTable& table, std::size_t row, std::size_t column, std::string_view source);

}  // namespace cascadelab::cli
