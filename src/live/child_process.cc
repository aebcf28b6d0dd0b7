// ChildProcess: fork/exec with a process group, a death signal, a drained stdout pipe.
#include "cellkit/live/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace cellkit::live {
namespace {

constexpr std::size_t kOutputCap = 1 << 20;
constexpr Millis kPollStep{5};

ExitStatus decode(int wstatus) {
  if (WIFEXITED(wstatus)) return {true, WEXITSTATUS(wstatus), 0};
  return {false, 0, WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0};
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(char* const* argv, const SpawnOptions& options, pid_t parent,
                             int out_fd, int err_fd) {
  setpgid(0, options.process_group);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the parent died before the death signal was set
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  signal(SIGPIPE, SIG_DFL);
  if (out_fd >= 0) dup2(out_fd, STDOUT_FILENO);
  execv(argv[0], argv);
  const int err = errno;
  [[maybe_unused]] ssize_t n = write(err_fd, &err, sizeof err);
  _exit(127);
}

}  // namespace

std::string to_string(const ExitStatus& status) {
  if (status.exited) return fmt::format("exit {}", status.code);
  return fmt::format("signal {} ({})", status.signal, strsignal(status.signal));
}

struct ChildProcess::State {
  pid_t pid = -1;
  pid_t pgid = -1;
  bool leads_group = false;
  std::optional<ExitStatus> ended;
  int out_fd = -1;
  std::thread reader;
  std::atomic<bool> stopping{false};
  mutable std::mutex mu;
  std::condition_variable changed;
  std::string buffer;     // guarded by mu
  std::size_t taken = 0;  // bytes of buffer returned by read_line
  bool eof = false;       // guarded by mu

  void read_loop();
  void reap_blocking();
  bool try_reap();
  ~State();
};

void ChildProcess::State::read_loop() {
  char chunk[4096];
  while (!stopping.load()) {
    pollfd p{out_fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = read(out_fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mu);
    if (n <= 0) {
      eof = true;
      changed.notify_all();
      return;
    }
    if (buffer.size() < kOutputCap) buffer.append(chunk, static_cast<std::size_t>(n));
    changed.notify_all();
  }
}

bool ChildProcess::State::try_reap() {
  if (ended) return true;
  int wstatus = 0;
  const pid_t r = waitpid(pid, &wstatus, WNOHANG);
  if (r == pid) ended = decode(wstatus);
  if (r < 0 && errno == ECHILD) ended = ExitStatus{};  // reaped elsewhere; nothing to wait for
  return ended.has_value();
}

void ChildProcess::State::reap_blocking() {
  while (!ended) {
    int wstatus = 0;
    const pid_t r = waitpid(pid, &wstatus, 0);
    if (r == pid) ended = decode(wstatus);
    if (r < 0 && errno != EINTR) ended = ExitStatus{};
  }
}

ChildProcess::State::~State() {
  if (pid > 0 && !try_reap()) {
    ::kill(leads_group ? -pgid : pid, SIGKILL);
    ::kill(pid, SIGKILL);
    reap_blocking();
  }
  if (leads_group) ::kill(-pgid, SIGKILL);  // anything the child left in its group
  stopping = true;
  if (reader.joinable()) reader.join();
  if (out_fd >= 0) close(out_fd);
}

ChildProcess::ChildProcess(std::unique_ptr<State> state) : state_(std::move(state)) {}
ChildProcess::ChildProcess(ChildProcess&&) noexcept = default;
ChildProcess& ChildProcess::operator=(ChildProcess&&) noexcept = default;
ChildProcess::~ChildProcess() = default;

Result<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv,
                                         const SpawnOptions& options) {
  if (argv.empty()) return invalid_argument("cannot start a process: argv is empty");
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (options.capture_stdout && pipe2(out, O_CLOEXEC) != 0)
    return failed_precondition(fmt::format("cannot start {}: pipe: {}", argv[0], strerror(errno)));
  if (pipe2(err, O_CLOEXEC) != 0)
    return failed_precondition(fmt::format("cannot start {}: pipe: {}", argv[0], strerror(errno)));
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) exec_child(args.data(), options, parent, out[1], err[1]);
  close(err[1]);
  if (out[1] >= 0) close(out[1]);
  auto state = std::make_unique<State>();
  state->pid = pid;
  state->out_fd = out[0];
  if (pid < 0) {
    close(err[0]);
    return failed_precondition(fmt::format("cannot start {}: fork: {}", argv[0], strerror(errno)));
  }
  // Set the group from both sides so it holds before either side uses it.
  setpgid(pid, options.process_group == 0 ? pid : options.process_group);
  state->leads_group = options.process_group == 0 && options.kill_group;
  state->pgid = options.process_group == 0 ? pid : options.process_group;
  int exec_errno = 0;
  const ssize_t n = read(err[0], &exec_errno, sizeof exec_errno);
  close(err[0]);
  if (n == sizeof exec_errno)
    return not_found(fmt::format("cannot run {}: {}", argv[0], strerror(exec_errno)));
  if (state->out_fd >= 0) state->reader = std::thread([s = state.get()] { s->read_loop(); });
  return ChildProcess(std::move(state));
}

pid_t ChildProcess::pid() const {
  return state_->pid;
}
pid_t ChildProcess::process_group() const {
  return state_->pgid;
}

Result<std::string> ChildProcess::read_line(Millis timeout) {
  State& s = *state_;
  std::unique_lock lock(s.mu);
  std::size_t newline = std::string::npos;
  const bool got = s.changed.wait_for(lock, timeout, [&] {
    newline = s.buffer.find('\n', s.taken);
    return newline != std::string::npos || s.eof;
  });
  if (newline == std::string::npos) {
    return failed_precondition(
        fmt::format("process {}: {} before a full line on stdout (read so far: '{}')", s.pid,
                    got ? "stdout closed" : fmt::format("no line within {} ms", timeout.count()),
                    s.buffer.substr(s.taken)));
  }
  std::string line = s.buffer.substr(s.taken, newline - s.taken);
  s.taken = newline + 1;
  return line;
}

std::string ChildProcess::output() const {
  std::lock_guard lock(state_->mu);
  return state_->buffer;
}

void ChildProcess::signal(int sig) {
  if (!state_->try_reap()) ::kill(state_->pid, sig);
}

std::optional<ExitStatus> ChildProcess::wait_exit(Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!state_->try_reap()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollStep);
  }
  return state_->ended;
}

ExitStatus ChildProcess::stop(Millis grace) {
  signal(SIGTERM);
  // A graceful exit leaves the group alone, so a test can still see what the child left
  // behind; the destructor clears the group.
  if (std::optional<ExitStatus> e = wait_exit(grace)) return *e;
  return kill();
}

ExitStatus ChildProcess::kill() {
  State& s = *state_;
  if (!s.try_reap()) {
    if (s.leads_group) ::kill(-s.pgid, SIGKILL);
    ::kill(s.pid, SIGKILL);
    s.reap_blocking();
  }
  if (s.leads_group) ::kill(-s.pgid, SIGKILL);
  return *s.ended;
}

bool ChildProcess::running() {
  return !state_->try_reap();
}

bool process_exists(pid_t pid) {
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace cellkit::live
