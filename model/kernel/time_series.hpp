// A windowed time series: per fixed-width window of virtual time, the count, sum and max of the
// samples that fell in it. Feeds goodput, in-flight and queue-depth curves and recovery checks.
#pragma once

#include <cstdint>  // std::uint64_t
#include <vector>   // std::vector

#include "model/kernel/time.hpp"

namespace cascadelab {

class TimeSeries {
public:
    struct Window {
        std::uint64_t count = 0;
        double sum = 0.0;
        double max = 0.0;  // 0 for an empty window
        double mean() const { return count ? sum / static_cast<double>(count) : 0.0; }
    };

    // At most this many windows are kept: when a sample lands beyond them, the width doubles
    // and neighbouring windows merge (count, sum and max merge exactly), so memory stays constant
    // however long the run. A run of 100 ms windows keeps full resolution for 409.6 s.
    static constexpr std::size_t kDefaultMaxWindows = 4096;

    // Precondition: width > 0 (validated by the scenario config, asserted here), max_windows >= 2.
    explicit TimeSeries(Duration width, std::size_t max_windows = kDefaultMaxWindows);

    // Adds a sample to the window holding t. Samples may arrive in any time order; negative
    // times are a caller bug and go to window 0.
    void record(Time t, double value = 1.0);
    // Adds another series window by window; the coarser of the two widths wins.
    void merge(const TimeSeries& other);

    Duration width() const { return width_; }
    // Windows from t = 0 up to the last one that received a sample; gaps are empty windows.
    const std::vector<Window>& windows() const { return windows_; }
    Time window_start(std::size_t index) const { return Time::at(width_ * static_cast<std::int64_t>(index)); }
    std::size_t window_index(Time t) const;
    // Rate per second in a window: count / width. Goodput curves use this.
    double rate_per_second(std::size_t index) const;

private:
    void coarsen();  // doubles the width, merging windows pairwise

    Duration width_;
    std::size_t max_windows_;
    std::vector<Window> windows_;
    // The window the last sample fell in: samples come mostly in time order, several per window,
    // and a 64-bit division per sample was a tenth of a run's cost. Coarsening forgets it.
    Time last_start_ = Time::max();
    Time last_end_ = Time::max();
    std::size_t last_index_ = 0;
};

}  // namespace cascadelab
