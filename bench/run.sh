#!/usr/bin/env bash
# Times whole `atrest scan` processes over generated snapshot corpora (see bench/README.md).
#
#   bench/run.sh [--runs 5] [--atrest PATH] [--sizes 10000,100000] [--seed 1] [--pin CPU]
#
# Corpora are cached in bench/.corpus/<size>-<seed>/ and reused. Prints a markdown table and
# writes bench/results/latest.json. Exit: 0 done, 1 harness failure (atrest exited other than
# 0/1/3, crashed, or the generator failed), 2 usage error or no atrest binary.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

runs=5
atrest="$root/build/release/src/atrest"
sizes="10000,100000"
seed=1
pin=""

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --runs|--atrest|--sizes|--seed|--pin)
      [ $# -ge 2 ] || die "$1 needs a value"
      opt=$1; val=$2; shift 2 ;;
    --runs=*|--atrest=*|--sizes=*|--seed=*|--pin=*)
      opt=${1%%=*}; val=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  case "$opt" in
    --runs) runs=$val ;;
    --atrest) atrest=$val ;;
    --sizes) sizes=$val ;;
    --seed) seed=$val ;;
    --pin) pin=$val ;;
  esac
done

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$runs'"
[[ "$seed" =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer, got '$seed'"
[[ "$sizes" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--sizes must be a comma-separated list of positive integers, got '$sizes'"
if [ -n "$pin" ]; then
  [[ "$pin" =~ ^[0-9]+$ ]] || die "--pin must be a CPU number, got '$pin'"
  command -v taskset >/dev/null || die "--pin needs taskset (util-linux)"
fi

# A relative --atrest is relative to the caller's directory; make it absolute.
case "$atrest" in /*) ;; *) atrest="$PWD/$atrest" ;; esac
if [ ! -f "$atrest" ] || [ ! -x "$atrest" ]; then
  echo "run.sh: no atrest binary at $atrest" >&2
  echo "run.sh: build it first: (cd $root && make build), or pass --atrest PATH" >&2
  exit 2
fi

# A cached corpus is reused only if its manifest exists (written last, so an interrupted
# generation has none) and names the current gen_corpus.py by hash (else it is stale).
corpus_is_current() {
  [ -d "$1" ] && [ -f "$2" ] && python3 - "$2" "$here/gen_corpus.py" <<'PY'
import hashlib, json, sys
with open(sys.argv[1]) as f:
    recorded = json.load(f).get("generator_sha256")
with open(sys.argv[2], "rb") as f:
    sys.exit(0 if recorded == hashlib.sha256(f.read()).hexdigest() else 1)
PY
}

corpus_args=()
IFS=, read -r -a size_list <<<"$sizes"
mkdir -p "$here/.corpus"
for size in "${size_list[@]}"; do
  dir="$here/.corpus/$size-$seed"
  manifest="$dir.manifest.json"
  if ! corpus_is_current "$dir" "$manifest"; then
    rm -rf "$dir" "$dir.partial" "$manifest"
    echo "run.sh: generating $size resources (seed $seed) into ${dir#"$root"/}" >&2
    python3 "$here/gen_corpus.py" --resources "$size" --seed "$seed" --out "$dir.partial" \
      --manifest "$dir.partial.manifest.json" >&2 || { echo "run.sh: corpus generation failed" >&2; exit 1; }
    mv "$dir.partial" "$dir"
    mv "$dir.partial.manifest.json" "$manifest"
  fi
  corpus_args+=(--corpus "$dir")
done

measure=(python3 "$here/measure.py" --atrest "$atrest" --runs "$runs"
         --results "$here/results/latest.json" --repo "$root")
[ -n "$pin" ] && measure+=(--pin "$pin")
exec "${measure[@]}" "${corpus_args[@]}"
