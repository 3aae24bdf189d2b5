#!/usr/bin/env bash
# Installs what amf needs beside Swift: HDF5, OpenBLAS, pkg-config, h5dump and rsvg-convert (Debian/Ubuntu).
# Idempotent: installs only what is missing, and does nothing when everything is present.
# `--metaworld` also installs python3-venv and creates .venv-metaworld (the Meta-World bridge's Python,
# every package pinned in Scripts/metaworld-requirements.txt); `--interop` creates .venv-interop (h5py, NumPy,
# gymnasium, Minari, and robomimic 0.3.0 with CPU torch from https://download.pytorch.org/whl/cpu, for the
# robomimic/Minari import-export tests and examples/python, every package pinned in
# Scripts/interop-requirements.txt). Without either option nothing here touches Python.
# As root it installs with apt-get; otherwise it uses passwordless sudo if there is one, and else
# prints the exact command to run and exits 1.
set -euo pipefail

# librsvg2-bin: rsvg-convert, for the PNG copies of the report plots (the SVGs are written without it).
packages=(libhdf5-dev libopenblas-dev pkg-config hdf5-tools librsvg2-bin)
metaworld=0
interop=0
for argument in "$@"; do
  case "$argument" in
    --metaworld) metaworld=1 ;;
    --interop) interop=1 ;;
    *) printf 'setup: unknown option %s (the options are --metaworld and --interop)\n' "$argument" >&2; exit 2 ;;
  esac
done
# python3-venv: Debian's python3 has no ensurepip without it.
if [ "$metaworld" -eq 1 ] || [ "$interop" -eq 1 ]; then packages+=(python3 python3-venv); fi

say() { printf 'setup: %s\n' "$*" >&2; }

if ! command -v swift >/dev/null 2>&1; then
  say "swift not found on PATH. Install Swift 6.0 or newer (https://www.swift.org/install/linux/) and rerun."
  exit 1
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
else
  if ! pkg-config --exists hdf5 openblas 2>/dev/null || ! command -v h5dump >/dev/null 2>&1; then
    say "this is not a Debian/Ubuntu system. Install the serial HDF5 library with its pkg-config file 'hdf5',"
    say "OpenBLAS with its pkg-config file 'openblas', pkg-config and h5dump with your package manager, then rerun."
    exit 1
  fi
fi

if [ "${#missing[@]}" -gt 0 ]; then
  install=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
  if [ "$(id -u)" -eq 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${install[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    say "installing ${missing[*]} with sudo"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive "${install[@]}" >/dev/null
  else
    say "missing system packages: ${missing[*]}"
    say "run this once as an administrator, then rerun this script:"
    printf '  sudo apt-get update && sudo apt-get install -y %s\n' "${missing[*]}"
    exit 1
  fi
fi

if ! pkg-config --exists hdf5 openblas; then
  say "pkg-config cannot find 'hdf5' and 'openblas' although the packages are installed;"
  say "check PKG_CONFIG_PATH (Debian puts hdf5.pc under /usr/lib/x86_64-linux-gnu/pkgconfig)."
  exit 1
fi
say "ready: swift $(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9.]*\).*/\1/p' | head -n 1)," \
  "hdf5 $(pkg-config --modversion hdf5), openblas $(pkg-config --modversion openblas)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# make_venv NAME REQUIREMENTS LABEL: (re)creates $root/NAME with exactly the pinned packages, unless it is
# already made from the same requirements file.
make_venv() {
  local venv="$root/$1" requirements="$root/$2" label=$3
  local stamp="$venv/.requirements"
  if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then
    say "$label: $venv is up to date"
  else
    say "$label: creating $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    # Pins with a `+cpu` local version (torch) come from PyTorch's CPU index, the others from the default one.
    local cpu_pins=() line
    while IFS= read -r line; do cpu_pins+=("$line"); done < <(grep -E '^[A-Za-z0-9_.-]+==[^[:space:]]+\+cpu$' "$requirements" || true)
    grep -v -E '^[A-Za-z0-9_.-]+==[^[:space:]]+\+cpu$' "$requirements" >"$venv/.requirements-default"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$venv/.requirements-default"
    if [ "${#cpu_pins[@]}" -gt 0 ]; then
      "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps \
        --index-url https://download.pytorch.org/whl/cpu "${cpu_pins[@]}"
    fi
    rm -f "$venv/.requirements-default"
    cp "$requirements" "$stamp"
  fi
}

if [ "$metaworld" -eq 1 ]; then
  make_venv .venv-metaworld Scripts/metaworld-requirements.txt Meta-World
  "$root/.venv-metaworld/bin/python" -c 'import metaworld, mujoco; print("setup: Meta-World ready: mujoco", mujoco.__version__)' >&2
fi
if [ "$interop" -eq 1 ]; then
  make_venv .venv-interop Scripts/interop-requirements.txt interop
  "$root/.venv-interop/bin/python" -c 'import h5py, minari, robomimic, torch; print("setup: interop ready: minari", minari.__version__, "h5py", h5py.__version__, "robomimic", robomimic.__version__, "torch", torch.__version__)' >&2
fi
