// Starting and stopping a private etcd on loopback.
#include "cellkit/live/local_etcd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include <fmt/format.h>

#include "cellkit/live/etcd_client.h"

namespace cellkit::live {

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

LocalEtcd::LocalEtcd(std::filesystem::path dir)
    : dir_(std::move(dir)), client_port_(free_loopback_port()), peer_port_(free_loopback_port()) {}

LocalEtcd::~LocalEtcd() {
  kill();
}

std::string LocalEtcd::url() const {
  return fmt::format("http://127.0.0.1:{}", client_port_);
}

// fork + execvp (etcd is found on PATH, which ChildProcess does not search); its output
// goes to its log file.
void LocalEtcd::spawn() {
  const std::string client = url();
  const std::string peer = fmt::format("http://127.0.0.1:{}", peer_port_);
  std::vector<std::string> args = {"etcd",
                                   "--name=local",
                                   "--data-dir=" + (dir_ / "etcd").string(),
                                   "--listen-client-urls=" + client,
                                   "--advertise-client-urls=" + client,
                                   "--listen-peer-urls=" + peer,
                                   "--initial-advertise-peer-urls=" + peer,
                                   "--initial-cluster=local=" + peer,
                                   "--logger=zap"};
  const std::string log = (dir_ / "etcd.log").string();
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with its starter even if that is killed
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execvp("etcd", argv.data());
    ::_exit(127);
  }
}

// A port picked free a moment ago may be taken by another etcd starting at the same time
// (tests run in parallel): then ours exits at once, while the probe may already have been
// answered by the other. So a first start waits a little after the probe to see its etcd
// still runs, and tries fresh ports when it does not.
Status LocalEtcd::start(std::chrono::milliseconds timeout) {
  if (pid_ > 0) return Status::ok();
  const bool first = !started_;
  Status s = start_once(timeout);
  for (int attempt = 1; first && attempt < 4 && !s.is_ok() && exited_at_start_; ++attempt) {
    client_port_ = free_loopback_port();
    peer_port_ = free_loopback_port();
    std::error_code ignored;
    std::filesystem::remove_all(dir_ / "etcd", ignored);
    s = start_once(timeout);
  }
  if (s.is_ok()) started_ = true;
  return s;
}

bool LocalEtcd::exited() {
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
  pid_ = -1;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return true;
}

Status LocalEtcd::start_once(std::chrono::milliseconds timeout) {
  exited_at_start_ = false;
  spawn();
  if (pid_ < 0) return failed_precondition("fork failed");
  EtcdClient client_api(parse_http_url(url()).value(), std::chrono::milliseconds(500));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (exited()) break;
    if (client_api.range("probe").is_ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      if (!exited()) return Status::ok();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (pid_ < 0) {
    exited_at_start_ = true;
    return failed_precondition(
        fmt::format("etcd exited at start (status {}; its log: {}); is etcd-server installed "
                    "(scripts/install-deps.sh)?",
                    exit_code_, (dir_ / "etcd.log").string()));
  }
  kill();
  return failed_precondition(fmt::format("etcd did not answer within {} ms", timeout.count()));
}

void LocalEtcd::kill() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace cellkit::live
