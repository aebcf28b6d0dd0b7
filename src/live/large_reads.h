// Room for large reads in a Beast flat buffer: the one remedy for Beast's 512-byte reads,
// used wherever a body that may be large is read (the admin intake, proxied request bodies,
// the store client's responses).
#pragma once

#include <cstddef>

#include "live/asio_types.h"

namespace cellkit::live {

// The most one Beast HTTP read takes (http::read_some asks beast::read_size for 65,536).
inline constexpr std::size_t kLargeRead = 64 * 1024;

// Beast's HTTP reads take only the room the buffer has without growing, 512 bytes at least
// (beast::read_size): a buffer left at 512 bytes reads a 65 MB body in 126,000 reads, each a
// system call and a wait for readiness. After this call each read takes up to kLargeRead
// bytes. It raises the buffer's max_size to kLargeRead when it was lower; the memory stays
// with the buffer until it is shrunk or destroyed.
inline void make_room_for_large_reads(beast::flat_buffer& buffer) {
  buffer.reserve(kLargeRead);
}

}  // namespace cellkit::live
