// `cascadelab sweep`: a parameter grid x seeds, run in parallel, written as CSV and JSON; `--shard
// I/N` runs one slice so a batch scheduler can spread a large sweep over machines, and
// `cascadelab merge` joins the slices. `--plot` draws heatmaps over the two parameters, and
// `cascadelab plot` draws a heatmap or one run's time series.
#include "experiments/sweep_command.hpp"

#include <algorithm>   // std::sort
#include <array>       // std::array
#include <cstdio>      // std::fprintf
#include <filesystem>  // std::filesystem
#include <fstream>     // std::ifstream, std::ofstream
#include <map>         // std::map
#include <memory>      // std::make_shared
#include <sstream>     // std::istringstream
#include <string>      // std::string
#include <vector>      // std::vector

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "experiments/exit_codes.hpp"
#include "experiments/parallel_runs.hpp"
#include "experiments/plot.hpp"
#include "experiments/report.hpp"
#include "experiments/scenario_args.hpp"
#include "experiments/stats.hpp"
#include "model/run.hpp"
#include "model/scenario_json.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::cli {

namespace {

namespace fs = std::filesystem;

struct Param {
    std::string key;
    std::vector<std::string> values;
};

Param parse_param(const std::string& arg) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
        throw BadInput(fmt::format("--param {}: must be KEY=V1,V2,... (e.g. rpc.retry.max_attempts=1,2,4)", arg));
    Param p{arg.substr(0, eq), {}};
    std::string value;
    std::istringstream in(arg.substr(eq + 1));
    while (std::getline(in, value, ','))
        if (!value.empty()) p.values.push_back(value);
    if (p.values.empty()) throw BadInput(fmt::format("--param {}: no values", arg));
    return p;
}

// The runs table: one row per (grid point, seed). Text cells, so that shards merge losslessly.
struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

std::string to_csv(const Table& t) {
    auto line = [](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
        return out + "\n";
    };
    std::string out = line(t.header);
    for (const auto& r : t.rows) out += line(r);
    return out;
}

Table read_csv(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw BadInput(fmt::format("{}: cannot read (a sweep's output directory holds runs.csv)", path.string()));
    Table t;
    std::string line;
    auto split = [](const std::string& l) {
        std::vector<std::string> cells;
        std::string cell;
        std::istringstream s(l);
        while (std::getline(s, cell, ',')) cells.push_back(cell);
        return cells;
    };
    if (std::getline(in, line)) t.header = split(line);
    while (std::getline(in, line))
        if (!line.empty()) t.rows.push_back(split(line));
    for (const auto& r : t.rows)
        if (r.size() != t.header.size()) throw BadInput(fmt::format("{}: a row does not match the header", path.string()));
    return t;
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    if (!f || !(f << text)) throw BadInput(fmt::format("--out {}: cannot write", path.string()));
}

// Per grid point: every numeric column's mean and 95 % interval over its seeds.
void write_summary(const Table& runs, std::size_t param_count, const fs::path& dir) {
    const std::size_t first_metric = 2 + param_count + 2;  // point, seed, params..., scenario, architecture
    std::map<long, std::vector<const std::vector<std::string>*>> by_point;
    for (const auto& r : runs.rows) by_point[std::stol(r[0])].push_back(&r);

    Table summary;
    summary.header = {"point"};
    for (std::size_t c = 2; c < 2 + param_count; ++c) summary.header.push_back(runs.header[c]);
    summary.header.push_back("seeds");
    for (std::size_t c = first_metric; c < runs.header.size(); ++c)
        for (const char* suffix : {"_mean", "_ci95_low", "_ci95_high"}) summary.header.push_back(runs.header[c] + suffix);
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const auto& [point, rows] : by_point) {
        std::vector<std::string> out{std::to_string(point)};
        nlohmann::ordered_json j{{"point", point}};
        nlohmann::ordered_json params = nlohmann::ordered_json::object();
        for (std::size_t c = 2; c < 2 + param_count; ++c) {
            out.push_back((*rows.front())[c]);
            params[runs.header[c]] = (*rows.front())[c];
        }
        j["params"] = params;
        out.push_back(std::to_string(rows.size()));
        j["seeds"] = rows.size();
        nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
        for (std::size_t c = first_metric; c < runs.header.size(); ++c) {
            std::vector<double> xs;
            for (const auto* r : rows) xs.push_back(std::stod((*r)[c]));
            const Estimate e = estimate(xs);
            for (double v : {e.mean, e.low(), e.high()}) out.push_back(fmt::format("{:.6g}", v));
            metrics[runs.header[c]] = nlohmann::ordered_json{{"mean", e.mean}, {"ci95_low", e.low()}, {"ci95_high", e.high()}};
        }
        j["metrics"] = metrics;
        summary.rows.push_back(std::move(out));
        json.push_back(std::move(j));
    }
    write_text(dir / "summary.csv", to_csv(summary));
    write_text(dir / "summary.json", json.dump(2) + "\n");
}

