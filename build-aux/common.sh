# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by build-aux/run, build-aux/test and build-aux/bench: install what is
# missing from build-aux/packages.txt, then configure and build with meson.
# Source it; it defines functions and SRCDIR only.

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say () { printf '%s\n' "$*" >&2; }
die () { say "error: $*"; exit 1; }

# Prints the packages of packages.txt that dpkg does not report as installed.
missing_packages () {
  local wanted
  wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SRCDIR/build-aux/packages.txt")
  for pkg in $wanted; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || printf '%s\n' "$pkg"
  done
}

ensure_packages () {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  command -v apt-get >/dev/null || die "these packages are missing and apt-get is not available: $(echo $missing)"
  local sudo=
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "run as root or install sudo; missing packages: $(echo $missing)"
    sudo=sudo
  fi
  say "Installing missing packages: $(echo $missing)"
  $sudo apt-get update -q || die "apt-get update failed"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing \
    || die "apt-get install failed"
}

# configure_build BUILDDIR [meson options...]
configure_build () {
  local builddir=$1; shift
  if [ -f "$builddir/build.ninja" ]; then
    meson configure "$builddir" "$@" >/dev/null || die "meson configure failed"
  else
    meson setup "$builddir" "$SRCDIR" "$@" || die "meson setup failed"
  fi
  meson compile -C "$builddir" || die "the build failed"
}

# Fresh throw-away HOME and XDG directories; removed by the caller's trap.
# Must run BEFORE the session bus starts: activated services inherit the bus's environment.
make_private_home () {
  PRIVATE_HOME=$(mktemp -d "${TMPDIR:-/tmp}/bp-ia-home.XXXXXX")
  chmod 0700 "$PRIVATE_HOME"
  mkdir -p -m 0700 "$PRIVATE_HOME/home" "$PRIVATE_HOME/data" "$PRIVATE_HOME/config" \
    "$PRIVATE_HOME/cache" "$PRIVATE_HOME/runtime"
  export HOME="$PRIVATE_HOME/home"
  export XDG_DATA_HOME="$PRIVATE_HOME/data"
  export XDG_CONFIG_HOME="$PRIVATE_HOME/config"
  export XDG_CACHE_HOME="$PRIVATE_HOME/cache"
  export XDG_RUNTIME_DIR="$PRIVATE_HOME/runtime"
  unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
}
