// Named event counters for reports: ordered by name, so every printout and hash is stable.
#pragma once

#include <cstdint>      // std::uint64_t
#include <map>          // std::map (ordered: deterministic iteration)
#include <string>       // std::string
#include <string_view>  // std::string_view

namespace cascadelab {

// Not for the simulation's hot path (a map lookup per add); hot counters are plain struct fields
// that are copied into a Counters at the end of a run.
class Counters {
public:
    void add(std::string_view name, std::uint64_t n = 1) {
        auto it = values_.find(name);
        if (it == values_.end()) it = values_.emplace(std::string{name}, 0).first;
        it->second += n;
    }
    std::uint64_t get(std::string_view name) const {
        auto it = values_.find(name);
        return it == values_.end() ? 0 : it->second;
    }
    void merge(const Counters& other) {
        for (const auto& [k, v] : other.values_) add(k, v);
    }
    const std::map<std::string, std::uint64_t, std::less<>>& all() const { return values_; }

private:
    std::map<std::string, std::uint64_t, std::less<>> values_;
};

}  // namespace cascadelab
