// Errors as values: every fallible core function returns Result<T>.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ropescope {

// A validation or parse error. `field` is the offending parameter or JSON path
// (e.g. "rope_scaling.factor"); `message` is a full sentence for the user that
// already names the field, the bad value and what is allowed.
struct Error {
    std::string field;
    std::string message;
};

// Either a value or an Error. Deliberately tiny (std::expected is C++23).
template <class T>
class Result {
public:
    Result(T value) : data_(std::move(value)) {}          // NOLINT: implicit by design
    Result(Error error) : data_(std::move(error)) {}      // NOLINT: implicit by design

    bool ok() const { return std::holds_alternative<T>(data_); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(data_); }
    T& value() & { return std::get<T>(data_); }
    T&& value() && { return std::get<T>(std::move(data_)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    const Error& error() const { return std::get<Error>(data_); }

private:
    std::variant<T, Error> data_;
};

// For functions that only validate.
struct Ok {};
using Status = Result<Ok>;

}  // namespace ropescope
