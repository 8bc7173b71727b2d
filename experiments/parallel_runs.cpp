#include "experiments/parallel_runs.hpp"

#include <algorithm>  // std::min
#include <atomic>     // std::atomic
#include <exception>  // std::exception_ptr
#include <mutex>      // std::mutex
#include <optional>   // std::optional
#include <thread>     // std::thread

#include "model/run.hpp"

namespace cascadelab::cli {

std::vector<RunMetrics> run_all(const std::vector<Scenario>& scenarios, unsigned threads,
                                const std::function<void(std::size_t, std::size_t)>& progress) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, scenarios.size())));
    std::vector<std::optional<RunMetrics>> results(scenarios.size());
    std::atomic<std::size_t> next{0};
    std::size_t done = 0;
    std::mutex mutex;  // guards `done`, the progress callback and `failure`
    std::exception_ptr failure;
    auto worker = [&] {
        for (std::size_t i = next++; i < scenarios.size(); i = next++) {
            try {
                results[i].emplace(run_scenario(scenarios[i]));
            } catch (...) {
                const std::lock_guard lock(mutex);
                if (!failure) failure = std::current_exception();
                return;
            }
            const std::lock_guard lock(mutex);
            ++done;
            if (progress) progress(done, scenarios.size());
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    std::vector<RunMetrics> out;
    out.reserve(results.size());
    for (auto& r : results) out.push_back(std::move(*r));
    return out;
}

}  // namespace cascadelab::cli
