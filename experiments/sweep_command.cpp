// `cascadelab sweep`: a parameter grid x seeds, run in parallel, written as CSV and JSON; `--shard
// I/N` runs one slice so a batch scheduler can spread a large sweep over machines, and
// `cascadelab merge` joins the slices. `--plot` draws heatmaps over the two parameters, and
// `cascadelab plot` draws a heatmap or one run's time series.
#include "experiments/sweep_command.hpp"

#include <algorithm>   // std::sort
#include <cstdio>      // std::fprintf
#include <filesystem>  // std::filesystem
#include <map>         // std::map
#include <memory>      // std::make_shared
#include <set>         // std::set
#include <string>      // std::string
#include <vector>      // std::vector

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "experiments/csv.hpp"
#include "experiments/exit_codes.hpp"
#include "experiments/option_values.hpp"
#include "experiments/output_files.hpp"
#include "experiments/parallel_runs.hpp"
#include "experiments/plot.hpp"
#include "experiments/progress.hpp"
#include "experiments/report.hpp"
#include "experiments/run_budget.hpp"
#include "experiments/runs_table.hpp"
#include "experiments/scenario_args.hpp"
#include "experiments/stats.hpp"
#include "model/run.hpp"
#include "model/scenario_override.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::cli {

namespace {

namespace fs = std::filesystem;

// Bounds on a sweep: its grid is held as scenarios, its runs table in memory.
constexpr std::size_t kMaxParams = 8;
constexpr std::size_t kMaxGridPoints = 10'000;
constexpr std::size_t kMaxRuns = 1'000'000;

const std::vector<std::string> kPlottedFigures{"goodput_per_s", "latency_p99_ms", "amplification", "tail_goodput_ratio"};

struct Param {
    std::string key;
    std::vector<std::string> values;
};

Param parse_param(const std::string& arg) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
        throw BadInput(fmt::format("--param {}: must be KEY=V1,V2,... (e.g. rpc.retry.max_attempts=1,2,4)", arg));
    check_one_line("--param", arg, 4096);
    Param p{arg.substr(0, eq), {}};
    std::set<std::string> seen;
    std::size_t at = eq + 1;
    while (at <= arg.size()) {
        std::size_t comma = arg.find(',', at);
        if (comma == std::string::npos) comma = arg.size();
        const std::string value = arg.substr(at, comma - at);
        at = comma + 1;
        if (value.empty()) continue;
        if (!seen.insert(value).second)
            throw BadInput(fmt::format("--param {}: the value {} is given twice", p.key, value));
        p.values.push_back(value);
    }
    if (p.values.empty()) throw BadInput(fmt::format("--param {}: no values", arg));
    return p;
}

// The figure names of a run, in the runs table's order.
std::vector<std::string> figure_names() {
    std::vector<std::string> names;
    for (const Field& f : run_fields(RunMetrics{})) names.emplace_back(f.name);
    return names;
}

// Per grid point: every numeric column's mean and 95 % interval over its seeds.
void write_summary(const CsvTable& runs, const RunsLayout& layout, const fs::path& dir, std::string_view option) {
    std::map<std::uint64_t, std::vector<std::size_t>> by_point;
    for (std::size_t r = 0; r < runs.rows.size(); ++r)
        by_point[static_cast<std::uint64_t>(number_cell(runs, r, layout.point_column(), "runs.csv"))].push_back(r);

    const std::vector<std::string>& params = layout.params();
    const std::vector<std::string>& figures = layout.figures();
    CsvTable summary;
    summary.header = {"point"};
    summary.header.insert(summary.header.end(), params.begin(), params.end());
    summary.header.push_back("seeds");
    for (const std::string& figure : figures)
        for (const char* suffix : {"_mean", "_ci95_low", "_ci95_high"}) summary.header.push_back(figure + suffix);
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const auto& [point, rows] : by_point) {
        std::vector<std::string> out{std::to_string(point)};
        nlohmann::ordered_json j{{"point", point}};
        nlohmann::ordered_json values = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < params.size(); ++i) {
            const std::string& value = runs.rows[rows.front()][layout.param_column(i)];
            out.push_back(value);
            values[params[i]] = value;
        }
        j["params"] = values;
        out.push_back(std::to_string(rows.size()));
        j["seeds"] = rows.size();
        nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
        for (std::size_t f = 0; f < figures.size(); ++f) {
            std::vector<double> xs;
            for (const std::size_t r : rows) xs.push_back(number_cell(runs, r, layout.figure_column(f), "runs.csv"));
            const Estimate e = estimate(xs);
            for (double v : {e.mean, e.low(), e.high()}) out.push_back(fmt::format("{:.6g}", v));
            metrics[figures[f]] = nlohmann::ordered_json{{"mean", e.mean}, {"ci95_low", e.low()}, {"ci95_high", e.high()}};
        }
        j["metrics"] = metrics;
        summary.rows.push_back(std::move(out));
        json.push_back(std::move(j));
    }
    write_atomically(option, dir / "summary.csv", to_csv(summary));
    write_atomically(option, dir / "summary.json", json.dump(2) + "\n");
}

