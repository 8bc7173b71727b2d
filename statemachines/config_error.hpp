// The one error type for invalid configuration: it names the field and the value.
#pragma once

#include <stdexcept>  // std::invalid_argument
#include <string>     // std::string

#include <fmt/format.h>  // fmt::format

namespace cascadelab {

// "circuit_breaker.failure_rate_threshold = 0: must be in (0, 100]" — one line, for users.
class ConfigError : public std::invalid_argument {
public:
    ConfigError(std::string field, std::string value, const std::string& why)
        : std::invalid_argument(fmt::format("{} = {}: {}", field, value, why)),
          field_(std::move(field)),
          value_(std::move(value)),
          why_(why) {}
    const std::string& field() const { return field_; }
    const std::string& value() const { return value_; }
    const std::string& why() const { return why_; }

private:
    std::string field_;
    std::string value_;
    std::string why_;
};

// Throws ConfigError unless `ok`; the value is rendered with fmt.
template <class T>
void require(bool ok, std::string_view section, std::string_view field, const T& value, std::string_view why) {
    if (!ok) throw ConfigError(fmt::format("{}.{}", section, field), fmt::format("{}", value), std::string{why});
}

}  // namespace cascadelab
