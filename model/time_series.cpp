// Windowed time series.
#include "model/time_series.hpp"

#include <algorithm>  // std::max
#include <cassert>    // assert

namespace cascadelab {

TimeSeries::TimeSeries(Duration width) : width_(width) { assert(width > Duration::zero()); }

std::size_t TimeSeries::window_index(Time t) const {
    if (t.us() < 0) return 0;
    return static_cast<std::size_t>(t.since_start() / width_);
}

void TimeSeries::record(Time t, double value) {
    const std::size_t i = window_index(t);
    if (i >= windows_.size()) windows_.resize(i + 1);
    Window& w = windows_[i];
    w.max = w.count ? std::max(w.max, value) : value;
    ++w.count;
    w.sum += value;
}

void TimeSeries::merge(const TimeSeries& other) {
    assert(other.width_ == width_);
    if (other.windows_.size() > windows_.size()) windows_.resize(other.windows_.size());
    for (std::size_t i = 0; i < other.windows_.size(); ++i) {
        const Window& o = other.windows_[i];
        if (o.count == 0) continue;
        Window& w = windows_[i];
        w.max = w.count ? std::max(w.max, o.max) : o.max;
        w.count += o.count;
        w.sum += o.sum;
    }
}

double TimeSeries::rate_per_second(std::size_t index) const {
    if (index >= windows_.size()) return 0.0;
    return static_cast<double>(windows_[index].count) * 1e6 / static_cast<double>(width_.us());
}

}  // namespace cascadelab
