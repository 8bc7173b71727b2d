#include "properties/hunt.hpp"

#include <algorithm>      // std::min, std::max
#include <cmath>          // std::llround
#include <exception>      // std::exception_ptr
#include <unordered_map>  // std::unordered_map

#include <rapidcheck.h>

#include "properties/generators.hpp"
#include "model/resource_budget.hpp"
#include "statemachines/config_error.hpp"

// RapidCheck's reproduce-string codec lives in the library (its RC_PARAMS="reproduce=..."
// support) but not in an installed header; these are its signatures in RapidCheck's source.
namespace rc::detail {
std::string reproduceMapToString(const std::unordered_map<std::string, Reproduce>& reproduceMap);
std::unordered_map<std::string, Reproduce> stringToReproduceMap(const std::string& str);
}  // namespace rc::detail

namespace cascadelab::properties {

namespace {

// Counts cases and accepted shrinks, for the progress line.
class Progress final : public rc::detail::TestListener {
public:
    explicit Progress(const HuntOptions& o) : options_(o) {}
    void onTestCaseFinished(const rc::detail::CaseDescription&) override {
        ++cases;
        if (options_.progress) options_.progress(cases, shrinks);
    }
    void onShrinkTried(const rc::detail::CaseDescription&, bool accepted) override {
        if (!accepted) return;
        ++shrinks;
        if (options_.progress) options_.progress(cases, shrinks);
    }
    void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
    int cases = 0;
    int shrinks = 0;

private:
    const HuntOptions& options_;
};

std::unordered_map<std::string, rc::detail::Reproduce> decode_reproduce(const std::string& text) {
    if (text.empty()) return {};
    try {
        return rc::detail::stringToReproduceMap(text);
    } catch (const std::exception&) {
        throw ConfigError("--reproduce", text, "is not a RapidCheck reproduce string");
    }
}

}  // namespace

bool is_reproduce_string(const std::string& text) {
    try {
        decode_reproduce(text);
        return true;
    } catch (const ConfigError&) {
        return false;
    }
}

HuntResult hunt(std::string_view property, const HuntSetup& setup, const HuntOptions& options) {
    const PropertyInfo* info = find_property(property);
    if (!info) throw ConfigError("--property", std::string{property}, "no such property (cascadelab hunt --list)");
    if (!applies(*info, setup.scenario.architecture))
        throw ConfigError("--property", std::string{property},
                          fmt::format("does not apply to the {} architecture", name(setup.scenario.architecture)));
    setup.validate();
    const HealthyLevel healthy = property == "recovery" ? measure_healthy(setup) : HealthyLevel{};
    return search(setup, options, property,
                  [&](const Schedule& s) { return check(property, setup, s, healthy); });
}

HuntResult search(const HuntSetup& setup, const HuntOptions& options, std::string_view id, const ScheduleCheck& check_fn) {
    HuntResult result;
    // RapidCheck calls the property again and again while it shrinks, and moves on only from a
    // failing case: the last failing call is its minimal counterexample.
    std::optional<std::pair<Schedule, Violation>> last_failure;
    bool first_seen = false;
    // A run that passes its budget is not a violation: RapidCheck would take the exception for
    // a failing case and shrink it. The hunt stops and the caller hears of it instead.
    std::exception_ptr over_budget;
    const auto testable = [&] {
        if (over_budget) return;
        const Schedule s = *gen::schedule(setup);
        ++result.runs;
        std::optional<Violation> found;
        try {
            found = check_fn(s);
        } catch (const RunLimitExceeded&) {
            over_budget = std::current_exception();
            return;
        }
        if (auto v = found) {
            if (!first_seen) {
                result.first = s;
                first_seen = true;
            }
            last_failure.emplace(s, *v);
            RC_FAIL(describe(*v));
        }
    };

    rc::detail::TestParams params;
    params.seed = options.seed;
    params.maxSuccess = options.cases;
    params.maxSize = options.max_size;
    const rc::detail::TestMetadata metadata{std::string{id}, "cascadelab hunt"};
    Progress listener(options);
    const std::unordered_map<std::string, rc::detail::Reproduce> reproduce = decode_reproduce(options.reproduce);
    const rc::detail::TestResult outcome =
        rc::detail::checkProperty(rc::detail::toProperty(testable), metadata, params, listener, reproduce);

    if (over_budget) std::rethrow_exception(over_budget);
    result.cases = listener.cases;
    result.shrinks = listener.shrinks;
    rc::detail::FailureResult failure;
    if (outcome.match(failure) && last_failure) {
        result.found = true;
        result.cases = failure.numSuccess + 1;
        result.reproduce = rc::detail::reproduceMapToString({{metadata.id, failure.reproduce}});
        int runs = 0;
        const ScheduleCheck counted = [&](const Schedule& s) {
            ++runs;
            return check_fn(s);
        };
        auto [minimal, steps] = simplify(last_failure->first, counted);
        result.runs += runs;
        result.shrinks += steps;
        if (options.progress) options.progress(result.cases, result.shrinks);
        result.minimal = minimal;
        result.violation = steps ? *check_fn(minimal) : last_failure->second;
    }
    return result;
}

namespace {

// The smallest value in [lo, hi] for which `fails` holds, given that it holds at hi (bisection;
// exact when failing is monotone in the value, a good smaller value otherwise).
template <class F>
std::int64_t smallest_failing(std::int64_t lo, std::int64_t hi, F&& fails) {
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (fails(mid)) hi = mid;
        else lo = mid + 1;
    }
    return hi;
}

}  // namespace

