# tools/lib.sh — shared by tools/run and tools/test: packages and the build.
# Sourced, not run.

# What building and running needs, as Debian/Ubuntu package names.
MQ_BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libgdal-dev libproj-dev libsqlite3-dev libcairo2-dev libpango1.0-dev libjson-glib-dev libicu-dev
  fonts-noto-cjk
)
# What the tests need on top: a virtual display, the file checkers, and clang
# for the AddressSanitizer/UBSan build and the libFuzzer target.
MQ_TEST_PACKAGES=(
  xvfb xauth poppler-utils desktop-file-utils appstream gdal-bin clang
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

# libFuzzer and the sanitizer runtimes come in a package named after clang's
# major version (libclang-rt-14-dev on Debian 12).
mq_ensure_fuzzer_runtime() {
  local major
  major=$(clang -dumpversion | cut -d. -f1)
  if [ ! -f "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
    mq_ensure_packages "libclang-rt-$major-dev"
  fi
}

# Configures a build directory once (MQ_MESON_ARGS adds options) and builds it.
#   mq_build [DIR [extra meson setup arguments…]]
mq_build() {
  local root dir
  root=$(mq_root)
  dir=${1:-_build}
  [ $# -gt 0 ] && shift
  if [ ! -f "$root/$dir/build.ninja" ]; then
    # shellcheck disable=SC2086
    meson setup "$root/$dir" "$root" ${MQ_MESON_ARGS:-} "$@"
  fi
  meson compile -C "$root/$dir"
}
