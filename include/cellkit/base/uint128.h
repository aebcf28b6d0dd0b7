// UInt128: the one place that names a compiler's 128-bit integer for public headers.
#pragma once

namespace cellkit {

#if defined(__SIZEOF_INT128__)
// unsigned __int128 under a name -Wpedantic accepts (the keyword itself is a GNU extension,
// which GCC and Clang provide on 64-bit targets).
__extension__ typedef unsigned __int128 UInt128;
#else
#error "cellkit needs a 128-bit unsigned integer (GCC or Clang on a 64-bit target)"
#endif

}  // namespace cellkit
