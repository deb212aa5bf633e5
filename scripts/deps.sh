#!/usr/bin/env bash
# Installs the Debian packages RopeScope needs, only those missing. Idempotent and quick
# when everything is present. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libeigen3-dev nlohmann-json3-dev
  libimgui-dev libglfw3-dev libepoxy-dev libstb-dev libgl-dev libx11-dev
  libcairo2-dev fonts-dejavu-core
  libgif-dev libpng-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  xvfb xauth
  # The trained-model module (core/model): LibTorch 1.13, and OpenBLAS as the BLAS it calls
  # (installing it switches the libblas.so.3 alternative from the reference BLAS, ~10x faster
  # matrix products here; check with update-alternatives --display libblas.so.3-x86_64-linux-gnu).
  libtorch-dev libopenblas0-pthread
)

# For the libFuzzer run (scripts/fuzz.sh), and MP4 animations (libavcodec); optional: the fuzz
# step skips itself, and the build leaves MP4 out, without them.
optional_packages=(clang libclang-rt-dev libavcodec-dev libavformat-dev libswscale-dev)

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
optional_missing=()
for pkg in "${optional_packages[@]}"; do is_installed "$pkg" || optional_missing+=("$pkg"); done
for pkg in "${packages[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && [ ${#optional_missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]} ${optional_missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ ${#optional_missing[@]} -gt 0 ]; then
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${optional_missing[@]}" ||
    echo "deps: optional packages (${optional_missing[*]}) not available; the fuzz step or MP4 export will be skipped"
fi
