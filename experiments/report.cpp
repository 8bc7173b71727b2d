#include "experiments/report.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace cascadelab::cli {

namespace {

std::string ms(Duration d) { return fmt::format("{:.1f}", d.ms()); }

std::uint64_t dlq(const RunMetrics& r) { return r.outcome(Outcome::DeadLettered); }
std::uint64_t dropped(const RunMetrics& r) { return r.outcome(Outcome::Dropped); }

}  // namespace

std::string render_table(const std::vector<RunMetrics>& runs, const std::vector<ClaimVerdict>& claims) {
    std::string out;
    out += fmt::format("{:<22} {:<5} {:>8} {:>7} {:>7} {:>7} {:>5} {:>7} {:>8} {:>7} {:>8} {:>6} {:>9}\n",
                       "scenario", "arch", "requests", "ok", "failed", "dropped", "dlq", "retries", "timeouts",
                       "breaker", "bulkhead", "budget", "attempts");
    for (const RunMetrics& r : runs) {
        out += fmt::format("{:<22} {:<5} {:>8} {:>7} {:>7} {:>7} {:>5} {:>7} {:>8} {:>7} {:>8} {:>6} {:>8.2f}x\n",
                           r.scenario, name(r.architecture), r.requests, r.ok(), r.failed(), dropped(r), dlq(r),
                           r.retries, r.attempt_timeouts, r.breaker_rejections, r.bulkhead_rejections,
                           r.budget_denials, r.amplification());
    }
    out += "\n";
    out += fmt::format("{:<22} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>5} {:>8} {:>8} {:>7}\n",
                       "latency (ms)", "p50", "p95", "p99", "p99.9", "max", "svc p50", "svc p99", "max inf",
                       "max q", "opens", "thru/s", "good/s", "time s");
    for (const RunMetrics& r : runs) {
        const LatencyHistogram& l = r.latency;
        out += fmt::format("{:<22} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>5} {:>8.0f} {:>8.0f} {:>7.2f}\n",
                           r.scenario, ms(l.p50()), ms(l.p95()), ms(l.p99()), ms(l.p999()), ms(l.max()),
                           ms(r.service_latency.p50()), ms(r.service_latency.p99()), r.max_downstream_in_flight,
                           r.max_queue_depth, r.breaker_opens, r.throughput(), r.goodput_per_s(), r.duration_s());
    }
    if (!claims.empty()) {
        std::size_t held = 0;
        for (const ClaimVerdict& c : claims) held += c.held ? 1 : 0;
        out += fmt::format("\nThe articles' claims on this run: {} of {} held\n", held, claims.size());
        for (const ClaimVerdict& c : claims)
            out += fmt::format("  {:<10} {} — {}\n", c.held ? "[held]" : "[NOT held]", c.claim, c.evidence);
    }
    return out;
}

