#!/bin/bash
# Renders the screenshots of the documentation and the AppStream metadata:
# data/screenshots/{composer,results,dark,local-files,failed-check,compare}.png (or
# into OUTDIR), from the app in demo mode under Xvfb at 1280x800 (the
# composer scenes at 1280x1000, tall enough for the video settings), with
# its own temporary home.
#
# Usage: build-aux/render-screenshots.sh [LANG [OUTDIR]]
#   build-aux/render-screenshots.sh                       # en_US.UTF-8
#   build-aux/render-screenshots.sh zh_CN.UTF-8 data/screenshots/zh_CN
#
# The app is installed into a private prefix (_build-screenshots/root) so that
# its translations, schema and icons are found as they are after a real install.
set -eu
cd "$(dirname "$0")/.."

LANG_ARG="${1:-en_US.UTF-8}"
OUTDIR="${2:-data/screenshots}"
BUILD=_build-screenshots
PREFIX="$PWD/$BUILD/root"
WIDTH="${SCREENSHOT_WIDTH:-1280}"
HEIGHT="${SCREENSHOT_HEIGHT:-800}"
COMPOSER_HEIGHT="${SCREENSHOT_COMPOSER_HEIGHT:-${SCREENSHOT_HEIGHT:-1000}}"
WAIT="${SCREENSHOT_WAIT:-10}"

for tool in xvfb-run import; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (build-aux/install-deps.sh)" >&2; exit 1; }
done
# A locale such as zh_CN.UTF-8 is generated once if it is missing (needs the
# locales package and root); "locale -a" spells it zh_CN.utf8.
locale_name=$(echo "$LANG_ARG" | sed 's/\.UTF-8$/.utf8/I')
if [ "$LANG_ARG" != "C.UTF-8" ] && ! locale -a 2>/dev/null | grep -qix "$locale_name"; then
  case "$LANG_ARG" in
    *.UTF-8|*.utf8)
      localedef -i "${LANG_ARG%%.*}" -f UTF-8 "${LANG_ARG%%.*}.UTF-8" 2>/dev/null \
        || echo "warning: could not generate $LANG_ARG; texts fall back to English" >&2 ;;
    *)
      echo "warning: locale $LANG_ARG is not generated; texts fall back to English" >&2 ;;
  esac
fi

# Reconfigured each time: sources that appeared since are picked up.
if [ -f "$BUILD/build.ninja" ]; then
  meson setup --reconfigure "$BUILD" >/dev/null
else
  meson setup "$BUILD" --prefix="$PREFIX" >/dev/null
fi
meson compile -C "$BUILD" >/dev/null
meson install -C "$BUILD" --quiet >/dev/null

mkdir -p "$OUTDIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

render_scene () {
  local scene="$1" home="$tmp/$1" height="$HEIGHT"

  case "$scene" in composer|local-files|failed-check) height="$COMPOSER_HEIGHT" ;; esac

  mkdir -p "$home/config/glib-2.0/settings" "$home/data" "$home/cache" \
           "$home/state" "$home/Videos"
  mkdir -m 700 -p "$home/runtime"
  # The window fills the screen; the videos go to the temporary home.
  printf '[io/github/seedancestudio/SeedanceStudio]\nwindow-width=%d\nwindow-height=%d\n' \
    "$WIDTH" "$height" > "$home/config/glib-2.0/settings/keyfile"
  printf 'XDG_VIDEOS_DIR="%s/Videos"\n' "$home" > "$home/config/user-dirs.dirs"

  env -i PATH="$PATH" HOME="$home" \
    XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
    XDG_CACHE_HOME="$home/cache" XDG_STATE_HOME="$home/state" \
    XDG_RUNTIME_DIR="$home/runtime" \
    XDG_DATA_DIRS="$PREFIX/share:/usr/local/share:/usr/share" \
    GSETTINGS_BACKEND=keyfile GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1 \
    GIO_USE_PROXY_RESOLVER=dummy \
    LANG="$LANG_ARG" LC_ALL="$LANG_ARG" LANGUAGE="${LANG_ARG%%.*}" \
    SEEDANCE_STUDIO_SCREENSHOT_SCENE="$scene" \
    xvfb-run -a -s "-screen 0 ${WIDTH}x${height}x24" \
      dbus-run-session -- sh -c '
        "$1" --demo &
        app=$!
        sleep "$2"
        import -window root "$3"
        kill "$app"
        wait "$app" 2>/dev/null || true' \
      sh "$PREFIX/bin/seedance-studio" "$WAIT" "$OUTDIR/$scene.png"
  echo "$OUTDIR/$scene.png"
}

for scene in ${SCREENSHOT_SCENES:-composer results dark local-files failed-check compare}; do
  render_scene "$scene"
done
