// A fixed table of temporary paths that a signal handler can walk without allocating.
#include "io/temporary_files.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>

namespace cellkit::io {
namespace {

// A handful of writes are ever in flight (a set of three files at most today).
constexpr int kSlots = 32;
constexpr std::size_t kPathBytes = 4096;

struct Slot {
  std::atomic<bool> used{false};
  char path[kPathBytes];
};

Slot slots[kSlots];
std::mutex claim_mutex;  // claiming a slot is rare; the handler only reads `used` and paths

// Async-signal-safe: unlink, signal and raise only.
extern "C" void remove_temporaries(int signal_number) {
  for (Slot& slot : slots) {
    if (slot.used.load(std::memory_order_acquire)) ::unlink(slot.path);
  }
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int s : {SIGINT, SIGTERM}) {
      struct sigaction current {};
      if (::sigaction(s, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
      struct sigaction action {};
      action.sa_handler = remove_temporaries;
      sigemptyset(&action.sa_mask);
      ::sigaction(s, &action, nullptr);
    }
  });
}

}  // namespace

int register_temporary(const std::string& path) {
  install_handlers();
  if (path.size() >= kPathBytes) return -1;
  const std::lock_guard lock(claim_mutex);
  for (int i = 0; i < kSlots; ++i) {
    if (slots[i].used.load(std::memory_order_relaxed)) continue;
    std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
    slots[i].used.store(true, std::memory_order_release);
    return i;
  }
  return -1;
}

void unregister_temporary(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  slots[slot].used.store(false, std::memory_order_release);
}

}  // namespace cellkit::io