std::vector<Field> run_fields(const RunMetrics& r) {
    auto u = [](std::uint64_t v) { return static_cast<double>(v); };
    std::vector<Field> f{
        {"requests", u(r.requests), true},
    };
    for (std::size_t i = 0; i < kOutcomeCount; ++i)
        f.push_back({name(static_cast<Outcome>(i)), u(r.outcomes[i]), true});
    const std::vector<Field> rest{
        {"failed", u(r.failed()), true},
        {"unfinished", u(r.unfinished), true},
        {"attempts", u(r.attempts), true},
        {"retries", u(r.retries), true},
        {"attempt_timeouts", u(r.attempt_timeouts), true},
        {"attempt_errors", u(r.attempt_errors), true},
        {"breaker_rejections", u(r.breaker_rejections), true},
        {"bulkhead_rejections", u(r.bulkhead_rejections), true},
        {"budget_denials", u(r.budget_denials), true},
        {"refused_by_downstream", u(r.refused_by_downstream), true},
        {"abandoned_work", u(r.abandoned_work), true},
        {"throttled_attempts", u(r.throttled_attempts), true},
        {"fatal_errors", u(r.fatal_errors), true},
        {"pushbacks", u(r.pushbacks), true},
        {"duplicate_deliveries", u(r.duplicate_deliveries), true},
        {"dead_letter_rejected", u(r.dead_letters_by_reason[static_cast<std::size_t>(DeadLetterReason::Rejected)]), true},
        {"dead_letter_expired", u(r.dead_letters_by_reason[static_cast<std::size_t>(DeadLetterReason::Expired)]), true},
        {"dead_letter_delivery_limit", u(r.dead_letters_by_reason[static_cast<std::size_t>(DeadLetterReason::DeliveryLimit)]), true},
        {"dead_letter_maxlen", u(r.dead_letters_by_reason[static_cast<std::size_t>(DeadLetterReason::MaxLength)]), true},
        {"breaker_opens", u(r.breaker_opens), true},
        {"amplification", r.amplification(), false},
        {"max_downstream_in_flight", u(r.max_downstream_in_flight), true},
        {"max_queue_depth", u(r.max_queue_depth), true},
        {"max_bulkhead_waiting", u(r.max_bulkhead_waiting), true},
        {"latency_p50_ms", r.latency.p50().ms(), false},
        {"latency_p95_ms", r.latency.p95().ms(), false},
        {"latency_p99_ms", r.latency.p99().ms(), false},
        {"latency_p999_ms", r.latency.p999().ms(), false},
        {"latency_max_ms", r.latency.max().ms(), false},
        {"ok_latency_p50_ms", r.ok_latency.p50().ms(), false},
        {"ok_latency_p99_ms", r.ok_latency.p99().ms(), false},
        {"service_p50_ms", r.service_latency.p50().ms(), false},
        {"service_p95_ms", r.service_latency.p95().ms(), false},
        {"service_p99_ms", r.service_latency.p99().ms(), false},
        {"service_p999_ms", r.service_latency.p999().ms(), false},
        {"service_max_ms", r.service_latency.max().ms(), false},
        {"throughput_per_s", r.throughput(), false},
        {"goodput_per_s", r.goodput_per_s(), false},
        {"duration_s", r.duration_s(), false},
        {"tail_goodput_ratio", r.tail_goodput_ratio(), false},
        {"events", u(r.events), true},
        {"unhandled_events", u(r.unhandled_events), true},
    };
    f.insert(f.end(), rest.begin(), rest.end());
    return f;
}

std::string format_number(const Field& f) {
    return f.integer ? fmt::format("{}", static_cast<std::uint64_t>(f.value)) : fmt::format("{:.6g}", f.value);
}

std::string render_csv(const std::vector<RunMetrics>& runs) {
    std::string out = "scenario,architecture,seed";
    if (!runs.empty())
        for (const Field& f : run_fields(runs.front())) out += fmt::format(",{}", f.name);
    out += "\n";
    for (const RunMetrics& r : runs) {
        out += fmt::format("{},{},{}", r.scenario, name(r.architecture), r.seed);
        for (const Field& f : run_fields(r)) {
            out += ',';
            out += format_number(f);
        }
        out += "\n";
    }
    return out;
}

std::string render_json(const std::vector<RunMetrics>& runs, const std::vector<ClaimVerdict>& claims) {
    using nlohmann::ordered_json;
    ordered_json doc;
    doc["runs"] = ordered_json::array();
    for (const RunMetrics& r : runs) {
        ordered_json run;
        run["scenario"] = r.scenario;
        run["architecture"] = name(r.architecture);
        run["seed"] = r.seed;
        // Numbers go through the same fixed formatting as CSV, so the JSON is byte-stable.
        for (const Field& f : run_fields(r)) run[std::string{f.name}] = ordered_json::parse(format_number(f));
        ordered_json series = ordered_json::array();
        const auto& good = r.goodput.windows();
        const auto& inflight = r.in_flight.windows();
        const auto& queue = r.queue_depth.windows();
        const auto& breaker = r.breaker_open.windows();
        const std::size_t n = std::max({good.size(), inflight.size(), queue.size(), breaker.size()});
        for (std::size_t i = 0; i < n; ++i) {
            auto at = [i](const auto& w, bool max) { return i < w.size() ? (max ? w[i].max : static_cast<double>(w[i].count)) : 0.0; };
            series.push_back(ordered_json::array({r.goodput.window_start(i).since_start().ms(), at(good, false),
                                                  at(inflight, true), at(queue, true), at(breaker, true)}));
        }
        run["series_columns"] = ordered_json::array({"t_ms", "ok", "max_in_flight", "max_queue_depth", "breaker_open"});
        run["series"] = std::move(series);
        doc["runs"].push_back(std::move(run));
    }
    doc["claims"] = ordered_json::array();
    for (const ClaimVerdict& c : claims)
        doc["claims"].push_back(ordered_json{{"id", c.id}, {"claim", c.claim}, {"held", c.held}, {"evidence", c.evidence}});
    return doc.dump(2) + "\n";
}

}  // namespace cascadelab::cli
