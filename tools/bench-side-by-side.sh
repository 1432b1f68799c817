#!/usr/bin/env bash
# Benchmark W1 side by side: `ortadapter bench`, then the libtorch peer on the same machine right after, and the
# ratios. Absolute figures on shared machines drift; the ratio of two back-to-back runs is what REFERENCE.md targets.
# Usage: tools/bench-side-by-side.sh [STEPS [BENCH OPTIONS...]]   (e.g. 7 --base-precision int8; PEER=path/to/
# libtorch-peer/run.sh overrides the peer script)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
steps=${1:-7}
shift || true
peer=${PEER:-$root/../shared/bench/libtorch-peer/run.sh}
figure() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2" | head -1; }

dotnet build "$root/src/OrtAdapter.Cli" -c Release -nologo -v q >/dev/null
ours=$(cd "$root" && dotnet run --project src/OrtAdapter.Cli -c Release --no-build -- bench --steps "$steps" "$@")
echo "$ours"
if [ ! -x "$peer" ]; then echo "no libtorch peer at $peer (set PEER=...): ratios skipped" >&2; exit 0; fi
theirs=$("$peer" 6 384 12 1536 32 128 16 "$steps" | tail -5)
echo "$theirs"

our_train=$(figure train_samples_per_s "$ours"); our_eval=$(figure eval_samples_per_s "$ours")
peer_train=$(figure train_samples_per_s "$theirs"); peer_eval=$(figure infer_samples_per_s "$theirs")
awk -v a="$our_train" -v b="$peer_train" -v c="$our_eval" -v d="$peer_eval" 'BEGIN {
  printf "\n%-16s %12s %12s %8s\n", "", "OrtAdapter", "libtorch", "ratio"
  printf "%-16s %12.1f %12.1f %7.2fx\n", "train samples/s", a, b, a / b
  printf "%-16s %12.1f %12.1f %7.2fx\n", "eval samples/s", c, d, c / d }'
