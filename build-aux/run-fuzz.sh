#!/bin/sh
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan in
# _build-fuzz and runs each for SECONDS (default 30) on a copy of its seed
# corpus, so the committed corpus does not grow. Prints, per target, the
# executions, the coverage (cov: of the final stats line) and the crashes;
# exits non-zero when any target crashed, leaked, hung or failed to build.
#
# usage: build-aux/run-fuzz.sh [SECONDS]   (FUZZ_BUILDDIR, FUZZ_JOBS)
set -eu

SECONDS_PER_TARGET="${1:-30}"
SRCDIR="$(cd "$(dirname "$0")/.." && pwd)"
BUILDDIR="${FUZZ_BUILDDIR:-$SRCDIR/_build-fuzz}"
TARGETS="fuzz-api-response fuzz-catalog fuzz-uri-list"

if ! command -v clang >/dev/null 2>&1 ||
   ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q 'install ok installed'; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing clang and libclang-rt-14-dev" >&2
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
    clang libclang-rt-14-dev
fi

if [ ! -f "$BUILDDIR/build.ninja" ]; then
  CC=clang meson setup "$BUILDDIR" "$SRCDIR" -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
# shellcheck disable=SC2086
if ! meson compile -C "$BUILDDIR" -j "${FUZZ_JOBS:-2}" $TARGETS >"$BUILDDIR/fuzz-build.log" 2>&1; then
  cat "$BUILDDIR/fuzz-build.log" >&2
  exit 1
fi

WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/sd-fuzz.XXXXXX")"
trap 'rm -rf "$WORKDIR"' EXIT INT TERM

failed=0
printf '%-20s %12s %10s %8s %8s %8s\n' target executions exec/s cov corpus crashes
for t in $TARGETS; do
  mkdir -p "$WORKDIR/$t/corpus" "$WORKDIR/$t/artifacts"
  cp "$SRCDIR/tests/fuzz/corpus/$t/"* "$WORKDIR/$t/corpus/"
  log="$WORKDIR/$t/log"
  status=0
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
  "$BUILDDIR/tests/fuzz/$t" "$WORKDIR/$t/corpus" \
    -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -timeout=25 \
    -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$WORKDIR/$t/artifacts/" >"$log" 2>&1 || status=$?

  stats="$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1)"
  execs="$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log")"
  rate="$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log")"
  cov="$(printf '%s\n' "$stats" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')"
  corpus="$(printf '%s\n' "$stats" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')"
  crashes="$(find "$WORKDIR/$t/artifacts" -type f | wc -l)"
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1
  fi
  printf '%-20s %12s %10s %8s %8s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
    "${corpus:-?}" "$crashes"

  if [ "$crashes" -ne 0 ]; then
    failed=1
    echo "--- $t failed (exit $status); the end of its log:" >&2
    tail -n 40 "$log" >&2
    for a in "$WORKDIR/$t/artifacts/"*; do
      [ -f "$a" ] || continue
      mkdir -p "$BUILDDIR/fuzz-artifacts"
      cp "$a" "$BUILDDIR/fuzz-artifacts/$t-$(basename "$a")"
      echo "--- input kept as $BUILDDIR/fuzz-artifacts/$t-$(basename "$a")" >&2
    done
  fi
done

exit "$failed"