struct SweepArgs {
    std::string scenario;
    std::vector<std::string> params;
    std::size_t seeds = 1;
    unsigned threads = 0;
    std::string shard;
    std::string out;
    bool plot = false;
    std::string table;  // a figure to print as a grid over the two parameters
};

// The mean of one figure per grid point, as a grid: rows the second parameter, columns the first.
std::string grid_text(const Table& runs, const std::vector<Param>& params, const std::string& figure) {
    const auto column = std::find(runs.header.begin(), runs.header.end(), figure);
    if (column == runs.header.end()) throw BadInput(fmt::format("--table {}: no such figure (see runs.csv)", figure));
    const auto c = static_cast<std::size_t>(column - runs.header.begin());
    std::map<std::pair<std::string, std::string>, std::vector<double>> cells;
    for (const auto& r : runs.rows) cells[{r[2], r[3]}].push_back(std::stod(r[c]));
    std::string out = fmt::format("{} (mean over seeds): rows {}, columns {}\n{:>12}", figure, params[1].key, params[0].key, "");
    for (const std::string& x : params[0].values) out += fmt::format(" {:>9}", x);
    out += "\n";
    for (const std::string& y : params[1].values) {
        out += fmt::format("{:>12}", y);
        for (const std::string& x : params[0].values) out += fmt::format(" {:>9.3g}", estimate(cells[{x, y}]).mean);
        out += "\n";
    }
    return out;
}

