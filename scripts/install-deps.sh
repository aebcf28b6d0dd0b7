#!/usr/bin/env bash
# Installs the Debian packages cellkit needs to build, test and benchmark, and the one test
# asset Debian does not package: Mermaid, to render `cellkit diagram` output in the browser
# test (a pinned release from npm, checked against its SHA-256, kept in the user's cache).
# Usage: install-deps.sh [--bench]
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libfmt-dev libxxhash-dev
  googletest libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  python3 python3-simpy3
  # live mode: HTTP on Boost.Beast/Asio, Prometheus metrics, fast JSON, etcd for the
  # distributed store and its tests
  libboost1.81-dev prometheus-cpp-dev libsimdjson-dev etcd-server etcd-client
  # SHA-256 of the snapshot chunks a store holds (already pulled in by prometheus-cpp-dev)
  libssl-dev
  # fuzz targets (libFuzzer) and headless browser tests of HTML reports
  clang-14 libclang-rt-14-dev chromium
)
# Benchmarks only (`scripts/install-deps.sh --bench`, called by `make bench`): the proxies
# and load generators cellkit's router is measured against.
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(nginx haproxy wrk nghttp2-client)
fi
# npm fetches Mermaid; a Node.js from elsewhere may already bring its own npm.
if ! command -v npm >/dev/null; then
  packages+=(npm)
fi

# Mermaid for tests/browser/mermaid_render_test.py. CMake looks for it at the same path.
mermaid_version=12.3.0
mermaid_sha256=be0684e8d20bfc874df12c0f04927a5c482f57f2200eec54cca52a4583fd4040
mermaid_dir="${XDG_CACHE_HOME:-$HOME/.cache}/cellkit/mermaid-$mermaid_version"

fetch_mermaid() {
  [[ -s "$mermaid_dir/mermaid.min.js" ]] && return 0
  echo "install-deps: fetching mermaid $mermaid_version from npm into $mermaid_dir"
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  (cd "$tmp" && npm pack --silent "mermaid@$mermaid_version" >/dev/null)
  local tarball="$tmp/mermaid-$mermaid_version.tgz"
  if ! echo "$mermaid_sha256  $tarball" | sha256sum --check --status; then
    echo "install-deps: $tarball does not have the pinned SHA-256 $mermaid_sha256" >&2
    return 1
  fi
  mkdir -p "$mermaid_dir"
  tar -xzf "$tarball" -O package/dist/mermaid.min.js >"$tmp/mermaid.min.js"
  mv "$tmp/mermaid.min.js" "$mermaid_dir/mermaid.min.js"
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  fetch_mermaid
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fetch_mermaid