// The output folder, and the three files in it when it exists already.
void check_output_files(const fs::path& dir, const std::vector<fs::path>& inputs) {
    check_output_dir("--out", dir, inputs);
    std::error_code ec;
    if (fs::exists(dir, ec))
        for (const char* file : {"runs.csv", "summary.csv", "summary.json"}) check_output_file("--out", dir / file, inputs);
}

struct SweepArgs {
    std::string scenario;
    std::vector<std::string> params;
    std::string seeds = "1";
    std::optional<std::string> threads;
    std::optional<std::string> shard;
    std::string out;
    bool plot = false;
    std::optional<std::string> table;  // a figure to print as a grid over the two parameters
    BudgetArgs budget;
};

struct SweepPlan {
    std::vector<Param> params;
    std::vector<std::vector<std::string>> points;  // the values of each grid point
    std::vector<Scenario> grid;                    // its scenario
    std::size_t seeds = 1;
    unsigned threads = 1;
    std::size_t shard_index = 1, shard_count = 1;
    fs::path out;
    bool plot = false;
    std::string table;
    ResourceBudget budget;
};

// "I/N": this process runs every N-th run starting with the I-th.
void read_shard(const std::string* shard, SweepPlan& p) {
    if (!shard) return;
    const auto slash = shard->find('/');
    try {
        if (slash == std::string::npos) throw BadInput("no slash");
        p.shard_count = parse_whole("--shard", shard->substr(slash + 1), 1, 1'000'000);
        p.shard_index = parse_whole("--shard", shard->substr(0, slash), 1, p.shard_count);
    } catch (const BadInput&) {
        throw BadInput(fmt::format("--shard {}: must be I/N with 1 <= I <= N <= 1000000", *shard));
    }
}

// The parameters, each key once, within the limits on parameters, grid points and runs.
std::vector<Param> read_params(const std::vector<std::string>& args, std::size_t seeds) {
    if (args.size() > kMaxParams) throw BadInput(fmt::format("--param: at most {} parameters", kMaxParams));
    std::vector<Param> params;
    std::set<std::string> keys;
    std::size_t points = 1;
    for (const std::string& arg : args) {
        Param param = parse_param(arg);
        // The same key twice would run one value under the other's label.
        if (!keys.insert(param.key).second) throw BadInput(fmt::format("--param {}: the key is given twice", param.key));
        points *= param.values.size();
        if (points > kMaxGridPoints)
            throw BadInput(fmt::format("--param {}: the grid passes {} points", param.key, kMaxGridPoints));
        params.push_back(std::move(param));
    }
    if (points * seeds > kMaxRuns)
        throw BadInput(fmt::format("--seeds {}: {} grid points x {} seeds passes {} runs", seeds, points, seeds, kMaxRuns));
    return params;
}

// --table and --plot, which both need a grid over exactly two parameters.
void read_views(const SweepArgs& a, SweepPlan& p) {
    if (const std::string* table = given("--table", a.table)) {
        if (p.params.size() != 2) throw BadInput("--table prints a grid over two parameters: give exactly two --param");
        if (p.shard_count != 1) throw BadInput("--table needs the whole grid: run it without --shard (or on merged output)");
        const std::vector<std::string> names = figure_names();
        if (std::find(names.begin(), names.end(), *table) == names.end())
            throw BadInput(fmt::format("--table {}: no such figure (e.g. goodput_per_s; runs.csv names them all)", *table));
        p.table = *table;
    }
    if (a.plot) {
        if (p.params.size() != 2) throw BadInput("--plot draws heatmaps over two parameters: give exactly two --param");
        require_gnuplot();
        p.plot = true;
    }
}

