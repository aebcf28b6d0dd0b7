// SHA-256 of bytes as lowercase hex: how snapshot chunks in a store are checked whole.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace cellkit::live {

// 64 lowercase hex digits (FIPS 180-4 SHA-256, computed by OpenSSL).
std::string sha256_hex(std::span<const std::byte> bytes);
std::string sha256_hex(std::string_view text);

}  // namespace cellkit::live
