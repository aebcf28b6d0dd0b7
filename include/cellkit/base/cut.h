// How an error message shows a string the user gave: cut, so no message grows with its input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cellkit {

// A string the user gave (a value, name, key, path segment or option), as an error message
// shows it: whole up to 40 bytes, else its first 40 bytes, never ending inside a UTF-8
// sequence, and "...". Every message naming such a string passes it through here
// (docs/limits.md): a name may be megabytes long.
std::string cut(std::string_view text);

// The most of a reply body an error message quotes (cut(body, kQuotedBodyBytes)).
inline constexpr std::size_t kQuotedBodyBytes = 200;

// A longer text from outside (a reply body) as an error message quotes it: whole up to
// `max` bytes, else its first `max` bytes or fewer, never ending inside a UTF-8 sequence,
// then "... (N more bytes)" with the number left out. Text that is not UTF-8 is cut at
// `max` bytes.
std::string cut(std::string_view text, std::size_t max);

}  // namespace cellkit
