#!/usr/bin/env bash
# Installs the Debian packages cellkit needs to build, test and benchmark.
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

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
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
