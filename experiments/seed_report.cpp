#include "experiments/seed_report.hpp"

#include <map>  // std::map

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "experiments/claims.hpp"
#include "experiments/stats.hpp"

namespace cascadelab::cli {

namespace {

// Scenario i's figure `field` over the seeds.
Estimate over_seeds(const std::vector<std::vector<RunMetrics>>& runs, std::size_t scenario, std::string_view field) {
    std::vector<double> xs;
    for (const auto& seed_runs : runs)
        for (const Field& f : run_fields(seed_runs[scenario]))
            if (f.name == field) xs.push_back(f.value);
    return estimate(xs);
}

struct ClaimTally {
    std::string_view claim;
    std::size_t held = 0;
    std::size_t seen = 0;
};

std::vector<std::pair<std::string_view, ClaimTally>> tally_claims(const std::vector<std::vector<RunMetrics>>& runs) {
    std::vector<std::pair<std::string_view, ClaimTally>> out;
    for (const auto& seed_runs : runs) {
        for (const ClaimVerdict& c : evaluate_claims(seed_runs)) {
            auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == c.id; });
            if (it == out.end()) it = out.insert(out.end(), {c.id, ClaimTally{c.claim, 0, 0}});
            ++it->second.seen;
            it->second.held += c.held ? 1 : 0;
        }
    }
    return out;
}

std::string pm(const Estimate& e, int decimals) {
    return fmt::format("{:.{}f} ± {:.{}f}", e.mean, decimals, e.half_width, decimals);
}

}  // namespace

std::string render_seeds_table(const std::vector<std::vector<RunMetrics>>& runs) {
    if (runs.empty()) return "";
    std::string out = fmt::format("mean ± 95 % confidence interval over {} seeds\n\n", runs.size());
    out += fmt::format("{:<14} {:>16} {:>14} {:>13} {:>16} {:>13} {:>18} {:>18}\n", "scenario", "ok", "failed", "dlq+dropped",
                       "retries", "attempts", "p50 (ms)", "p99 (ms)");
    for (std::size_t i = 0; i < runs.front().size(); ++i) {
        const Estimate dlq = over_seeds(runs, i, "dead_lettered");
        const Estimate dropped = over_seeds(runs, i, "dropped");
        out += fmt::format("{:<14} {:>16} {:>14} {:>13} {:>16} {:>13} {:>18} {:>18}\n", runs.front()[i].scenario,
                           pm(over_seeds(runs, i, "ok"), 0), pm(over_seeds(runs, i, "failed"), 0),
                           fmt::format("{:.0f}", dlq.mean + dropped.mean), pm(over_seeds(runs, i, "retries"), 0),
                           pm(over_seeds(runs, i, "amplification"), 2), pm(over_seeds(runs, i, "latency_p50_ms"), 1),
                           pm(over_seeds(runs, i, "latency_p99_ms"), 1));
    }
    const auto claims = tally_claims(runs);
    if (!claims.empty()) {
        out += "\nThe articles' claims, seed by seed:\n";
        for (const auto& [id, t] : claims)
            out += fmt::format("  held on {:>3} of {:<3} seeds  {}\n", t.held, t.seen, t.claim);
    }
    return out;
}

std::string render_seeds_csv(const std::vector<std::vector<RunMetrics>>& runs) {
    if (runs.empty()) return "";
    std::string out = "scenario,architecture,seeds";
    for (const Field& f : run_fields(runs.front().front()))
        out += fmt::format(",{0}_mean,{0}_ci95_low,{0}_ci95_high", f.name);
    out += "\n";
    for (std::size_t i = 0; i < runs.front().size(); ++i) {
        out += fmt::format("{},{},{}", runs.front()[i].scenario, name(runs.front()[i].architecture), runs.size());
        for (const Field& f : run_fields(runs.front()[i])) {
            const Estimate e = over_seeds(runs, i, f.name);
            out += fmt::format(",{:.6g},{:.6g},{:.6g}", e.mean, e.low(), e.high());
        }
        out += "\n";
    }
    return out;
}

std::string render_seeds_json(const std::vector<std::vector<RunMetrics>>& runs) {
    using json = nlohmann::ordered_json;
    json doc{{"seeds", runs.size()}, {"scenarios", json::array()}};
    if (!runs.empty()) {
        for (std::size_t i = 0; i < runs.front().size(); ++i) {
            json s{{"scenario", runs.front()[i].scenario}, {"architecture", name(runs.front()[i].architecture)}};
            json seeds = json::array();
            for (const auto& seed_runs : runs) seeds.push_back(seed_runs[i].seed);
            s["seed_values"] = seeds;
            json fields = json::object();
            for (const Field& f : run_fields(runs.front()[i])) {
                const Estimate e = over_seeds(runs, i, f.name);
                fields[std::string{f.name}] = json{{"mean", json::parse(fmt::format("{:.6g}", e.mean))},
                                                   {"ci95_low", json::parse(fmt::format("{:.6g}", e.low()))},
                                                   {"ci95_high", json::parse(fmt::format("{:.6g}", e.high()))},
                                                   {"sd", json::parse(fmt::format("{:.6g}", e.sd))}};
            }
            s["fields"] = std::move(fields);
            doc["scenarios"].push_back(std::move(s));
        }
        json claims = json::array();
        for (const auto& [id, t] : tally_claims(runs))
            claims.push_back(json{{"id", id}, {"claim", t.claim}, {"held_on", t.held}, {"of", t.seen}});
        doc["claims"] = std::move(claims);
    }
    return doc.dump(2) + "\n";
}

}  // namespace cascadelab::cli
