// The two store implementations behind open_store, and what they share.
#pragma once

#include <filesystem>
#include <memory>

#include "cellkit/live/etcd_client.h"
#include "cellkit/live/store.h"

namespace cellkit::live {

std::unique_ptr<Store> make_file_store(std::filesystem::path dir, const StoreOptions& options);
std::unique_ptr<Store> make_etcd_store(HttpUrl url, const StoreOptions& options);

// The reference to `bytes` stored in chunks of kChunkBytes.
BlobRef blob_ref(std::string_view bytes);
// kDataLoss naming `what` when the bytes are not the ones the reference names.
Status check_blob(std::string_view what, std::string_view bytes, const BlobRef& ref);
// "<version>-<first 16 hex of sha256>": a blob's name, unique per content and version, so a
// losing publisher never overwrites the winner's chunks.
std::string blob_name(std::uint64_t version, const BlobRef& ref);
std::int64_t unix_ms_now();

}  // namespace cellkit::live
