#!/usr/bin/env bash
# Whole-run comparison: hamburglar against whichever peer scanners are on
# PATH (ripsecrets, gitleaks, trufflehog, detect-secrets), over one folder.
# Prints wall time, peak memory and the number of findings of each run.
#
#   cargo build --release
#   benches/compare.sh DIR [RUNS]
set -euo pipefail

dir=${1:?usage: benches/compare.sh DIR [RUNS]}
runs=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${HAMBURGLAR:-$here/target/release/hamburglar}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# run NAME COUNT-COMMAND -- COMMAND...: best wall time of $runs, peak RSS.
run() {
    local name=$1 count=$2
    shift 3
    local best="" rss=0
    for _ in $(seq "$runs"); do
        /usr/bin/time -f '%e %M' -o "$out/time" "$@" >"$out/stdout" 2>/dev/null || true
        # time(1) adds a line of its own when the command exits non-zero.
        read -r secs kb < <(tail -n 1 "$out/time")
        if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    printf '%-16s %8ss %8d MiB %8s findings\n' "$name" "$best" $((rss / 1024)) \
        "$(eval "$count" <"$out/stdout")"
}

echo "folder: $dir ($(du -sh "$dir" | cut -f1)), best of $runs"
run hamburglar 'wc -l' -- "$bin" scan --format ndjson --no-progress "$dir"
run "hamburglar -j1" 'wc -l' -- "$bin" scan --format ndjson --no-progress --threads 1 "$dir"
if command -v ripsecrets >/dev/null; then
    run ripsecrets 'wc -l' -- ripsecrets "$dir"
fi
if command -v gitleaks >/dev/null; then
    run gitleaks 'grep -c RuleID || true' -- gitleaks dir --no-banner -v "$dir"
fi
if command -v trufflehog >/dev/null; then
    run trufflehog 'wc -l' -- trufflehog filesystem --json --no-update "$dir"
fi
if command -v detect-secrets >/dev/null; then
    run detect-secrets 'grep -c hashed_secret || true' -- detect-secrets scan --all-files "$dir"
fi
