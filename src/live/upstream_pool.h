// Keep-alive connections from one router thread to one cell, bounded: at most `max_open`
// open and `max_idle` kept idle. Used by one thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "live/asio_types.h"
#include "live/thread_metrics.h"

namespace cellkit::live {

struct Upstream {
  explicit Upstream(const Executor& ex) : socket(ex) {}
  Socket socket;
  beast::flat_buffer buffer;
  bool reused = false;  // taken from the pool (it served a request before)
};

class CellPool {
 public:
  CellPool(tcp::endpoint endpoint, std::string endpoint_text, std::uint32_t max_idle,
           std::uint32_t max_open, ThreadMetrics& metrics);
  ~CellPool();
  CellPool(const CellPool&) = delete;
  CellPool& operator=(const CellPool&) = delete;

  // An idle connection whose peer has not closed it, or nullptr.
  std::unique_ptr<Upstream> take_idle();
  // True when another connection may be opened; counts it as open.
  bool reserve();
  // Gives a connection back: kept idle while there is room, else closed.
  void give_back(std::unique_ptr<Upstream> upstream);
  // A connection that is closed (or never connected) after reserve().
  void release();
  // Closes every idle connection (the cell crashed: they are dead).
  void clear_idle();

  const tcp::endpoint& endpoint() const { return endpoint_; }
  const std::string& endpoint_text() const { return endpoint_text_; }

 private:
  tcp::endpoint endpoint_;
  std::string endpoint_text_;
  std::uint32_t max_idle_;
  std::uint32_t max_open_;
  std::uint32_t open_ = 0;
  std::vector<std::unique_ptr<Upstream>> idle_;
  ThreadMetrics& metrics_;
};

}  // namespace cellkit::live