// Every combination of the parameters' values, the first parameter slowest.
std::vector<std::vector<std::string>> grid_points(const std::vector<Param>& params) {
    std::vector<std::vector<std::string>> points{{}};
    for (const Param& param : params) {
        std::vector<std::vector<std::string>> next;
        for (const auto& prefix : points)
            for (const std::string& v : param.values) {
                next.push_back(prefix);
                next.back().push_back(v);
            }
        points = std::move(next);
    }
    return points;
}

// Each point's scenario, checked once (bad keys or values fail here, before any run).
std::vector<Scenario> grid_scenarios(const Scenario& base, const SweepPlan& p) {
    std::vector<Scenario> grid;
    for (const auto& values : p.points) {
        std::vector<Override> overrides;
        for (std::size_t i = 0; i < p.params.size(); ++i) overrides.push_back(Override{p.params[i].key, values[i]});
        Scenario s;
        try {
            s = with_overrides(base, overrides);
        } catch (const ConfigError& e) {
            throw BadInput(fmt::format("--param {}", e.what()));
        }
        if (s.seed > UINT64_MAX - (p.seeds - 1))
            throw BadInput(fmt::format("--seeds {}: the seed {} plus {} passes 2^64 - 1", p.seeds, s.seed, p.seeds - 1));
        grid.push_back(std::move(s));
    }
    return grid;
}

