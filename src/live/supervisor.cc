// The supervisor: start, watch, restart on the same port, stop everything.
#include "cellkit/live/supervisor.h"

#include <signal.h>

#include <algorithm>

#include <fmt/format.h>

namespace cellkit::live {

using Clock = std::chrono::steady_clock;

struct Supervisor::Child {
  ProcessSpec spec;
  std::optional<ChildProcess> process;  // empty while it is down
  Endpoint endpoint;
  std::optional<Clock::time_point> restart_at;
};

std::string describe(const SupervisorEvent& event, const ProcessSpec& spec) {
  switch (event.kind) {
    case SupervisorEvent::Kind::kExited:
      return fmt::format(
          "{} (pid {}) exited: {}{}", event.name, event.pid, to_string(event.status),
          spec.restart ? fmt::format("; restart in {} ms", spec.recovery_time.count()) : "");
    case SupervisorEvent::Kind::kRestarted:
      return fmt::format("{} restarted (pid {})", event.name, event.pid);
    case SupervisorEvent::Kind::kRestartFailed:
      return fmt::format("{} did not restart: {}; next try in {} ms", event.name, event.detail,
                         spec.recovery_time.count());
  }
  return event.name;
}

Supervisor::Supervisor(Millis start_timeout) : start_timeout_(start_timeout) {}

Supervisor::~Supervisor() {
  stop_all(Millis(2000));
}

bool Supervisor::any_running() const {
  return std::any_of(children_.begin(), children_.end(),
                     [](const Child& c) { return c.process.has_value(); });
}

// Joins the fleet's group while any member lives; a group whose members have all been
// reaped is gone, so the next child founds a new one.
Result<ChildProcess> Supervisor::launch(const ProcessSpec& spec, std::uint16_t port,
                                        Endpoint& where) {
  std::vector<std::string> argv = spec.argv;
  argv.push_back("--listen");
  argv.push_back(fmt::format("{}:{}", spec.host, port));
  SpawnOptions options;
  options.process_group = any_running() ? group_ : 0;
  options.kill_group = false;
  Result<ChildProcess> child = ChildProcess::spawn(argv, options);
  if (!child.is_ok()) return child.status();
  if (options.process_group == 0) group_ = child->pid();
  Result<std::string> line = child->read_line(start_timeout_);
  Result<Endpoint> ep =
      line.is_ok() ? parse_listening_line(*line) : Result<Endpoint>(line.status());
  if (!ep.is_ok()) {
    child->kill();
    return failed_precondition(fmt::format("{}: {}", spec.name, ep.status().message()));
  }
  where = *ep;
  return child;
}

Result<Endpoint> Supervisor::start(ProcessSpec spec) {
  if (spec_of(spec.name) != nullptr)
    return already_exists(fmt::format("a child named {} is running already", spec.name));
  Endpoint where;
  Result<ChildProcess> child = launch(spec, spec.port, where);
  if (!child.is_ok()) return child.status();
  spec.port = where.port;  // restarts come back on the same port
  children_.push_back(Child{std::move(spec), std::move(child).value(), where, std::nullopt});
  return where;
}

void Supervisor::poll_child(Child& child, std::vector<SupervisorEvent>& events) {
  using Kind = SupervisorEvent::Kind;
  if (child.process) {
    std::optional<ExitStatus> ended = child.process->wait_exit(Millis(0));
    if (!ended) return;
    events.push_back({Kind::kExited, child.spec.name, child.process->pid(), *ended, ""});
    child.process.reset();
    if (child.spec.restart && !stopping_)
      child.restart_at = Clock::now() + child.spec.recovery_time;
    return;
  }
  if (!child.restart_at || Clock::now() < *child.restart_at || stopping_) return;
  Endpoint where;
  Result<ChildProcess> next = launch(child.spec, child.spec.port, where);
  if (!next.is_ok()) {
    child.restart_at = Clock::now() + child.spec.recovery_time;
    events.push_back({Kind::kRestartFailed, child.spec.name, -1, {}, next.status().message()});
    return;
  }
  child.restart_at.reset();
  child.process.emplace(std::move(next).value());
  events.push_back({Kind::kRestarted, child.spec.name, child.process->pid(), {}, ""});
}

std::vector<SupervisorEvent> Supervisor::poll() {
  std::vector<SupervisorEvent> events;
  for (Child& child : children_)
    poll_child(child, events);
  return events;
}

void Supervisor::stop_all(Millis grace) {
  stopping_ = true;
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
    if (it->process) it->process->signal(SIGTERM);
  }
  for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
    if (it->process && !it->process->wait_exit(grace)) it->process->kill();
    it->process.reset();
  }
  if (group_ > 0) ::kill(-group_, SIGKILL);  // anything a child left in the group
  group_ = 0;
}

Result<std::string> Supervisor::read_line(const std::string& name, Millis timeout) {
  for (Child& c : children_)
    if (c.spec.name == name && c.process) return c.process->read_line(timeout);
  return not_found(fmt::format("no running child named {}", name));
}

std::optional<pid_t> Supervisor::pid_of(const std::string& name) const {
  for (const Child& c : children_)
    if (c.spec.name == name && c.process) return c.process->pid();
  return std::nullopt;
}

std::optional<Endpoint> Supervisor::endpoint_of(const std::string& name) const {
  for (const Child& c : children_)
    if (c.spec.name == name) return c.endpoint;
  return std::nullopt;
}

const ProcessSpec* Supervisor::spec_of(const std::string& name) const {
  for (const Child& c : children_)
    if (c.spec.name == name) return &c.spec;
  return nullptr;
}

}  // namespace cellkit::live
