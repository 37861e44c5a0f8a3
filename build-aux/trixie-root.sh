#!/bin/bash
# A Debian 13 (trixie) root, made once with debootstrap and kept in a cache
# folder outside the clone, in which the project is built and tested on the
# current GNOME stack (GTK 4.18, GLib 2.84, json-glib 1.10, libsoup 3.6).
#
#   build-aux/trixie-root.sh path          print where the root lives
#   build-aux/trixie-root.sh ensure        make the root, or add what it lacks
#   build-aux/trixie-root.sh run CMD...    run CMD in the root, source at /src
#
# The root lives in $SEEDANCE_CACHE_DIR/trixie-root when that is set, else
# /var/cache/seedance-studio/trixie-root when writable, else in
# $XDG_CACHE_HOME (or ~/.cache)/seedance-studio/trixie-root. Making it needs
# root privileges (debootstrap, chroot, bind mounts); without them this
# fails with a message rather than skipping.
set -eu
cd "$(dirname "$0")/.."
SRC=$PWD

MIRROR=${SEEDANCE_TRIXIE_MIRROR:-}
SUITE=trixie

root_dir () {
  if [ -n "${SEEDANCE_CACHE_DIR:-}" ]; then
    echo "$SEEDANCE_CACHE_DIR/trixie-root"
  elif mkdir -p /var/cache/seedance-studio 2>/dev/null \
       && [ -w /var/cache/seedance-studio ]; then
    echo /var/cache/seedance-studio/trixie-root
  else
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/seedance-studio/trixie-root"
  fi
}
ROOT=$(root_dir)

die () { echo "trixie-root: $*" >&2; exit 1; }

# The Debian mirror this machine's apt already uses (deb822 or one-line
# sources), which also serves trixie.
host_mirror () {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
           /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(sed -n -E 's@^URIs:[[:space:]]*([^[:space:]]*/debian)/?$@\1@p;
                    s@^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]*/debian)/?[[:space:]].*@\2@p' \
          "$f" | head -n 1)
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  echo http://deb.debian.org/debian
}

need_root () {
  [ "$(id -u)" -eq 0 ] \
    || die "making and entering the Debian 13 root needs root privileges" \
           "(debootstrap, chroot, mount); run as root, as CI does"
}

MOUNTS=()
unmount_all () {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" || true
  done
  MOUNTS=()
}

bind () {
  mkdir -p "$2"
  mount --bind "$1" "$2"
  MOUNTS+=("$2")
}

mount_all () {
  local root="$1"
  trap unmount_all EXIT
  trap 'exit 130' INT TERM
  bind /proc "$root/proc"
  bind /sys "$root/sys"
  bind /dev "$root/dev"
  bind /dev/pts "$root/dev/pts"
  [ -d /dev/shm ] && bind /dev/shm "$root/dev/shm"
  bind "$SRC" "$root/src"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
}

# A clean environment inside: nothing of the host's session leaks in.
in_root () {
  local root="$1"; shift
  chroot "$root" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive \
    "$@"
}

create_root () {
  command -v debootstrap >/dev/null || {
    echo "Installing debootstrap" >&2
    apt-get install -y -q --no-install-recommends debootstrap \
      || { apt-get update -q && apt-get install -y -q --no-install-recommends debootstrap; } \
      || die "cannot install debootstrap"
  }
  local mirror=${MIRROR:-$(host_mirror)}
  local tmp="$ROOT.partial"
  # An interrupted debootstrap may leave its mounts behind: never delete
  # through them into the host's /proc, /sys or /dev.
  awk -v dir="$tmp/" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts \
    | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf --one-file-system "$tmp"
  mkdir -p "$(dirname "$ROOT")"
  echo "Making the Debian 13 root in $ROOT from $mirror" >&2
  debootstrap --variant=minbase "$SUITE" "$tmp" "$mirror" \
    || die "debootstrap $SUITE from $mirror failed; see $tmp/debootstrap/debootstrap.log"
  # Only a complete root takes the final name, so an interrupted run
  # starts over instead of reusing half a system.
  mv "$tmp" "$ROOT"
}

ensure () {
  need_root
  mkdir -p "$(dirname "$ROOT")"
  exec 9>"$ROOT.lock"
  flock 9
  [ -x "$ROOT/usr/bin/apt-get" ] || create_root
  mount_all "$ROOT"
  # The same list as the host's, with trixie's names; "suite" leaves out what
  # only the sanitizer build and the fuzzers need (they run on the host).
  in_root "$ROOT" sh -c 'dpkg-query -W -f="\${Status}" ca-certificates 2>/dev/null \
      | grep -q "install ok installed" \
      || { apt-get update -q && apt-get install -y -q --no-install-recommends ca-certificates; }'
  in_root "$ROOT" sh /src/build-aux/install-deps.sh suite
  unmount_all
  trap - EXIT
}

case "${1:-}" in
  path) echo "$ROOT" ;;
  ensure) ensure ;;
  run)
    shift
    need_root
    [ -x "$ROOT/usr/bin/apt-get" ] || die "no Debian 13 root at $ROOT; run '$0 ensure' first"
    exec 9>"$ROOT.lock"
    flock 9
    mount_all "$ROOT"
    status=0
    in_root "$ROOT" sh -c 'cd /src && exec "$@"' sh "$@" || status=$?
    exit $status ;;
  *) echo "usage: $0 path|ensure|run CMD..." >&2; exit 2 ;;
esac
