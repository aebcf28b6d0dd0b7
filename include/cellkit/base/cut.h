// How an error message shows a string the user gave: cut, so no message grows with its input.
#pragma once

#include <string>
#include <string_view>

namespace cellkit {

// A string the user gave (a value, name, key, path segment or option), as an error message
// shows it: whole up to 40 bytes, else its first 40 bytes, never ending inside a UTF-8
// sequence, and "...". Every message naming such a string passes it through here
// (docs/limits.md): a name may be megabytes long.
std::string cut(std::string_view text);

}  // namespace cellkit