std::pair<Schedule, int> simplify(Schedule s, const ScheduleCheck& check_fn) {
    int steps = 0;
    auto take = [&](const Schedule& candidate) {
        if (candidate == s || !check_fn(candidate)) return false;
        s = candidate;
        ++steps;
        return true;
    };
    for (bool changed = true; changed;) {
        changed = false;
        // Fewer bursts: one burst holding them all, at the earliest start.
        if (s.bursts.size() > 1) {
            Schedule c = s;
            Burst merged = c.bursts.front();
            Time end = merged.start + merged.spread;
            merged.size = 0;
            for (const Burst& b : c.bursts) {
                merged.start = std::min(merged.start, b.start);
                end = std::max(end, b.start + b.spread);
                merged.size += b.size;
            }
            merged.spread = end - merged.start;
            c.bursts = {merged};
            if (take(c)) {
                changed = true;
            } else {
                merged.spread = Duration::zero();  // all of them at once
                c.bursts = {merged};
                changed |= take(c);
            }
        }
        for (std::size_t i = 0; i < s.bursts.size(); ++i) {
            for (auto edit : {+[](Burst& b) { b.spread = Duration::zero(); }, +[](Burst& b) { b.start = Time{}; }}) {
                Schedule c = s;
                edit(c.bursts[i]);
                changed |= take(c);
            }
            // Smaller bursts: the fewest requests that still break it.
            const auto size = smallest_failing(1, s.bursts[i].size, [&](std::int64_t n) {
                Schedule c = s;
                c.bursts[i].size = static_cast<std::uint32_t>(n);
                return c == s || check_fn(c).has_value();
            });
            Schedule c = s;
            c.bursts[i].size = static_cast<std::uint32_t>(size);
            changed |= take(c);
        }
        for (std::size_t i = 0; i < s.faults.size(); ++i) {
            Schedule without = s;
            without.faults.erase(without.faults.begin() + static_cast<std::ptrdiff_t>(i));
            if (take(without)) {
                changed = true;
                break;  // indices moved; start the round again
            }
            Schedule at_zero = s;
            at_zero.faults[i].start = Time{};
            changed |= take(at_zero);
            // Shorter faults.
            const auto length_ms = smallest_failing(1, std::max<std::int64_t>(1, s.faults[i].length.us() / 1000), [&](std::int64_t ms) {
                Schedule c = s;
                c.faults[i].length = Duration::millis(ms);
                return c == s || check_fn(c).has_value();
            });
            Schedule shorter = s;
            shorter.faults[i].length = std::min(s.faults[i].length, Duration::millis(length_ms));
            changed |= take(shorter);
            // Weaker faults: spikes toward x1, capacity drops toward 99 % kept, error rates toward 0.
            FaultWindow& f = s.faults[i];
            if (f.kind == FaultKind::LatencySpike || f.kind == FaultKind::ErrorRate || f.kind == FaultKind::CapacityDrop) {
                const bool spike = f.kind == FaultKind::LatencySpike;
                const bool drop = f.kind == FaultKind::CapacityDrop;
                // As an integer that grows with strength: spike factor, error percent, percent lost.
                const auto level = [&](double strength) {
                    return static_cast<std::int64_t>(std::llround(spike ? strength : drop ? 100.0 * (1.0 - strength) : 100.0 * strength));
                };
                const auto strength_of = [&](std::int64_t v) {
                    return spike ? static_cast<double>(v) : drop ? 1.0 - static_cast<double>(v) / 100.0 : static_cast<double>(v) / 100.0;
                };
                const std::int64_t weakest = spike ? 1 : drop ? 1 : 0;
                const auto weaker = smallest_failing(weakest, std::max(weakest, level(f.strength)), [&](std::int64_t v) {
                    Schedule c = s;
                    c.faults[i].strength = strength_of(v);
                    return c == s || check_fn(c).has_value();
                });
                Schedule c = s;
                c.faults[i].strength = strength_of(weaker);
                changed |= take(c);
            }
        }
    }
    return {s, steps};
}

}  // namespace cascadelab::properties
