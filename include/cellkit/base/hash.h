// Stable hashing: xxHash64 with explicit seeds, identical on every platform and run; and the
// hash of in-memory name tables.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace cellkit {

// xxHash64 of the bytes, as specified by the xxHash project.
std::uint64_t hash64(std::span<const std::byte> bytes, std::uint64_t seed = 0);
std::uint64_t hash64(std::string_view text, std::uint64_t seed = 0);

// xxHash64 of the 8 little-endian bytes of each value, in order. For keyed scores
// such as hash64_of(seed, tenant, cell): the byte order is fixed, not the host's.
std::uint64_t hash64_of(std::uint64_t seed, std::uint64_t a);
std::uint64_t hash64_of(std::uint64_t seed, std::uint64_t a, std::uint64_t b);

// XXH3-64 of the bytes: faster than xxHash64 on short strings. Only for in-memory tables
// (where a value lands and how long a probe runs); never for anything that reaches an output
// or a file, which use hash64.
std::uint64_t table_hash(std::string_view text);

}  // namespace cellkit
