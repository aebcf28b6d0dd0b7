// xxHash64 and XXH3 through Debian's libxxhash.
#include "cellkit/base/hash.h"

#include <array>

#include <xxhash.h>

namespace cellkit {
namespace {

void put_le64(std::uint64_t value, std::byte* out) {
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<std::byte>((value >> (8 * i)) & 0xffu);
  }
}

}  // namespace

std::uint64_t hash64(std::span<const std::byte> bytes, std::uint64_t seed) {
  return XXH64(bytes.data(), bytes.size(), seed);
}

std::uint64_t hash64(std::string_view text, std::uint64_t seed) {
  return XXH64(text.data(), text.size(), seed);
}

std::uint64_t hash64_of(std::uint64_t seed, std::uint64_t a) {
  std::array<std::byte, 8> buf;
  put_le64(a, buf.data());
  return hash64(std::span<const std::byte>(buf), seed);
}

std::uint64_t hash64_of(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  std::array<std::byte, 16> buf;
  put_le64(a, buf.data());
  put_le64(b, buf.data() + 8);
  return hash64(std::span<const std::byte>(buf), seed);
}

std::uint64_t table_hash(std::string_view text) {
  return XXH3_64bits(text.data(), text.size());
}

}  // namespace cellkit
