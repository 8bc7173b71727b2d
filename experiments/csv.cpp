#include "experiments/csv.hpp"


#include <charconv>  // std::from_chars
#include <cmath>     // std::isfinite

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"
#include "model/json_input.hpp"

namespace cascadelab::cli {

std::string csv_cell(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string{text};
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out.push_back(',');
        out.append(csv_cell(cells[i]));
    }
    out.push_back('\n');
    return out;
}

bool parse_csv_line(std::string_view line, std::vector<std::string>& cells) {
    cells.clear();
    std::size_t i = 0;
    for (;;) {
        std::string cell;
        if (i < line.size() && line[i] == '"') {
            ++i;
            for (;;) {
                if (i >= line.size()) return false;  // unclosed quote
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                cell += line[i++];
            }
            if (i < line.size() && line[i] != ',') return false;  // text after the closing quote
        } else {
            while (i < line.size() && line[i] != ',') {
                if (line[i] == '"') return false;  // a quote inside an unquoted cell
                cell += line[i++];
            }
        }
        cells.push_back(std::move(cell));
        if (i >= line.size()) return true;
        ++i;  // the comma
    }
}

std::size_t CsvTable::column(std::string_view name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return i;
    return std::string_view::npos;
}

std::string to_csv(const CsvTable& t) {
    std::string out = csv_line(t.header);
    for (const auto& r : t.rows) out += csv_line(r);
    return out;
}

CsvTable read_csv_table(const std::string& path) {
    std::string text;
    try {
        text = read_input_file(path, std::size_t{256} << 20);
    } catch (const InputFileError& e) {
        throw BadInput(e.what());
    }
    CsvTable t;
    std::size_t line_no = 0, at = 0;
    std::vector<std::string> cells;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + at, end - at);
        at = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (line.find('\0') != std::string_view::npos || !parse_csv_line(line, cells))
            throw BadInput(fmt::format("{}: line {}: not well-formed CSV", path, line_no));
        if (t.header.empty()) {
            t.header = cells;
            continue;
        }
        if (cells.size() != t.header.size())
            throw BadInput(fmt::format("{}: line {}: {} cells, the header has {}", path, line_no, cells.size(), t.header.size()));
        t.rows.push_back(cells);
    }
    if (t.header.empty()) throw BadInput(fmt::format("{}: is empty (no header line)", path));
    return t;
}

double number_cell(const CsvTable& t, std::size_t row, std::size_t column, std::string_view source) {
    const std::string& cell = t.rows[row][column];
    double v = 0;
    const char* end = cell.data() + cell.size();
    const auto [ptr, ec] = std::from_chars(cell.data(), end, v);
    if (ec != std::errc{} || ptr != end || !std::isfinite(v))
        throw BadInput(fmt::format("{}: row {}, column {} = \"{}\": not a number", source, row + 1, t.header[column],
                                   cell.substr(0, 40)));
    return v;
}

}  // namespace cascadelab::cli
