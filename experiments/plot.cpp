#include "experiments/plot.hpp"

#include <algorithm>  // std::find, std::max
#include <fstream>    // std::ofstream
#include <map>        // std::map

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"
#include "experiments/external_tool.hpp"
#include "experiments/output_files.hpp"

namespace cascadelab::cli {

namespace {

namespace fs = std::filesystem;

fs::path with_extension(const fs::path& out, const char* ext) { return fs::path(out).concat(ext); }

// Runs the script once per terminal, so the SVG and the PNG show the same thing; both go to
// temporary names first and are renamed into place only when both rendered.
void render(const std::string& script_body, const fs::path& out) {
    require_gnuplot();
    std::vector<std::pair<fs::path, fs::path>> rendered;  // temporary, final
    auto discard = [&] {
        std::error_code ec;
        for (const auto& [t, f] : rendered) fs::remove(t, ec);
    };
    for (const auto& [ext, terminal] : {std::pair{".svg", "svg size 900,600 dynamic font 'Helvetica,12'"},
                                        std::pair{".png", "pngcairo size 900,600 font 'Helvetica,10'"}}) {
        const fs::path target = with_extension(out, ext);
        const fs::path image = temporary_beside(target);
        const fs::path script = temporary_beside(with_extension(out, ".gp"));
        rendered.emplace_back(image, target);
        {
            std::ofstream f(script);
            f << fmt::format("set terminal {}\nset termoption noenhanced\nset output {}\n{}", terminal,
                             gnuplot_quoted(image.string()), script_body);
        }
        const bool ok = run_tool({"gnuplot", script.string()});
        std::error_code ec;
        fs::remove(script, ec);
        if (!ok) {
            discard();
            throw BadInput(fmt::format("gnuplot failed to draw {}", target.string()));
        }
    }
    for (const auto& [t, f] : rendered) commit_temporary("--out", t, f);
}

// The data gnuplot reads, beside the output under a temporary name; removed when done.
class DataFile {
public:
    explicit DataFile(const fs::path& out) : path_(temporary_beside(with_extension(out, ".dat"))), file_(path_) {}
    ~DataFile() {
        std::error_code ec;
        fs::remove(path_, ec);
    }
    std::ofstream& stream() { return file_; }
    std::string quoted() {
        file_.close();
        return gnuplot_quoted(path_.string());
    }

private:
    fs::path path_;
    std::ofstream file_;
};

}  // namespace

void require_gnuplot() {
    if (!tool_available("gnuplot"))
        throw BadInput("plots need gnuplot (Debian package gnuplot-nox; ./scripts/bootstrap installs it)");
}

void check_plot_output(std::string_view option, const fs::path& out, const std::vector<fs::path>& inputs) {
    check_output_file(option, with_extension(out, ".svg"), inputs);
    check_output_file(option, with_extension(out, ".png"), inputs);
}

void check_heatmap_columns(const CsvTable& summary, const HeatmapAxes& axes, std::string_view source) {
    for (const auto& [option, name] : {std::pair{"--x", &axes.x}, std::pair{"--y", &axes.y}, std::pair{"--z", &axes.z}})
        if (summary.column(*name) == std::string_view::npos)
            throw BadInput(fmt::format("{} {}: no such column in {}", option, *name, source));
    const std::size_t cz = summary.column(axes.z);
    for (std::size_t r = 0; r < summary.rows.size(); ++r) number_cell(summary, r, cz, source);
}

void plot_heatmap(const CsvTable& summary, const HeatmapAxes& axes, const fs::path& out) {
    const std::size_t cx = summary.column(axes.x), cy = summary.column(axes.y), cz = summary.column(axes.z);
    // Categorical axes: the grid's values in their order, so any parameter (numbers or names) plots.
    std::vector<std::string> xs, ys;
    std::map<std::pair<std::string, std::string>, std::string> cells;
    for (const auto& c : summary.rows) {
        if (std::find(xs.begin(), xs.end(), c[cx]) == xs.end()) xs.push_back(c[cx]);
        if (std::find(ys.begin(), ys.end(), c[cy]) == ys.end()) ys.push_back(c[cy]);
        cells[{c[cx], c[cy]}] = c[cz];
    }
    DataFile data(out);
    for (std::size_t j = 0; j < ys.size(); ++j) {
        for (std::size_t i = 0; i < xs.size(); ++i) {
            auto it = cells.find({xs[i], ys[j]});
            data.stream() << i << ' ' << j << ' ' << (it == cells.end() ? "NaN" : it->second) << '\n';
        }
        data.stream() << '\n';
    }
    std::string xtics, ytics;
    for (std::size_t i = 0; i < xs.size(); ++i) xtics += fmt::format("{}{} {}", i ? ", " : "", gnuplot_quoted(xs[i]), i);
    for (std::size_t j = 0; j < ys.size(); ++j) ytics += fmt::format("{}{} {}", j ? ", " : "", gnuplot_quoted(ys[j]), j);
    const std::string d = data.quoted();
    render(fmt::format("set title {}\nset xlabel {}\nset ylabel {}\nset xtics ({})\nset ytics ({})\n"
                       "set palette defined (0 '#b2182b', 0.5 '#f7f7f7', 1 '#2166ac')\nset view map\n"
                       "set xrange [-0.5:{}]\nset yrange [-0.5:{}]\n"
                       "plot {} using 1:2:3 with image notitle, {} using 1:2:(sprintf('%.3g', $3)) with labels notitle\n",
                       gnuplot_quoted(axes.z), gnuplot_quoted(axes.x), gnuplot_quoted(axes.y), xtics, ytics,
                       static_cast<double>(xs.size()) - 0.5, static_cast<double>(ys.size()) - 0.5, d, d),
           out);
}

void plot_series(const RunMetrics& run, const fs::path& out) {
    DataFile data(out);
    const auto& good = run.goodput.windows();
    const std::size_t n = std::max({good.size(), run.in_flight.windows().size(), run.queue_depth.windows().size(),
                                    run.breaker_open.windows().size(), run.arrivals.windows().size()});
    auto at = [](const TimeSeries& ts, std::size_t i, bool max) {
        return i < ts.windows().size() ? (max ? ts.windows()[i].max : static_cast<double>(ts.windows()[i].count)) : 0.0;
    };
    for (std::size_t i = 0; i < n; ++i)
        data.stream() << run.goodput.window_start(i).since_start().ms() / 1e3 << ' ' << run.goodput.rate_per_second(i) << ' '
                      << at(run.arrivals, i, false) * 1e6 / static_cast<double>(run.arrivals.width().us()) << ' '
                      << at(run.in_flight, i, true) << ' ' << at(run.queue_depth, i, true) << ' '
                      << at(run.breaker_open, i, true) << '\n';
    const std::string d = data.quoted();
    render(fmt::format("set multiplot layout 4,1 title {}\nset xlabel 'simulated time (s)'\n"
                       "set ylabel 'per second'\nplot {} using 1:3 with lines title 'offered', {} using 1:2 with lines title 'goodput'\n"
                       "set ylabel 'in flight'\nplot {} using 1:4 with lines notitle\n"
                       "set ylabel 'queue depth'\nplot {} using 1:5 with lines notitle\n"
                       "set ylabel 'breaker open'\nset yrange [-0.1:1.1]\nplot {} using 1:6 with steps notitle\n"
                       "unset multiplot\n",
                       gnuplot_quoted(fmt::format("{} ({}, seed {})", run.scenario, name(run.architecture), run.seed)), d, d,
                       d, d, d),
           out);
}

}  // namespace cascadelab::cli
