#!/usr/bin/env bash
# Installs the Debian packages cellkit needs to build, test and benchmark.
# Usage: install-deps.sh [--test] [--bench]
#   --test   also the one test asset Debian does not package: Mermaid, to render `cellkit
#            diagram` output in the browser test (a pinned release from npm, checked against
#            its SHA-256, kept in the user's cache). `make test` passes it; `make demo` does not,
#            so building and running the CLI never needs npm or the network beyond apt.
#   --bench  also the proxies and load generators of the benchmarks (`make bench`).
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
with_test=0
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(nginx haproxy wrk nghttp2-client) ;;
    --test) with_test=1 ;;
    *) echo "install-deps: unknown option '$arg' (use --test, --bench)" >&2; exit 2 ;;
  esac
done
# npm fetches Mermaid; a Node.js from elsewhere may already bring its own npm.
if [[ $with_test -eq 1 ]] && ! command -v npm >/dev/null; then
  packages+=(npm)
fi

# Mermaid for tests/browser/mermaid_render_test.py. tests/CMakeLists.txt reads the version
# from the line below and looks for the bundle in the same directory.
mermaid_version=12.3.0
mermaid_sha256=be0684e8d20bfc874df12c0f04927a5c482f57f2200eec54cca52a4583fd4040

# The bundle is checked before it is moved into place (a rename in its own directory), so an
# interrupted fetch never leaves a partial one. A failed fetch only warns: the render test
# then fails and names the missing file, and nothing else needs Mermaid.
fetch_mermaid() {
  local dir="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/cellkit/mermaid-$mermaid_version"
  [[ -s "$dir/mermaid.min.js" ]] && return 0
  echo "install-deps: fetching mermaid $mermaid_version from npm into $dir"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && npm pack --silent "mermaid@$mermaid_version" >/dev/null); then
    echo "install-deps: warning: npm could not fetch mermaid $mermaid_version;" \
         "the Mermaid render test will fail" >&2
    return 0
  fi
  local tarball="$tmp/mermaid-$mermaid_version.tgz"
  if ! echo "$mermaid_sha256  $tarball" | sha256sum --check --status; then
    echo "install-deps: $tarball is not the pinned release (SHA-256 $mermaid_sha256)" >&2
    return 1
  fi
  mkdir -p "$dir"
  tar -xzf "$tarball" -O package/dist/mermaid.min.js >"$dir/.mermaid.min.js.partial"
  mv "$dir/.mermaid.min.js.partial" "$dir/mermaid.min.js"
}

finish() {
  if [[ $with_test -eq 1 ]]; then
    fetch_mermaid
  fi
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  finish
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
finish
