#!/bin/bash
# Builds Seedance Studio and runs every test: first a normal build, then one
# with AddressSanitizer and UBSan, the fuzz targets, and the normal build
# again on Debian 13 (the current GNOME stack) in a debootstrap root kept in
# a cache folder outside the clone (build-aux/trixie-root.sh; needs root).
# Warnings are errors. Ends with the line "N passed, N failed" and exits
# non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh all || exit 1

passed=0
failed=0

count_results () {
  local log="$1/meson-logs/testlog.json"
  if [ ! -f "$log" ]; then
    echo "no test results in $1" >&2
    failed=$((failed + 1))
    return 0
  fi
  local p f
  p=$(grep -c '"result": "OK"' "$log")
  f=$(grep -c -E '"result": "(FAIL|ERROR|TIMEOUT)"' "$log")
  passed=$((passed + p))
  failed=$((failed + f))
}

run_suite () {
  local dir="$1"; shift
  if ! { [ -f "$dir/build.ninja" ] || meson setup "$dir" -Dwerror=true "$@"; } \
     || ! meson compile -C "$dir"; then
    echo "build failed in $dir" >&2
    failed=$((failed + 1))
    return
  fi
  rm -f "$dir/meson-logs/testlog.json"
  # A runtime folder of its own: the accessibility bus lives there, and a
  # shared one (~/.cache/at-spi) is torn down by any other session's end.
  local runtime
  runtime=$(mktemp -d)
  env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
    XDG_RUNTIME_DIR="$runtime" \
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1024x24" \
    meson test -C "$dir" --print-errorlogs --num-processes 2
  rm -rf "$runtime"
  count_results "$dir"
}

run_suite _build-test
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
  run_suite _build-sanitize -Db_sanitize=address,undefined -Db_lundef=false

# Each fuzz target for a short fixed time (a longer run's figures are in
# bench/RESULTS.md); any crash, leak or timeout fails the run.
if bash build-aux/run-fuzz.sh 20; then
  passed=$((passed + 1))
else
  echo "fuzzing found a problem; see _build-fuzz/fuzz-artifacts/" >&2
  failed=$((failed + 1))
fi

# The normal suite on Debian 13 (GTK 4.18, GLib 2.84, json-glib 1.10,
# libsoup 3.6), built in _build-trixie from the source bind-mounted at /src.
run_trixie_suite () {
  local start=$SECONDS
  if ! bash build-aux/trixie-root.sh ensure; then
    echo "Debian 13: the root could not be made or updated (see above)" >&2
    failed=$((failed + 1))
    return
  fi
  if ! bash build-aux/trixie-root.sh run sh -c \
       '{ [ -f _build-trixie/build.ninja ] || meson setup _build-trixie -Dwerror=true; } &&
        meson compile -C _build-trixie'; then
    echo "Debian 13: build failed in _build-trixie" >&2
    failed=$((failed + 1))
    return
  fi
  rm -f _build-trixie/meson-logs/testlog.json
  bash build-aux/trixie-root.sh run \
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1024x24" \
    meson test -C _build-trixie --print-errorlogs --num-processes 2
  count_results _build-trixie
  echo "Debian 13 part: $((SECONDS - start)) s" >&2
}

run_trixie_suite

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
