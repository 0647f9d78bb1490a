#!/usr/bin/env bash
# The allocation gate: runs every package-benchmark suite in this folder and compares each case's
# malloc count (p90 of mallocCountTotal per iteration) with the count stored in
# Thresholds/<Swift major.minor>/, the layout swift-nio uses. Wall clock and throughput are measured
# for people but never gated: on a shared 2-core machine they are noise, allocation counts are not.
#
#   Benchmarks/check-allocations.sh            check; exits 0 only when every count equals its threshold
#   Benchmarks/check-allocations.sh --update   re-measure and rewrite Thresholds/<version>/ (commit them)
#
# The check fails (exit 1) when a count rises (a regression), when it falls (an improvement: run
# --update so that a later regression back to the old count cannot pass unnoticed), when a case has
# no stored threshold, or when a benchmark fails to build or run. Tolerance is zero (set in the
# suites' configuration): these counts are deterministic for a given Swift, OpenBLAS and thread count.
#
# Works from any directory and from any clone. Counts depend on OpenBLAS's kernels and threads, so
# OPENBLAS_CORETYPE is chosen as the Makefile chooses it when the machine has not set it, and the
# suites pin OpenBLAS to 2 threads themselves.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=check
case "${1:-}" in
    "") ;;
    --update) mode=update ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [--update]" >&2; exit 64 ;;
esac

# Same rule as the Makefile: keep the machine's value; otherwise pick from the CPU flags.
if [[ -z "${OPENBLAS_CORETYPE+set}" ]]; then
    flags="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)"
    if [[ " $flags " == *" avx512f "* ]]; then export OPENBLAS_CORETYPE=SkylakeX
    elif [[ " $flags " == *" avx2 "* ]]; then export OPENBLAS_CORETYPE=Haswell
    fi
fi

swift_version="$(swift --version 2>/dev/null | sed -nE 's/.*Swift version ([0-9]+\.[0-9]+).*/\1/p' | head -n1)"
[[ -n "$swift_version" ]] || { echo "check-allocations: cannot read the Swift version from 'swift --version'" >&2; exit 1; }
thresholds="$here/Thresholds/$swift_version"

bench() { swift package --package-path "$here" "$@"; }

# Every benchmark as "Target<TAB>Name", from the suites themselves (builds them if needed; on a
# build failure, shows the build's output and stops).
list_benchmarks() {
    local output
    if ! output="$(bench benchmark list 2>&1)"; then
        printf '%s\n' "$output" | grep -v -E '^\[[0-9]+/[0-9]+\] ' >&2
        echo "check-allocations: FAILED: the benchmarks did not build" >&2
        return 1
    fi
    printf '%s\n' "$output" | awk '
        /^Target .* available benchmarks:$/ { target = $2; gsub(/\047/, "", target); next }
        target != "" && NF > 0 { print target "\t" $0 }'
}

# package-benchmark 1.38.1 writes threshold files with spaces (and "/") turned into "_", but reads
# them back under the benchmark's real name; a case whose file is not found is silently unchecked.
# So files are stored under the real name, spaces included, and every case must have one.
threshold_file() { printf '%s/%s.%s.p90.json' "$thresholds" "$1" "$2"; }

check_coverage() {
    local missing=0 target name
    while IFS=$'\t' read -r target name; do
        if [[ ! -f "$(threshold_file "$target" "$name")" ]]; then
            echo "check-allocations: no stored threshold for $target: \"$name\"" >&2
            missing=1
        fi
    done < <(printf '%s\n' "$benchmarks")
    return "$missing"
}

started=$SECONDS
benchmarks="$(list_benchmarks)" || exit 1
[[ -n "$benchmarks" ]] || { echo "check-allocations: FAILED: no benchmarks found" >&2; exit 1; }
echo "check-allocations: $(printf '%s\n' "$benchmarks" | wc -l) benchmarks, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, thresholds in ${thresholds#"$here"/}"

if [[ "$mode" == update ]]; then
    if printf '%s\n' "$benchmarks" | cut -f2 | grep -q '[_/]'; then
        echo "check-allocations: a benchmark name contains '_' or '/', which cannot be mapped back from the file names" >&2
        exit 1
    fi
    staging="$(mktemp -d)"
    trap 'rm -rf "$staging"' EXIT
    bench --allow-writing-to-package-directory benchmark thresholds update \
        --metric mallocCountTotal --path "$staging" --no-progress
    mkdir -p "$thresholds"
    rm -f "$thresholds"/*.p90.json
    for file in "$staging"/*.p90.json; do
        base="$(basename "$file" .p90.json)"         # Target.Name_with_underscores
        target="${base%%.*}"
        name="${base#*.}"
        install -m 644 "$file" "$(threshold_file "$target" "${name//_/ }")"
    done
    check_coverage
    echo "check-allocations: thresholds updated in ${thresholds#"$here"/} in $((SECONDS - started)) s:"
    for file in "$thresholds"/*.p90.json; do
        printf '  %-60s %s\n' "$(basename "$file" .p90.json)" "$(tr -d ' \n{}' < "$file")"
    done
    exit 0
fi

check_coverage || { echo "check-allocations: FAILED: run $0 --update and commit Thresholds/" >&2; exit 1; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
bench benchmark thresholds check --metric mallocCountTotal --path "$thresholds" --no-progress 2>&1 | tee "$log" || status=$?
elapsed=$((SECONDS - started))
if [[ "$status" -eq 0 ]]; then
    echo "check-allocations: passed: every malloc count matches its stored threshold (zero tolerance, except where a suite states one) (${elapsed} s)"
    exit 0
fi
if grep -q 'WORSE than the defined thresholds' "$log"; then
    echo "check-allocations: FAILED: more allocations than stored (see 'Deviations worse than threshold' above) (${elapsed} s)" >&2
elif grep -q 'BETTER than the defined thresholds' "$log"; then
    echo "check-allocations: FAILED: fewer allocations than stored; if intended, run $0 --update and commit Thresholds/ (${elapsed} s)" >&2
else
    echo "check-allocations: FAILED: the benchmarks did not build or run (exit $status) (${elapsed} s)" >&2
fi
exit 1
