#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs a Seedance Studio build into a temporary DESTDIR and checks that
# the installed tree is a working app: schema installed and compiled, icons,
# desktop entry, D-Bus service and metainfo in place, and the installed
# `seedance models` running against the installed data only.
#
# Usage: tests/install-test.sh [--skip-cli] [BUILDDIR]
#   --skip-cli  check the installed files but do not run the installed CLI
set -eu

skip_cli=0
if [ "${1:-}" = "--skip-cli" ]; then
  skip_cli=1
  shift
fi
builddir=$(cd "${1:-_build}" && pwd)
app_id=io.github.seedancestudio.SeedanceStudio
default_model=seedance2.0-fast-i2v

tmp=$(mktemp -d "${TMPDIR:-/tmp}/seedance-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

failures=0
fail () {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
ok () {
  echo "ok: $*"
}

# The configured install directories of this build.
dirs=$(meson introspect "$builddir" --buildoptions | python3 -c '
import json, sys
opts = {o["name"]: o["value"] for o in json.load(sys.stdin)}
prefix = opts["prefix"]
for name in ("bindir", "datadir", "libdir"):
    value = opts[name]
    print(value if value.startswith("/") else prefix + "/" + value)
')
bindir=$(echo "$dirs" | sed -n 1p)
datadir=$(echo "$dirs" | sed -n 2p)
libdir=$(echo "$dirs" | sed -n 3p)

destdir="$tmp/destdir"
meson install -C "$builddir" --no-rebuild --destdir "$destdir" > "$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log" >&2
  fail "meson install"
  exit 1
}
ok "meson install --destdir"

bin="$destdir$bindir"
share="$destdir$datadir"
lib="$destdir$libdir"

# meson skips gnome.post_install under DESTDIR (packagers run these steps as
# triggers); run them on the installed tree as a real install would.
schemas="$share/glib-2.0/schemas"
if glib-compile-schemas --strict "$schemas"; then
  ok "installed schemas compile"
else
  fail "installed schemas do not compile"
fi
if command -v gtk-update-icon-cache > /dev/null; then
  gtk-update-icon-cache -q -t -f "$share/icons/hicolor" || fail "icon cache"
fi

expect_file () {
  if [ -s "$1" ]; then
    ok "installed ${1#"$destdir"}"
  else
    fail "missing ${1#"$destdir"}"
  fi
}
expect_file "$bin/seedance-studio"
expect_file "$bin/seedance"
expect_file "$schemas/$app_id.gschema.xml"
expect_file "$schemas/gschemas.compiled"
expect_file "$share/applications/$app_id.desktop"
expect_file "$share/metainfo/$app_id.metainfo.xml"
expect_file "$share/dbus-1/services/$app_id.service"
expect_file "$share/icons/hicolor/scalable/apps/$app_id.svg"
expect_file "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"

if grep -qx "Exec=$bindir/seedance-studio --gapplication-service" \
     "$share/dbus-1/services/$app_id.service"; then
  ok "D-Bus service starts the installed seedance-studio"
else
  fail "D-Bus service does not start $bindir/seedance-studio"
fi

if command -v desktop-file-validate > /dev/null; then
  desktop-file-validate "$share/applications/$app_id.desktop" \
    && ok "installed desktop entry is valid" || fail "installed desktop entry"
fi

# The installed schema answers with its defaults.
model=$(GSETTINGS_SCHEMA_DIR="$schemas" GSETTINGS_BACKEND=memory \
        gsettings get "$app_id" last-model 2> "$tmp/gsettings.err") || true
if [ "$model" = "'$default_model'" ]; then
  ok "installed schema gives last-model $model"
else
  cat "$tmp/gsettings.err" >&2
  fail "installed schema: last-model is '$model'"
fi

if [ "$skip_cli" -eq 0 ]; then
  mkdir -p "$tmp/home" "$tmp/config" "$tmp/data" "$tmp/cache" "$tmp/runtime"
  chmod 700 "$tmp/runtime"
  if env -i PATH="$bin:/usr/bin:/bin" HOME="$tmp/home" \
       LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
       XDG_DATA_DIRS="$share:/usr/share" \
       XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" \
       XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime" \
       GSETTINGS_SCHEMA_DIR="$schemas" GSETTINGS_BACKEND=memory \
       LC_ALL=C.UTF-8 \
       "$bin/seedance" models > "$tmp/models.out" 2> "$tmp/models.err"; then
    ok "installed 'seedance models' runs"
  else
    cat "$tmp/models.err" >&2
    fail "installed 'seedance models' failed"
  fi
  if grep -q "$default_model" "$tmp/models.out"; then
    ok "installed 'seedance models' lists the default model $default_model"
  else
    cat "$tmp/models.out" >&2
    fail "installed 'seedance models' does not list $default_model"
  fi
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures install checks failed" >&2
  exit 1
fi
echo "all install checks passed"
