#include "experiments/parallel_runs.hpp"

#include <algorithm>  // std::min
#include <atomic>     // std::atomic
#include <exception>  // std::exception_ptr
#include <mutex>      // std::mutex
#include <optional>   // std::optional
#include <thread>     // std::thread

#include "model/run.hpp"

namespace cascadelab::cli {

namespace {

// Each worker takes the next index and stores result(i) in slot i: the order is the input's.
template <class T, class Make>
std::vector<T> in_parallel(std::size_t count, unsigned threads, const Progress& progress, Make make) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, count)));
    std::vector<std::optional<T>> results(count);
    std::atomic<std::size_t> next{0};
    std::size_t done = 0;
    std::mutex mutex;  // guards `done`, the progress callback and `failure`
    std::exception_ptr failure;
    auto worker = [&] {
        for (std::size_t i = next++; i < count; i = next++) {
            try {
                results[i].emplace(make(i));
            } catch (...) {
                const std::lock_guard lock(mutex);
                if (!failure) failure = std::current_exception();
                return;
            }
            const std::lock_guard lock(mutex);
            ++done;
            if (progress) progress(done, count);
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    std::vector<T> out;
    out.reserve(results.size());
    for (auto& r : results) out.push_back(std::move(*r));
    return out;
}

}  // namespace

std::vector<std::vector<double>> run_all_figures(const std::vector<Scenario>& scenarios, unsigned threads,
                                                 const RunOptions& options,
                                                 const std::function<std::vector<double>(const RunMetrics&)>& keep,
                                                 const Progress& progress) {
    return in_parallel<std::vector<double>>(scenarios.size(), threads, progress,
                                            [&](std::size_t i) { return keep(run_scenario(scenarios[i], options)); });
}

std::vector<RunMetrics> run_all(const std::vector<Scenario>& scenarios, unsigned threads, const RunOptions& options,
                                const Progress& progress) {
    return in_parallel<RunMetrics>(scenarios.size(), threads, progress,
                                   [&](std::size_t i) { return run_scenario(scenarios[i], options); });
}

}  // namespace cascadelab::cli
