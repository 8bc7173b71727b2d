// Windowed time series.
#include "model/kernel/time_series.hpp"

#include <algorithm>  // std::max
#include <cassert>    // assert

namespace cascadelab {

TimeSeries::TimeSeries(Duration width, std::size_t max_windows) : width_(width), max_windows_(max_windows) {
    assert(width > Duration::zero());
    assert(max_windows >= 2);
}

namespace {
void add(TimeSeries::Window& into, const TimeSeries::Window& o) {
    if (o.count == 0) return;
    into.max = into.count ? std::max(into.max, o.max) : o.max;
    into.count += o.count;
    into.sum += o.sum;
}
}  // namespace

void TimeSeries::coarsen() {
    std::vector<Window> merged((windows_.size() + 1) / 2);
    for (std::size_t i = 0; i < windows_.size(); ++i) add(merged[i / 2], windows_[i]);
    windows_ = std::move(merged);
    width_ = width_ * 2;
    last_start_ = last_end_ = Time::max();
}

std::size_t TimeSeries::window_index(Time t) const {
    if (t.us() < 0) return 0;
    return static_cast<std::size_t>(t.since_start() / width_);
}

void TimeSeries::record(Time t, double value) {
    std::size_t i = last_index_;
    if (t < last_start_ || t >= last_end_) {
        i = window_index(t);
        while (i >= max_windows_) {
            coarsen();
            i = window_index(t);
        }
        if (i >= windows_.size()) windows_.resize(i + 1);
        if (t.us() >= 0) {
            last_start_ = window_start(i);
            last_end_ = window_start(i + 1);
            last_index_ = i;
        }
    }
    Window& w = windows_[i];
    w.max = w.count ? std::max(w.max, value) : value;
    ++w.count;
    w.sum += value;
}

void TimeSeries::merge(const TimeSeries& other) {
    // Widths are the base width times a power of two: coarsen the finer one to match.
    TimeSeries coarse = other;
    while (coarse.width_ < width_) coarse.coarsen();
    while (width_ < coarse.width_) coarsen();
    assert(coarse.width_ == width_);
    if (coarse.windows_.size() > windows_.size()) windows_.resize(coarse.windows_.size());
    for (std::size_t i = 0; i < coarse.windows_.size(); ++i) add(windows_[i], coarse.windows_[i]);
    while (windows_.size() > max_windows_) coarsen();
}

double TimeSeries::rate_per_second(std::size_t index) const {
    if (index >= windows_.size()) return 0.0;
    return static_cast<double>(windows_[index].count) * 1e6 / static_cast<double>(width_.us());
}

}  // namespace cascadelab