// Every option and file checked, in this order, before any work starts.
SweepPlan validate(const SweepArgs& a) {
    SweepPlan p;
    if (a.out.empty()) throw BadInput("--out is required: the directory for runs.csv, summary.csv and summary.json");
    p.seeds = parse_whole("--seeds", a.seeds, 1, 100'000);
    p.threads = threads_from(a.threads);
    read_shard(given("--shard", a.shard), p);
    const Scenario base = one_scenario_from_arg(a.scenario);
    p.params = read_params(a.params, p.seeds);
    read_views(a, p);
    p.points = grid_points(p.params);
    p.grid = grid_scenarios(base, p);
    p.budget = budget_from(a.budget);
    const std::size_t runs = (p.grid.size() * p.seeds + p.shard_count - 1) / p.shard_count;
    check_fits(p.grid, p.budget, static_cast<unsigned>(std::min<std::size_t>(p.threads, runs)),
               std::max<std::size_t>(1, p.seeds / p.shard_count),
               fmt::format("sweep: {} grid points x {} seeds{}", p.grid.size(), p.seeds,
                           p.shard_count > 1 ? fmt::format(", shard {} of {}", p.shard_index, p.shard_count) : ""));
    check_output_files(a.out, input_files({a.scenario}));
    p.out = a.out;
    return p;
}

// The mean of one figure per grid point, as a grid: rows the second parameter, columns the first.
std::string grid_text(const CsvTable& runs, const RunsLayout& layout, const std::vector<Param>& params,
                      const std::string& figure) {
    const auto f = std::find(layout.figures().begin(), layout.figures().end(), figure) - layout.figures().begin();
    const std::size_t c = layout.figure_column(static_cast<std::size_t>(f));
    std::map<std::pair<std::string, std::string>, std::vector<double>> cells;
    for (std::size_t r = 0; r < runs.rows.size(); ++r)
        cells[{runs.rows[r][layout.param_column(0)], runs.rows[r][layout.param_column(1)]}].push_back(
            number_cell(runs, r, c, "runs.csv"));
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

int execute(const SweepPlan& p) {
    std::vector<std::pair<std::size_t, std::size_t>> job_ids;  // (point, seed offset)
    for (std::size_t point = 0; point < p.grid.size(); ++point)
        for (std::size_t k = 0; k < p.seeds; ++k)
            if ((point * p.seeds + k) % p.shard_count == p.shard_index - 1) job_ids.emplace_back(point, k);
    std::fprintf(stderr, "sweep: %zu grid points x %zu seeds; this shard runs %zu\n", p.grid.size(), p.seeds, job_ids.size());
    // Each run is reduced to its figures as soon as it ends: memory follows the grid, not the
    // histograms of every run.
    std::vector<Scenario> jobs;
    jobs.reserve(job_ids.size());
    for (const auto& [point, k] : job_ids) {
        jobs.push_back(p.grid[point]);
        jobs.back().seed += k;
    }
    std::vector<bool> integer;
    for (const Field& f : run_fields(RunMetrics{})) integer.push_back(f.integer);
    RunOptions options;
    options.budget = p.budget;
    options.budget.max_bytes /= std::max(1u, p.threads);
    ProgressLine progress("sweep");
    const auto figures = run_all_figures(
        jobs, p.threads, options,
        [](const RunMetrics& m) {
            std::vector<double> v;
            for (const Field& f : run_fields(m)) v.push_back(f.value);
            return v;
        },
        [&](std::size_t done, std::size_t total) {
            progress.update(static_cast<double>(done) / static_cast<double>(total), fmt::format("{} of {} runs", done, total));
        });

    const std::vector<std::string> names = figure_names();
    std::vector<std::string> keys;
    for (const Param& param : p.params) keys.push_back(param.key);
    const RunsLayout layout(std::move(keys), names);
    CsvTable table;
    table.header = layout.header();
    for (std::size_t j = 0; j < figures.size(); ++j) {
        const std::size_t point = job_ids[j].first;
        std::vector<std::string> row{std::to_string(point), std::to_string(jobs[j].seed)};
        for (const std::string& v : p.points[point]) row.push_back(v);
        row.insert(row.end(), {jobs[j].name, std::string{name(jobs[j].architecture)}});
        for (std::size_t f = 0; f < names.size(); ++f) row.push_back(format_number(Field{names[f], figures[j][f], integer[f]}));
        table.rows.push_back(std::move(row));
    }
    std::error_code ec;
    fs::create_directories(p.out, ec);
    if (ec) throw BadInput(fmt::format("--out {}: cannot create the directory ({})", p.out.string(), ec.message()));
    write_atomically("--out", p.out / "runs.csv", to_csv(table));
    write_summary(table, layout, p.out, "--out");
    std::fprintf(stderr, "sweep: wrote %s/runs.csv, summary.csv, summary.json\n", p.out.string().c_str());
    if (!p.table.empty()) std::fputs(grid_text(table, layout, p.params, p.table).c_str(), stdout);
    if (p.plot) {
        const CsvTable summary = read_csv_table((p.out / "summary.csv").string());
        for (const std::string& z : kPlottedFigures)
            plot_heatmap(summary, HeatmapAxes{p.params[0].key, p.params[1].key, z + "_mean"},
                         p.out / fmt::format("heatmap-{}", z));
    }
    return kExitOk;
}

struct MergeArgs {
    std::vector<std::string> inputs;
    std::string out;
};

struct MergePlan {
    std::vector<std::string> inputs;
    std::vector<CsvTable> tables;
    std::optional<RunsLayout> layout;  // the same for every table
    fs::path out;
};

MergePlan validate(const MergeArgs& a) {
    if (a.out.empty()) throw BadInput("--out is required");
    if (a.inputs.empty()) throw BadInput("give the sweep directories to merge");
    MergePlan p;
    std::vector<fs::path> input_paths;
    for (const std::string& dir : a.inputs) {
        const std::string file = (fs::path(dir) / "runs.csv").string();
        CsvTable t = read_csv_table(file);
        const RunsLayout layout = RunsLayout::of(t, figure_names(), file);
        if (!p.tables.empty() && t.header != p.tables.front().header)
            throw BadInput(fmt::format("{}: its columns differ from {}/runs.csv (another sweep?)", file, a.inputs.front()));
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            parse_whole(file + ": point", t.rows[r][RunsLayout::point_column()], 0, kMaxGridPoints);
            parse_whole(file + ": seed", t.rows[r][RunsLayout::seed_column()], 0, UINT64_MAX);
            for (std::size_t f = 0; f < layout.figures().size(); ++f) number_cell(t, r, layout.figure_column(f), file);
        }
        p.layout = layout;
        input_paths.emplace_back(dir);
        input_paths.emplace_back(file);
        p.tables.push_back(std::move(t));
    }
    check_output_files(a.out, input_paths);
    p.inputs = a.inputs;
    p.out = a.out;
    return p;
}

int execute(const MergePlan& p) {
    CsvTable merged;
    merged.header = p.tables.front().header;
    for (const CsvTable& t : p.tables) merged.rows.insert(merged.rows.end(), t.rows.begin(), t.rows.end());
    auto key = [](const std::vector<std::string>& r) {
        return std::pair(std::stoull(r[RunsLayout::point_column()]), std::stoull(r[RunsLayout::seed_column()]));
    };
    std::sort(merged.rows.begin(), merged.rows.end(), [&](const auto& x, const auto& y) { return key(x) < key(y); });
    for (std::size_t i = 1; i < merged.rows.size(); ++i)
        if (key(merged.rows[i]) == key(merged.rows[i - 1]))
            throw BadInput(fmt::format("point {} seed {} appears twice: the same shard given twice?", merged.rows[i][0],
                                       merged.rows[i][1]));
    std::error_code ec;
    fs::create_directories(p.out, ec);
    if (ec) throw BadInput(fmt::format("--out {}: cannot create the directory ({})", p.out.string(), ec.message()));
    write_atomically("--out", p.out / "runs.csv", to_csv(merged));
    write_summary(merged, *p.layout, p.out, "--out");
    std::fprintf(stderr, "merge: %zu runs from %zu directories into %s\n", merged.rows.size(), p.inputs.size(),
                 p.out.string().c_str());
    return kExitOk;
}

void add_sweep(CLI::App& app, PendingAction& pending) {
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
    add_budget_options(cmd, a->budget);
    cmd->callback([a, &pending] {
        SweepPlan plan = validate(*a);
        pending.action = [plan] { return execute(plan); };
    });
}

void add_merge(CLI::App& app, PendingAction& pending) {
    auto m = std::make_shared<MergeArgs>();
    CLI::App* merge = app.add_subcommand("merge", "Merge the runs.csv of sweep shards and recompute the summary");
    merge->add_option("dirs", m->inputs, "Sweep output directories")->type_name("DIR...");
    merge->add_option("--out", m->out, "Output directory")->type_name("DIR");
    merge->callback([m, &pending] {
        MergePlan plan = validate(*m);
        pending.action = [plan] { return execute(plan); };
    });
}

struct HeatmapArgs {
    std::string summary;
    HeatmapAxes axes;
    std::string out;
};

void add_plot_heatmap(CLI::App& plot, PendingAction& pending) {
    auto h = std::make_shared<HeatmapArgs>();
    CLI::App* heat = plot.add_subcommand("heatmap", "A summary.csv column over two parameters");
    heat->add_option("--summary", h->summary, "A sweep's summary.csv")->required()->type_name("FILE");
    heat->add_option("--x", h->axes.x, "Parameter on the x axis (a --param key)")->required()->type_name("KEY");
    heat->add_option("--y", h->axes.y, "Parameter on the y axis")->required()->type_name("KEY");
    heat->add_option("--z", h->axes.z, "The colour: a summary column, e.g. goodput_per_s_mean")->required()->type_name("COLUMN");
    heat->add_option("--out", h->out, "Output path without extension (.svg and .png are written)")->required()->type_name("PATH");
    heat->callback([h, &pending] {
        auto summary = std::make_shared<const CsvTable>(read_csv_table(h->summary));
        check_heatmap_columns(*summary, h->axes, h->summary);
        check_plot_output("--out", h->out, {h->summary});
        require_gnuplot();
        const HeatmapArgs args = *h;
        pending.action = [summary, args] {
            plot_heatmap(*summary, args.axes, args.out);
            return kExitOk;
        };
    });
}

struct SeriesArgs {
    std::string scenario;
    std::string out;
    BudgetArgs budget;
};

void add_plot_series(CLI::App& plot, PendingAction& pending) {
    auto a = std::make_shared<SeriesArgs>();
    CLI::App* ts = plot.add_subcommand("series", "Offered load, goodput, in-flight, queue depth and breaker state of one run");
    ts->add_option("--scenario", a->scenario, "A preset or a scenario file (one scenario)")->required()->type_name("PRESET|FILE");
    ts->add_option("--out", a->out, "Output path without extension")->required()->type_name("PATH");
    add_budget_options(ts, a->budget);
    ts->callback([a, &pending] {
        const Scenario s = one_scenario_from_arg(a->scenario);
        const ResourceBudget budget = budget_from(a->budget);
        check_fits({s}, budget, 1, 1, fmt::format("plot series {}", s.name));
        check_plot_output("--out", a->out, input_files({a->scenario}));
        require_gnuplot();
        const std::string out = a->out;
        pending.action = [s, budget, out] {
            ProgressLine progress("plot");
            RunOptions options;
            options.budget = budget;
            options.progress = [&](const RunProgress& r) { progress.update(virtual_share(r), describe_progress(r)); };
            plot_series(run_scenario(s, options), out);
            return kExitOk;
        };
    });
}

}  // namespace

void add_sweep_command(CLI::App& app, PendingAction& pending) {
    add_sweep(app, pending);
    add_merge(app, pending);
    CLI::App* plot = app.add_subcommand("plot", "Draw a sweep's heatmap or a run's time series with gnuplot (SVG + PNG)");
    plot->require_subcommand(1);
    add_plot_heatmap(*plot, pending);
    add_plot_series(*plot, pending);
}

}  // namespace cascadelab::cli
