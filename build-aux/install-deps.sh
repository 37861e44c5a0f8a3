#!/bin/sh
# Installs the Debian 12 packages Seedance Studio needs to build, run and test
# (and, in the Debian 13 root build-aux/trixie-root.sh makes, the same with
# trixie's names). Only what is missing is installed; safe to run again.
#   install-deps.sh build   to build and run
#   install-deps.sh suite   and the normal test suite
#   install-deps.sh [all]   and the sanitizer build and the fuzzers (clang)
set -eu

. /etc/os-release
case "${VERSION_CODENAME:-}" in
  trixie) CLANG_RT=libclang-rt-19-dev ;;
  *)      CLANG_RT=libclang-rt-14-dev ;;
esac

BUILD="meson ninja-build pkg-config gcc gettext itstool
       libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
       libsoup-3.0-dev libjson-glib-dev libsecret-1-dev libsqlite3-dev
       libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgdk-pixbuf-2.0-dev
       nettle-dev
       desktop-file-utils appstream appstream-util"
RUN="glib-networking libgtk-4-media-gstreamer gstreamer1.0-plugins-good
     gstreamer1.0-libav gstreamer1.0-plugins-base"
TEST="xvfb xauth dbus dbus-daemon dbus-x11 at-spi2-core gtk-update-icon-cache sqlite3 curl
      imagemagick flatpak-builder python3 python3-jsonschema librsvg2-bin
      locales fonts-noto-cjk"
# libgnutls28-dev: the sanitizer build links GnuTLS at start (meson.build)
SANITIZE="clang $CLANG_RT libgnutls28-dev"

case "${1:-all}" in
  build) WANT="$BUILD $RUN" ;;
  suite) WANT="$BUILD $RUN $TEST" ;;
  *)     WANT="$BUILD $RUN $TEST $SANITIZE" ;;
esac

missing=""
for p in $WANT; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing:$missing" >&2
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
