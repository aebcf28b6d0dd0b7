// What changes when a router's ACK/NACK record is rewritten, and stays when only its lease is
// kept alive: the etcd key's mod revision, or the file's inode (a write renames a new file
// over the old one). -1 when the record is missing or the store cannot be read.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "cellkit/live/etcd_client.h"

namespace cellkit::live::test {

inline std::int64_t report_stamp(const std::string& spec, const std::string& fleet,
                                 const std::string& router) {
  if (spec.starts_with("file:")) {
    struct stat st {};
    const std::string path = spec.substr(5) + "/" + fleet + "/routers/" + router + ".json";
    if (::stat(path.c_str(), &st) != 0) return -1;
    return static_cast<std::int64_t>(st.st_ino);
  }
  Result<HttpUrl> url = parse_http_url(spec.substr(5));
  if (!url.is_ok()) return -1;
  EtcdClient etcd(*url, std::chrono::milliseconds(2000));
  Result<EtcdRange> range = etcd.range("/cellkit/v1/" + fleet + "/routers/" + router);
  if (!range.is_ok() || range->kvs.empty()) return -1;
  return range->kvs.front().mod_revision;
}

}  // namespace cellkit::live::test
