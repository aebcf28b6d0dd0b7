// A router thread: accepting, cached table and health view, pools; and the access log.
#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

#include "cellkit/base/host_port.h"
#include "live/proxy_session.h"
#include "live/router_state.h"

namespace cellkit::live {
namespace {

// "host:port" → an endpoint; a host name is resolved once, here (a pool is made once per
// cell and endpoint).
std::optional<tcp::endpoint> resolve(std::string_view text) {
  const std::optional<HostPort> where = split_host_port(text);
  if (!where) return std::nullopt;
  error_code ec;
  const net::ip::address address = net::ip::make_address(where->host, ec);
  if (!ec) return tcp::endpoint(address, where->port);
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(where->host, std::to_string(where->port), ec);
  if (ec || results.empty()) return std::nullopt;
  return results.begin()->endpoint();
}

}  // namespace

Status AccessLog::open(const std::string& path) {
  if (path.empty()) return Status::ok();
  if (path == "-") {
    file_ = stdout;
    return Status::ok();
  }
  file_ = std::fopen(path.c_str(), "a");
  if (file_ == nullptr) {
    return failed_precondition(
        fmt::format("cannot open access log '{}': {}", path, std::strerror(errno)));
  }
  owned_ = true;
  return Status::ok();
}

void AccessLog::write(std::string_view line) {
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

AccessLog::~AccessLog() {
  if (owned_) std::fclose(file_);
}

Shared::Shared(RouterOptions o)
    : options(std::move(o)),
      snapshots(options.state_dir),
      board(HealthRules{.ejection_base = options.ejection_base,
                        .ejection_max = options.ejection_max,
                        .active = options.health_interval.count() > 0,
                        .healthy_after = options.healthy_after,
                        .unhealthy_after = options.unhealthy_after}),
      quarantine(options.policy) {}

Worker::Worker(Shared& shared, const tcp::endpoint& listen)
    : shared_(shared), acceptor_(ioc_.get_executor()), sweep_timer_(ioc_.get_executor()) {
  acceptor_.open(listen.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  const int one = 1;
  ::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  acceptor_.bind(listen);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

Worker::~Worker() = default;

void Worker::start() {
  accept();
  sweep();
}

// Deadlines are enforced to within kSweep: timeouts are seconds, so 100 ms late is fine,
// and one timer per thread replaces one per operation.
void Worker::sweep() {
  static constexpr auto kSweep = std::chrono::milliseconds(100);
  sweep_timer_.expires_after(kSweep);
  sweep_timer_.async_wait([this](error_code ec) {
    if (ec) return;
    const auto now = std::chrono::steady_clock::now();
    std::vector<Session*> now_open(sessions_.begin(), sessions_.end());
    for (Session* s : now_open)
      s->check_deadline(now);
    sweep();
  });
}

void Worker::accept() {
  acceptor_.async_accept([this](error_code ec, Socket socket) {
    if (ec) {
      if (!acceptor_.is_open()) return;
      return accept();  // e.g. too many open files: keep accepting
    }
    if (sessions_.size() >= shared_.options.max_connections) {
      error_code ignored;
      socket.close(ignored);
    } else {
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(*this, std::move(socket))->start();
    }
    accept();
  });
}

void Worker::drain() {
  net::post(ioc_, [this] {
    error_code ignored;
    acceptor_.close(ignored);
    std::vector<Session*> now(sessions_.begin(), sessions_.end());
    for (Session* s : now)
      s->drain();
  });
}

const std::shared_ptr<const RoutingTable>& Worker::table() {
  const std::uint64_t g = shared_.snapshots.generation();
  if (g != table_generation_ || !table_) {
    table_ = shared_.snapshots.table();
    table_generation_ = g;
  }
  return table_;
}

const HealthView& Worker::health() {
  const std::uint64_t g = shared_.board.generation();
  if (g != health_generation_) {
    health_ = shared_.board.view();
    health_generation_ = g;
  }
  return health_;
}

std::shared_ptr<CellPool> Worker::pool(const RoutingTable& table, CellId cell) {
  const std::uint32_t id = raw(cell);
  if (id >= (1u << 20)) return nullptr;
  if (id >= pools_.size()) pools_.resize(id + 1);
  const std::string_view endpoint = table.cell_endpoint(cell);
  std::shared_ptr<CellPool>& slot = pools_[id];
  if (slot && slot->endpoint_text() == endpoint) return slot;
  if (endpoint.empty()) return nullptr;
  const std::optional<tcp::endpoint> resolved = resolve(endpoint);
  if (!resolved) return nullptr;
  slot = std::make_shared<CellPool>(*resolved, std::string(endpoint), shared_.options.pool_idle,
                                    shared_.options.pool_max, metrics_);
  return slot;
}

}  // namespace cellkit::live