void run_sweep(const SweepArgs& a, int& result) {
    if (a.out.empty()) throw BadInput("--out is required: the directory for runs.csv, summary.csv and summary.json");
    if (a.seeds < 1 || a.seeds > 100'000) throw BadInput(fmt::format("--seeds {}: must be in [1, 100000]", a.seeds));
    std::size_t shard_index = 1, shard_count = 1;
    if (!a.shard.empty()) {
        const auto slash = a.shard.find('/');
        try {
            if (slash == std::string::npos) throw std::invalid_argument("no slash");
            shard_index = std::stoul(a.shard.substr(0, slash));
            shard_count = std::stoul(a.shard.substr(slash + 1));
        } catch (const std::exception&) {
            throw BadInput(fmt::format("--shard {}: must be I/N with 1 <= I <= N", a.shard));
        }
        if (shard_count < 1 || shard_index < 1 || shard_index > shard_count)
            throw BadInput(fmt::format("--shard {}: must be I/N with 1 <= I <= N", a.shard));
    }
    std::vector<Scenario> base = scenarios_from_args({a.scenario}, std::nullopt);
    if (base.size() != 1)
        throw BadInput(fmt::format("--scenario {}: holds {} scenarios: name one, e.g. {}", a.scenario, base.size(),
                                   base.front().name));
    std::vector<Param> params;
    for (const std::string& p : a.params) params.push_back(parse_param(p));

    // The grid, first parameter slowest; each point checked once (bad keys or values fail early).
    std::vector<std::vector<std::string>> points{{}};
    for (const Param& p : params) {
        std::vector<std::vector<std::string>> next;
        for (const auto& prefix : points)
            for (const std::string& v : p.values) {
                next.push_back(prefix);
                next.back().push_back(v);
            }
        points = std::move(next);
    }
    std::vector<Scenario> grid;
    for (const auto& values : points) {
        Scenario s = base.front();
        try {
            for (std::size_t i = 0; i < params.size(); ++i) s = with_override(s, params[i].key, values[i]);
        } catch (const ConfigError& e) {
            throw BadInput(fmt::format("--param {}", e.what()));
        }
        grid.push_back(std::move(s));
    }
    std::vector<Scenario> jobs;
    std::vector<std::pair<std::size_t, std::size_t>> job_ids;  // (point, seed offset)
    for (std::size_t p = 0; p < grid.size(); ++p)
        for (std::size_t k = 0; k < a.seeds; ++k) {
            const std::size_t index = p * a.seeds + k;
            if (index % shard_count != shard_index - 1) continue;
            Scenario s = grid[p];
            s.seed += k;
            jobs.push_back(std::move(s));
            job_ids.emplace_back(p, k);
        }
    std::fprintf(stderr, "sweep: %zu grid points x %zu seeds; this shard runs %zu\n", grid.size(), a.seeds, jobs.size());
    // Each run is reduced to its figures as soon as it ends: memory follows the grid, not the
    // histograms of every run.
    std::vector<std::string_view> names;
    std::vector<bool> integer;
    for (const Field& f : run_fields(RunMetrics{})) {
        names.push_back(f.name);
        integer.push_back(f.integer);
    }
    const auto figures = run_all_figures(
        jobs, a.threads,
        [](const RunMetrics& m) {
            std::vector<double> v;
            for (const Field& f : run_fields(m)) v.push_back(f.value);
            return v;
        },
        [](std::size_t done, std::size_t total) {
            if (done % 50 == 0 || done == total) std::fprintf(stderr, "\rsweep: %zu of %zu runs", done, total);
            if (done == total) std::fputs("\n", stderr);
        });

    Table table;
    table.header = {"point", "seed"};
    for (const Param& p : params) table.header.push_back(p.key);
    table.header.insert(table.header.end(), {"scenario", "architecture"});
    for (std::string_view n : names) table.header.emplace_back(n);
    for (std::size_t j = 0; j < figures.size(); ++j) {
        const auto [p, k] = job_ids[j];
        std::vector<std::string> row{std::to_string(p), std::to_string(jobs[j].seed)};
        for (const std::string& v : points[p]) row.push_back(v);
        row.insert(row.end(), {jobs[j].name, std::string{name(jobs[j].architecture)}});
        for (std::size_t f = 0; f < names.size(); ++f) row.push_back(format_number(Field{names[f], figures[j][f], integer[f]}));
        table.rows.push_back(std::move(row));
    }
    std::error_code ec;
    fs::create_directories(a.out, ec);
    if (ec) throw BadInput(fmt::format("--out {}: cannot create the directory ({})", a.out, ec.message()));
    write_text(fs::path(a.out) / "runs.csv", to_csv(table));
    write_summary(table, params.size(), a.out);
    std::fprintf(stderr, "sweep: wrote %s/runs.csv, summary.csv, summary.json\n", a.out.c_str());
    if (!a.table.empty()) {
        if (params.size() != 2) throw BadInput("--table prints a grid over two parameters: give exactly two --param");
        if (shard_count != 1) throw BadInput("--table needs the whole grid: run it without --shard (or on merged output)");
        std::fputs(grid_text(table, params, a.table).c_str(), stdout);
    }
    if (a.plot) {
        if (params.size() != 2) throw BadInput("--plot draws heatmaps over two parameters: give exactly two --param");
        for (const char* z : {"goodput_per_s", "latency_p99_ms", "amplification", "tail_goodput_ratio"})
            plot_heatmap(fs::path(a.out) / "summary.csv", params[0].key, params[1].key, std::string{z} + "_mean",
                         fs::path(a.out) / fmt::format("heatmap-{}", z));
    }
    result = kExitOk;
}

struct MergeArgs {
    std::vector<std::string> inputs;
    std::string out;
};

void run_merge(const MergeArgs& a, int& result) {
    if (a.out.empty()) throw BadInput("--out is required");
    if (a.inputs.empty()) throw BadInput("give the sweep directories to merge");
    Table merged;
    for (const std::string& dir : a.inputs) {
        Table t = read_csv(fs::path(dir) / "runs.csv");
        if (merged.header.empty()) merged.header = t.header;
        else if (t.header != merged.header)
            throw BadInput(fmt::format("{}/runs.csv: its columns differ from {}/runs.csv (another sweep?)", dir, a.inputs.front()));
        for (auto& r : t.rows) merged.rows.push_back(std::move(r));
    }
    std::sort(merged.rows.begin(), merged.rows.end(), [](const auto& x, const auto& y) {
        return std::pair(std::stol(x[0]), std::stoull(x[1])) < std::pair(std::stol(y[0]), std::stoull(y[1]));
    });
    for (std::size_t i = 1; i < merged.rows.size(); ++i)
        if (merged.rows[i][0] == merged.rows[i - 1][0] && merged.rows[i][1] == merged.rows[i - 1][1])
            throw BadInput(fmt::format("point {} seed {} appears twice: the same shard given twice?", merged.rows[i][0],
                                       merged.rows[i][1]));
    const auto scenario_col = std::find(merged.header.begin(), merged.header.end(), "scenario");
    const std::size_t param_count = static_cast<std::size_t>(scenario_col - merged.header.begin()) - 2;
    std::error_code ec;
    fs::create_directories(a.out, ec);
    write_text(fs::path(a.out) / "runs.csv", to_csv(merged));
    write_summary(merged, param_count, a.out);
    std::fprintf(stderr, "merge: %zu runs from %zu directories into %s\n", merged.rows.size(), a.inputs.size(), a.out.c_str());
    result = kExitOk;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& result) {
    auto a = std::make_shared<SweepArgs>();
    CLI::App* cmd = app.add_subcommand("sweep", "Run a parameter grid x seeds in parallel; write runs.csv, summary.csv "
                                                "and summary.json (means with 95 % intervals)");
    cmd->add_option("--scenario", a->scenario, "A preset or a scenario file")->required()->type_name("PRESET|FILE");
    cmd->add_option("--param", a->params, "KEY=V1,V2,... by the key's path in the scenario file; repeatable")
        ->type_name("KEY=VALUES");
    cmd->add_option("--seeds", a->seeds, "Seeds per grid point (default 1)")->type_name("N");
    cmd->add_option("--threads", a->threads, "Threads (default: one per core)")->type_name("T");
    cmd->add_option("--shard", a->shard, "Run slice I of N (job i runs in shard i mod N + 1)")->type_name("I/N");
    cmd->add_option("--out", a->out, "Output directory")->type_name("DIR");
    cmd->add_flag("--plot", a->plot, "Also draw heatmaps (SVG and PNG, gnuplot) over the two parameters");
    cmd->add_option("--table", a->table, "Print one figure's mean as a grid over the two parameters (e.g. goodput_per_s)")
        ->type_name("FIGURE");
    cmd->callback([a, &result] { run_sweep(*a, result); });

    auto m = std::make_shared<MergeArgs>();
    CLI::App* merge = app.add_subcommand("merge", "Merge the runs.csv of sweep shards and recompute the summary");
    merge->add_option("dirs", m->inputs, "Sweep output directories")->type_name("DIR...");
    merge->add_option("--out", m->out, "Output directory")->type_name("DIR");
    merge->callback([m, &result] { run_merge(*m, result); });

    CLI::App* plot = app.add_subcommand("plot", "Draw a sweep's heatmap or a run's time series with gnuplot (SVG + PNG)");
    plot->require_subcommand(1);
    auto h = std::make_shared<std::array<std::string, 5>>();  // summary, x, y, z, out
    CLI::App* heat = plot->add_subcommand("heatmap", "A summary.csv column over two parameters");
    heat->add_option("--summary", (*h)[0], "A sweep's summary.csv")->required()->type_name("FILE");
    heat->add_option("--x", (*h)[1], "Parameter on the x axis (a --param key)")->required()->type_name("KEY");
    heat->add_option("--y", (*h)[2], "Parameter on the y axis")->required()->type_name("KEY");
    heat->add_option("--z", (*h)[3], "The colour: a summary column, e.g. goodput_per_s_mean")->required()->type_name("COLUMN");
    heat->add_option("--out", (*h)[4], "Output path without extension (.svg and .png are written)")->required()->type_name("PATH");
    heat->callback([h, &result] {
        plot_heatmap((*h)[0], (*h)[1], (*h)[2], (*h)[3], (*h)[4]);
        result = kExitOk;
    });
    auto series = std::make_shared<std::array<std::string, 2>>();  // scenario, out
    CLI::App* ts = plot->add_subcommand("series", "Offered load, goodput, in-flight, queue depth and breaker state of one run");
    ts->add_option("--scenario", (*series)[0], "A preset or a scenario file (one scenario)")->required()->type_name("PRESET|FILE");
    ts->add_option("--out", (*series)[1], "Output path without extension")->required()->type_name("PATH");
    ts->callback([series, &result] {
        const std::vector<Scenario> s = scenarios_from_args({(*series)[0]}, std::nullopt);
        if (s.size() != 1)
            throw BadInput(fmt::format("--scenario {}: holds {} scenarios: name one, e.g. {}", (*series)[0], s.size(),
                                       s.front().name));
        plot_series(run_scenario(s.front()), (*series)[1]);
        result = kExitOk;
    });
}

}  // namespace cascadelab::cli
