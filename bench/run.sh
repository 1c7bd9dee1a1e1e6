#!/usr/bin/env bash
# Times whole `atrest scan` processes over generated snapshot, CloudFormation or Terraform corpora, or live against moto (see bench/README.md).
#
#   bench/run.sh [--kind snapshot|cfn|tf|tfplan|live] [--runs 5] [--atrest PATH] [--sizes A,B] [--seed 1] [--pin CPU]
#                [--peer-sizes A,B|none] [--peer-runs 1]
#
# snapshot (default): sizes in resources (10000,100000), corpora in bench/.corpus/<size>-<seed>/,
# results in bench/results/latest.json. cfn: sizes in templates (1000,10000), corpora in
# bench/.corpus/cfn-<size>-<seed>/, cfn-lint also timed on --peer-sizes (1000), results in
# bench/results/latest-cfn.json. tf: sizes in .tf files (10000), corpora in bench/.corpus/tf-<size>-<seed>/,
# results in bench/results/latest-tf.json. tfplan: sizes in MiB of plan JSON (100), the plan in
# bench/.corpus/tfplan-<size>-<seed>/plan.json, results in bench/results/latest-tfplan.json; both time
# --jobs 1 too, and checkov/trivy/tfsec when installed (--peer-sizes none skips them). live: bench/live.py
# (moto + fault proxy, 20 ms per call, 3 runs by default; --sizes/--seed/--peer-* do not apply), results
# in bench/results/latest-live.json. Corpora are reused. Prints a markdown table. Exit: 0 done, 1 harness
# failure (atrest exited other than 0/1/3, crashed, or the generator failed), 2 usage error or no atrest binary.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

runs=""
atrest="$root/build/release/src/atrest"
kind=snapshot
sizes=""
seed=1
pin=""
peer_sizes=""
peer_runs=1

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --runs|--atrest|--sizes|--seed|--pin|--kind|--peer-sizes|--peer-runs)
      [ $# -ge 2 ] || die "$1 needs a value"
      opt=$1; val=$2; shift 2 ;;
    --runs=*|--atrest=*|--sizes=*|--seed=*|--pin=*|--kind=*|--peer-sizes=*|--peer-runs=*)
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
    --kind) kind=$val ;;
    --peer-sizes) peer_sizes=$val ;;
    --peer-runs) peer_runs=$val ;;
  esac
done

case "$kind" in
  snapshot)
    [ -z "$peer_sizes" ] || die "--peer-sizes needs --kind cfn (no peer runs here for snapshots)"
    [ -n "$sizes" ] || sizes="10000,100000"
    generator="$here/gen_corpus.py"; count_flag=--resources; prefix=""
    results="$here/results/latest.json" ;;
  cfn)
    [ -n "$sizes" ] || sizes="1000,10000"
    [ -n "$peer_sizes" ] || peer_sizes=1000
    generator="$here/gen_cfn.py"; count_flag=--templates; prefix="cfn-"
    results="$here/results/latest-cfn.json" ;;
  tf|tfplan)
    [ -z "$peer_sizes" ] || [ "$peer_sizes" = none ] || die "--peer-sizes takes only 'none' with --kind $kind (peers run on every size when installed)"
    if [ "$kind" = tf ]; then
      [ -n "$sizes" ] || sizes="10000"
      generator="$here/gen_tf.py"; count_flag=--files; prefix="tf-"
    else
      [ -n "$sizes" ] || sizes="100"
      generator="$here/gen_plan.py"; count_flag=--size-mb; prefix="tfplan-"
    fi
    results="$here/results/latest-$kind.json" ;;
  live)
    [ -z "$sizes" ] || die "--sizes does not apply to --kind live (bench/live.py has --tables, --dax, ...)"
    [ "$seed" = 1 ] || die "--seed does not apply to --kind live"
    [ -z "$peer_sizes" ] && [ "$peer_runs" = 1 ] || die "--peer-sizes and --peer-runs do not apply to --kind live"
    [ -n "$runs" ] || runs=3
    results="$here/results/latest-live.json" ;;
  *) die "--kind must be snapshot, cfn, tf, tfplan or live, got '$kind'" ;;
esac
[ -n "$runs" ] || runs=5

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$runs'"
[[ "$seed" =~ ^[0-9]+$ ]] || die "--seed must be a non-negative integer, got '$seed'"
[ "$kind" = live ] || [[ "$sizes" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--sizes must be a comma-separated list of positive integers, got '$sizes'"
[[ "$peer_runs" =~ ^[1-9][0-9]*$ ]] || die "--peer-runs must be a positive integer, got '$peer_runs'"
if [ "$kind" = cfn ] && [ "$peer_sizes" != none ]; then
  [[ "$peer_sizes" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--peer-sizes must be 'none' or a comma-separated list of sizes, got '$peer_sizes'"
  IFS=, read -r -a peer_list <<<"$peer_sizes"
  for p in "${peer_list[@]}"; do
    [[ ",$sizes," == *",$p,"* ]] || die "--peer-sizes: $p is not one of --sizes ($sizes)"
  done
  command -v cfn-lint >/dev/null || die "cfn-lint is not on PATH (install it, or pass --peer-sizes none)"
fi
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

if [ "$kind" = live ]; then
  live=(python3 "$here/live.py" --atrest "$atrest" --runs "$runs" --results "$results")
  [ -n "$pin" ] && live+=(--pin "$pin")
  exec "${live[@]}"
fi

# A cached corpus is reused only if its manifest exists (written last, so an interrupted
# generation has none) and names the current generator by hash (else it is stale).
corpus_is_current() {
  [ -d "$1" ] && [ -f "$2" ] && python3 - "$2" "$generator" <<'PY'
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
  dir="$here/.corpus/$prefix$size-$seed"
  manifest="$dir.manifest.json"
  if ! corpus_is_current "$dir" "$manifest"; then
    rm -rf "$dir" "$dir.partial" "$manifest"
    echo "run.sh: generating $size ${count_flag#--} (seed $seed) into ${dir#"$root"/}" >&2
    if [ "$kind" = tfplan ]; then  # one file, in a directory of its own
      mkdir -p "$dir.partial"
      out="$dir.partial/plan.json"
    else
      out="$dir.partial"
    fi
    python3 "$generator" "$count_flag" "$size" --seed "$seed" --out "$out" \
      --manifest "$dir.partial.manifest.json" >&2 || { echo "run.sh: corpus generation failed" >&2; exit 1; }
    mv "$dir.partial" "$dir"
    mv "$dir.partial.manifest.json" "$manifest"
  fi
  corpus_args+=(--corpus "$dir")
  if [ "$kind" = cfn ] && [ "$peer_sizes" != none ] && [[ ",$peer_sizes," == *",$size,"* ]]; then
    corpus_args+=(--peer-corpus "$dir")
  fi
done

measure=(python3 "$here/measure.py" --atrest "$atrest" --runs "$runs"
         --results "$results" --repo "$root")
[ -n "$pin" ] && measure+=(--pin "$pin")
[ "$kind" = cfn ] && measure+=(--kind cfn --peer-runs "$peer_runs")
if [ "$kind" = tf ] || [ "$kind" = tfplan ]; then
  measure+=(--kind "$kind" --peer-runs "$peer_runs")
  [ "$peer_sizes" = none ] && measure+=(--no-peers)
fi
exec "${measure[@]}" "${corpus_args[@]}"
