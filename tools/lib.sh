# tools/lib.sh — shared by tools/run and tools/test: packages and the build.
# Sourced, not run.

# What building and running needs, as Debian/Ubuntu package names.
MQ_BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libgdal-dev libproj-dev libsqlite3-dev libpq-dev libcairo2-dev libpango1.0-dev libjson-glib-dev libicu-dev
  libsecret-1-dev libxlsxwriter-dev
  fonts-noto-cjk
)
# What the tests need on top: a virtual display, the file checkers, and clang
# for the AddressSanitizer/UBSan build and the libFuzzer target.
MQ_TEST_PACKAGES=(
  xvfb xauth poppler-utils desktop-file-utils appstream gdal-bin clang
  postgresql-15 postgresql-15-postgis-3
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

# A throwaway PostgreSQL/PostGIS cluster for the server tests: its own
# folder, a unix socket only (no TCP port), trust authentication, removed
# by mq_pg_stop. Sets MQ_TEST_PG (a libpq connection string) for the tests.
# Tests run it with fsync=off; MQ_PG_FSYNC=on keeps fsync, as load figures
# must (tools/bench/bench-server.c).
#   mq_pg_start && trap mq_pg_stop EXIT
mq_pg_start() {
  local bin=/usr/lib/postgresql/15/bin run=() fsync="-c fsync=off"
  [ "${MQ_PG_FSYNC:-off}" = on ] && fsync=""
  [ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed" >&2; return 1; }
  MQ_PG_DIR=$(mktemp -d /tmp/mq-pg-XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$MQ_PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$MQ_PG_DIR/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$MQ_PG_DIR/initdb.log" 2>&1 || {
    cat "$MQ_PG_DIR/initdb.log" >&2; return 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$MQ_PG_DIR/data" -l "$MQ_PG_DIR/log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories='$MQ_PG_DIR' $fsync" \
    start >/dev/null || { cat "$MQ_PG_DIR/log" >&2; return 1; }
  "$bin/createdb" -h "$MQ_PG_DIR" -U postgres mqtest &&
    "$bin/psql" -q -h "$MQ_PG_DIR" -U postgres -d mqtest -c 'CREATE EXTENSION postgis' || return 1
  export MQ_TEST_PG="host=$MQ_PG_DIR dbname=mqtest user=postgres"
  export MQ_PG_DIR
}

mq_pg_stop() {
  local run=()
  [ -n "${MQ_PG_DIR:-}" ] && [ -d "$MQ_PG_DIR" ] || return 0
  [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  "${run[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$MQ_PG_DIR/data" -m fast stop >/dev/null 2>&1
  rm -rf "$MQ_PG_DIR"
  unset MQ_PG_DIR MQ_TEST_PG
}
