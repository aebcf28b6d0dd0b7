// A supervisor for a local fleet: starts servers that announce "listening on HOST:PORT",
// keeps them in one process group, restarts crashed ones on the same port after a
// recovery time, and stops them all. Children die with it (ChildProcess's death signal).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cellkit/live/child_process.h"
#include "cellkit/live/loopback_http.h"

namespace cellkit::live {

struct ProcessSpec {
  std::string name;                // unique among the supervisor's children, e.g. "cell-2"
  std::vector<std::string> argv;   // argv[0] is a path; "--listen HOST:PORT" is appended
  std::string host = "127.0.0.1";  // the listen host
  std::uint16_t port = 0;          // first start's port; 0 picks a free one
  bool restart = false;            // restart on the same port after it dies on its own
  Millis recovery_time{1000};      // how long a crashed child stays down before its restart
};

struct SupervisorEvent {
  enum class Kind : std::uint8_t {
    kExited,         // a child ended on its own (status says how)
    kRestarted,      // a child is serving again (new pid, same endpoint)
    kRestartFailed,  // a restart did not come up (detail says why); retried after recovery
  };
  Kind kind = Kind::kExited;
  std::string name;
  pid_t pid = -1;  // the ended process, or the restarted one
  ExitStatus status;
  std::string detail;
};

// One line for a terminal: "cell-1 (pid 42) exited: signal 6 (Aborted); restart in 1000 ms".
std::string describe(const SupervisorEvent& event, const ProcessSpec& spec);

class Supervisor {
 public:
  // `start_timeout` bounds how long a child may take to print its listening line.
  explicit Supervisor(Millis start_timeout = std::chrono::seconds(10));
  ~Supervisor();  // stop_all with a short grace: nothing is left behind
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts the child and waits for its listening line. Fails (and leaves nothing running)
  // when it cannot start, dies first, says something else, or the name is taken.
  Result<Endpoint> start(ProcessSpec spec);
  // Reaps children that ended and restarts those whose recovery time has passed. Returns
  // what happened, in order. Call it often (e.g. every 50 ms); it never blocks longer
  // than a restart's start_timeout.
  std::vector<SupervisorEvent> poll();
  // SIGTERM to every child (last started first), waits up to `grace` for each, then
  // SIGKILLs the group. No restarts afterwards.
  void stop_all(Millis grace);

  // The next stdout line of a running child after its listening line (see
  // ChildProcess::read_line); fails when it is down or unknown.
  Result<std::string> read_line(const std::string& name, Millis timeout);

  // The group every child is in (0 before the first start).
  pid_t process_group() const { return group_; }
  // The running process's pid, or nothing while it is down.
  std::optional<pid_t> pid_of(const std::string& name) const;
  std::optional<Endpoint> endpoint_of(const std::string& name) const;
  const ProcessSpec* spec_of(const std::string& name) const;

 private:
  struct Child;
  Result<ChildProcess> launch(const ProcessSpec& spec, std::uint16_t port, Endpoint& where);
  bool any_running() const;
  void poll_child(Child& child, std::vector<SupervisorEvent>& events);

  Millis start_timeout_;
  std::vector<Child> children_;
  pid_t group_ = 0;
  bool stopping_ = false;
};

}  // namespace cellkit::live
