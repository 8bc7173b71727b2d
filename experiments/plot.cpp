#include "experiments/plot.hpp"

#include <algorithm>  // std::find, std::max
#include <cstdlib>    // std::system
#include <fstream>  // std::ifstream, std::ofstream
#include <map>      // std::map
#include <sstream>  // std::istringstream
#include <vector>   // std::vector

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"

namespace cascadelab::cli {

namespace {

namespace fs = std::filesystem;

void require_gnuplot() {
    if (std::system("gnuplot --version >/dev/null 2>&1") != 0)
        throw BadInput("plots need gnuplot (Debian package gnuplot-nox; ./scripts/bootstrap installs it)");
}

// Runs the script once per terminal, so the SVG and the PNG show the same thing.
void render(const std::string& script_body, const fs::path& out) {
    require_gnuplot();
    for (const auto& [ext, terminal] : {std::pair{"svg", "svg size 900,600 dynamic font 'Helvetica,12'"},
                                        std::pair{"png", "pngcairo size 900,600 font 'Helvetica,10'"}}) {
        const fs::path script = fs::path(out).concat(fmt::format(".{}.gp", ext));
        {
            std::ofstream f(script);
            f << fmt::format("set terminal {}\nset termoption noenhanced\nset output '{}.{}'\n{}", terminal, out.string(), ext,
                             script_body);
        }
        const std::string cmd = fmt::format("gnuplot '{}'", script.string());
        if (std::system(cmd.c_str()) != 0) throw BadInput(fmt::format("gnuplot failed: {}", cmd));
        fs::remove(script);
    }
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream s(line);
    while (std::getline(s, cell, ',')) cells.push_back(cell);
    return cells;
}

}  // namespace

void plot_heatmap(const fs::path& summary_csv, const std::string& x, const std::string& y, const std::string& z,
                  const fs::path& out) {
    std::ifstream in(summary_csv);
    if (!in) throw BadInput(fmt::format("{}: cannot read", summary_csv.string()));
    std::string line;
    std::getline(in, line);
    const std::vector<std::string> header = split(line);
    auto column = [&](const std::string& name) {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return i;
        throw BadInput(fmt::format("{}: no column {}", summary_csv.string(), name));
    };
    const std::size_t cx = column(x), cy = column(y), cz = column(z);
    // Categorical axes: the grid's values in their order, so any parameter (numbers or names) plots.
    std::vector<std::string> xs, ys;
    std::map<std::pair<std::string, std::string>, std::string> cells;
    while (std::getline(in, line)) {
        const auto c = split(line);
        if (c.size() != header.size()) continue;
        if (std::find(xs.begin(), xs.end(), c[cx]) == xs.end()) xs.push_back(c[cx]);
        if (std::find(ys.begin(), ys.end(), c[cy]) == ys.end()) ys.push_back(c[cy]);
        cells[{c[cx], c[cy]}] = c[cz];
    }
    const fs::path data = fs::path(out).concat(".dat");
    {
        std::ofstream f(data);
        for (std::size_t j = 0; j < ys.size(); ++j) {
            for (std::size_t i = 0; i < xs.size(); ++i) {
                auto it = cells.find({xs[i], ys[j]});
                f << i << ' ' << j << ' ' << (it == cells.end() ? "NaN" : it->second) << '\n';
            }
            f << '\n';
        }
    }
    std::string xtics, ytics;
    for (std::size_t i = 0; i < xs.size(); ++i) xtics += fmt::format("{}\"{}\" {}", i ? ", " : "", xs[i], i);
    for (std::size_t j = 0; j < ys.size(); ++j) ytics += fmt::format("{}\"{}\" {}", j ? ", " : "", ys[j], j);
    render(fmt::format("set title '{}'\nset xlabel '{}'\nset ylabel '{}'\nset xtics ({})\nset ytics ({})\n"
                       "set palette defined (0 '#b2182b', 0.5 '#f7f7f7', 1 '#2166ac')\nset view map\n"
                       "set xrange [-0.5:{}]\nset yrange [-0.5:{}]\n"
                       "plot '{}' using 1:2:3 with image notitle, '{}' using 1:2:(sprintf('%.3g', $3)) with labels notitle\n",
                       z, x, y, xtics, ytics, static_cast<double>(xs.size()) - 0.5, static_cast<double>(ys.size()) - 0.5,
                       data.string(), data.string()),
           out);
    fs::remove(data);
}

void plot_series(const RunMetrics& run, const fs::path& out) {
    const fs::path data = fs::path(out).concat(".dat");
    {
        std::ofstream f(data);
        const auto& good = run.goodput.windows();
        const std::size_t n = std::max({good.size(), run.in_flight.windows().size(), run.queue_depth.windows().size(),
                                        run.breaker_open.windows().size(), run.arrivals.windows().size()});
        auto at = [](const TimeSeries& ts, std::size_t i, bool max) {
            return i < ts.windows().size() ? (max ? ts.windows()[i].max : static_cast<double>(ts.windows()[i].count)) : 0.0;
        };
        for (std::size_t i = 0; i < n; ++i)
            f << run.goodput.window_start(i).since_start().ms() / 1e3 << ' ' << run.goodput.rate_per_second(i) << ' '
              << at(run.arrivals, i, false) * 1e6 / static_cast<double>(run.arrivals.width().us()) << ' '
              << at(run.in_flight, i, true) << ' ' << at(run.queue_depth, i, true) << ' ' << at(run.breaker_open, i, true)
              << '\n';
    }
    const std::string d = data.string();
    render(fmt::format("set multiplot layout 4,1 title '{} ({}, seed {})'\nset xlabel 'simulated time (s)'\n"
                       "set ylabel 'per second'\nplot '{}' using 1:3 with lines title 'offered', '{}' using 1:2 with lines title 'goodput'\n"
                       "set ylabel 'in flight'\nplot '{}' using 1:4 with lines notitle\n"
                       "set ylabel 'queue depth'\nplot '{}' using 1:5 with lines notitle\n"
                       "set ylabel 'breaker open'\nset yrange [-0.1:1.1]\nplot '{}' using 1:6 with steps notitle\n"
                       "unset multiplot\n",
                       run.scenario, name(run.architecture), run.seed, d, d, d, d, d),
           out);
    fs::remove(data);
}

}  // namespace cascadelab::cli
