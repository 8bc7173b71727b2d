// `compare --seeds N`: every scenario over N seeds, each metric as a mean with its 95 %
// confidence interval, and each claim with the number of seeds it held on. Seeds are added one
// at a time and reduced to their figures at once, so memory does not grow with N's histograms.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "experiments/report.hpp"
#include "model/metrics.hpp"

namespace cascadelab::cli {

class SeedSummary {
public:
    explicit SeedSummary(std::size_t scenarios) : scenarios_(scenarios) {}

    // One seed's run of every scenario, in the same scenario order each time.
    void add_seed(const std::vector<RunMetrics>& runs);

    std::string table() const;
    std::string csv() const;
    std::string json() const;

private:
    struct Scenario {
        std::string name;
        Architecture architecture = Architecture::Rpc;
        std::vector<std::uint64_t> seeds;
        std::vector<std::vector<double>> samples;  // per field, per seed
    };
    struct Claim {
        std::string_view id;
        std::string_view text;
        std::size_t held = 0;
        std::size_t seen = 0;
    };
    std::vector<double> field(std::size_t scenario, std::string_view name) const;

    std::size_t scenarios_;
    std::vector<std::string_view> names_;  // field names, in run_fields order
    std::vector<Scenario> runs_;
    std::vector<Claim> claims_;
};

}  // namespace cascadelab::cli
