// CELLKIT_ALWAYS_INLINE: the one place that names a compiler's attribute for public headers.
#pragma once

// Asks GCC and Clang to inline a function of the per-request path into its caller even
// past their size heuristics (the simulator's request loop and the live router's handler
// measure it). Other compilers get the function unannotated: the same behaviour, inlined as
// that compiler sees fit.
#if defined(__GNUC__) || defined(__clang__)
#define CELLKIT_ALWAYS_INLINE [[gnu::always_inline]]
#else
#define CELLKIT_ALWAYS_INLINE
#endif
