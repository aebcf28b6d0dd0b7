// A child process we started and always stop: its own (or a shared) process group, stdout
// read line by line, and a destructor that kills and reaps it so no orphan is ever left.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cellkit/base/status.h"

namespace cellkit::live {

using Millis = std::chrono::milliseconds;

// How a child ended: exited with `code`, or was killed by `signal`.
struct ExitStatus {
  bool exited = false;  // true: exit(code); false: killed by signal
  int code = 0;
  int signal = 0;

  bool operator==(const ExitStatus&) const = default;
};

// "exit 0", "exit 3", "signal 9 (Killed)".
std::string to_string(const ExitStatus& status);
// For test output (gtest finds it by argument-dependent lookup).
inline void PrintTo(const ExitStatus& status, std::ostream* os) {
  *os << to_string(status);
}

struct SpawnOptions {
  // 0: the child leads a new process group (its pgid is its pid); otherwise it joins this
  // existing group (a supervisor keeps all its children in one group).
  pid_t process_group = 0;
  // Read the child's stdout through a pipe (read_line); false: it inherits ours.
  bool capture_stdout = true;
  // When the child founded its group: kill() and the destructor SIGKILL the whole group
  // (what the child left behind). A supervisor whose children share the first child's
  // group says false, so one child's end does not take the others with it.
  bool kill_group = true;
};

// Owns one running child. The child gets PR_SET_PDEATHSIG(SIGKILL), so it dies with the
// thread that spawned it even if this process is killed without running destructors
// (spawn from a long-lived thread, e.g. main). Move-only.
class ChildProcess {
 public:
  // Starts argv[0] (a path) with argv. Fails with kNotFound naming the program when it
  // cannot be executed, kInvalidArgument when argv is empty.
  static Result<ChildProcess> spawn(const std::vector<std::string>& argv,
                                    const SpawnOptions& options = {});

  ChildProcess(ChildProcess&&) noexcept;
  ChildProcess& operator=(ChildProcess&&) noexcept;
  ~ChildProcess();  // kill() then reap: never leaves a process behind

  pid_t pid() const;
  pid_t process_group() const;

  // The next line the child wrote to stdout (without the newline), waiting at most
  // `timeout`. Fails with kFailedPrecondition on timeout or when stdout closed first
  // (the message says which, and includes what was read so far).
  Result<std::string> read_line(Millis timeout);
  // Everything read from stdout so far (kept up to 1 MiB; later output is drained and
  // dropped so a chatty child never blocks on a full pipe).
  std::string output() const;

  // Sends SIGTERM to the child and waits up to `grace`; if it is still running, SIGKILLs
  // it and its whole group (when it leads one). Reaps it; returns how it ended. After a
  // graceful exit the rest of its group is left to the destructor.
  ExitStatus stop(Millis grace);
  // SIGKILL to the child (and its group when it leads one), then reaps.
  ExitStatus kill();
  // Sends `signal` to the child only.
  void signal(int signal);
  // Waits up to `timeout` for the child to end; nothing when it is still running.
  std::optional<ExitStatus> wait_exit(Millis timeout);
  // Whether it has not been reaped yet (reaps it if it has ended).
  bool running();

 private:
  struct State;
  explicit ChildProcess(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// True when a process with this pid exists (zombies count until reaped).
bool process_exists(pid_t pid);

}  // namespace cellkit::live
