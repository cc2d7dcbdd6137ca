# tools/lib.sh — shared by tools/run and tools/test: packages and the build.
# Sourced, not run.

# What building and running needs, as Debian/Ubuntu package names.
MQ_BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libgdal-dev libproj-dev libsqlite3-dev libcairo2-dev libpango1.0-dev libjson-glib-dev
  fonts-noto-cjk
)
# What the tests need on top: a virtual display and the file checkers.
MQ_TEST_PACKAGES=(
  xvfb xauth poppler-utils desktop-file-utils appstream gdal-bin
)

mq_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd
}

# Installs the packages that are missing (through sudo when not root),
# saying what it installs and skipping what is there.
mq_ensure_packages() {
  local missing=() p sudo=()
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "Not a Debian/Ubuntu system: install the equivalents of: $*" >&2
    return 0
  fi
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "All ${#} needed packages are installed."
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "Installing ${#missing[@]} missing packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Configures _build once (MQ_MESON_ARGS adds options) and builds it.
mq_build() {
  local root
  root=$(mq_root)
  if [ ! -f "$root/_build/build.ninja" ]; then
    # shellcheck disable=SC2086
    meson setup "$root/_build" "$root" ${MQ_MESON_ARGS:-}
  fi
  meson compile -C "$root/_build"
}
