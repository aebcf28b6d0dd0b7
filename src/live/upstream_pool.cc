// The per-cell connection pool.
#include "live/upstream_pool.h"

#include <sys/socket.h>

#include <cerrno>

namespace cellkit::live {
namespace {

// A pooled connection is usable when reading would block: nothing arrived and the peer has
// not closed it (a read of 0 bytes) while it sat idle.
bool still_open(Upstream& u) {
  char byte = 0;
  const ssize_t n = ::recv(u.socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

CellPool::CellPool(tcp::endpoint endpoint, std::string endpoint_text, std::uint32_t max_idle,
                   std::uint32_t max_open, ThreadMetrics& metrics)
    : endpoint_(endpoint),
      endpoint_text_(std::move(endpoint_text)),
      max_idle_(max_idle),
      max_open_(max_open),
      metrics_(metrics) {}

CellPool::~CellPool() {
  clear_idle();
  for (; open_ > 0; --open_)
    ThreadMetrics::sub(metrics_.upstream_open);
}

std::unique_ptr<Upstream> CellPool::take_idle() {
  while (!idle_.empty()) {
    std::unique_ptr<Upstream> u = std::move(idle_.back());
    idle_.pop_back();
    ThreadMetrics::sub(metrics_.upstream_idle);
    if (still_open(*u)) {
      u->reused = true;
      return u;
    }
    error_code ignored;
    u->socket.close(ignored);
    release();
  }
  return nullptr;
}

bool CellPool::reserve() {
  if (open_ >= max_open_) return false;
  ++open_;
  ThreadMetrics::add(metrics_.upstream_open);
  return true;
}

void CellPool::give_back(std::unique_ptr<Upstream> upstream) {
  if (idle_.size() < max_idle_) {
    upstream->buffer.clear();
    idle_.push_back(std::move(upstream));
    ThreadMetrics::add(metrics_.upstream_idle);
    return;
  }
  error_code ignored;
  upstream->socket.close(ignored);
  release();
}

void CellPool::release() {
  if (open_ == 0) return;
  --open_;
  ThreadMetrics::sub(metrics_.upstream_open);
}

void CellPool::clear_idle() {
  for (auto& u : idle_) {
    error_code ignored;
    u->socket.close(ignored);
    ThreadMetrics::sub(metrics_.upstream_idle);
    release();
  }
  idle_.clear();
}

}  // namespace cellkit::live
