// Status and Result<T>: expected failures as values, never exceptions.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cellkit {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller's input is malformed or out of range
  kNotFound,            // a named entity does not exist
  kAlreadyExists,       // an entity with that id or name exists already
  kFailedPrecondition,  // the request is valid but the current state forbids it
  kResourceExhausted,   // not enough cells, capacity or distinct shards left
  kDataLoss,            // a file or snapshot is corrupt
};

std::string_view to_string(StatusCode code);

// The outcome of an operation that returns no value. Default-constructed is ok.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Human-readable, names the bad value; empty when ok.
  const std::string& message() const { return message_; }

  bool operator==(const Status&) const = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status invalid_argument(std::string message);
Status not_found(std::string message);
Status already_exists(std::string message);
Status failed_precondition(std::string message);
Status resource_exhausted(std::string message);
Status data_loss(std::string message);

// Either a T or a non-ok Status. Accessing value() of a failed Result is a bug (asserts).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).is_ok() && "a Result needs a value or an error");
  }

  bool is_ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return is_ok(); }

  const T& value() const& {
    assert(is_ok());
    return std::get<T>(state_);
  }
  T& value() & {
    assert(is_ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(is_ok());
    return std::get<T>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The error; ok when a value is held.
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace cellkit
