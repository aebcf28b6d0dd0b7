// Temporary files being written, removed if the process is stopped by SIGINT or SIGTERM.
#pragma once

#include <string>

namespace cellkit::io {

// Records `path` so that a SIGINT or SIGTERM arriving before unregister_temporary removes it
// (then the signal takes its default action). Installs the handlers on first use, only for a
// signal whose disposition is still the default. Returns a slot for unregister_temporary, or
// -1 when all slots are taken (the file is then not removed on a signal).
int register_temporary(const std::string& path);
// Forgets the slot (a no-op for -1).
void unregister_temporary(int slot);

}  // namespace cellkit::io
