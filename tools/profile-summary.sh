#!/usr/bin/env bash
# Where a training step's time goes, from an ONNX Runtime profile (`ortadapter bench --profile PREFIX` writes
# PREFIX-train_*.json and PREFIX-eval_*.json). Runs before the third model_run (the two warm-ups) are skipped and
# times are per run: first by operator type, then the most expensive nodes.
# Usage: tools/profile-summary.sh PROFILE.json [TOP_NODES]        Needs jq.
set -euo pipefail
profile=$1; top=${2:-25}
command -v jq >/dev/null || { echo "profile-summary.sh needs jq (apt-get install jq)" >&2; exit 1; }
[ -f "$profile" ] || { echo "$profile: no such profile" >&2; exit 1; }
jq -r --argjson top "$top" '
  ([.[] | select(.cat == "Session" and .name == "model_run")]) as $runs
  | if ($runs | length) < 3 then error("\(input_filename): \($runs | length) model_run events; profile at least 3 runs (2 warm-ups)") else . end
  | ($runs[2].ts) as $t0 | (($runs | length) - 2) as $n
  | [.[] | select(.cat == "Node" and (.name | endswith("_kernel_time")) and .ts >= $t0)] as $nodes
  | "\($n) timed runs, \($runs[2:] | map(.dur) | add / $n / 1000 | floor) ms per run, of which kernels \($nodes | map(.dur) | add / $n / 1000 | floor) ms",
    "", "ms/run\tnodes\top type",
    ($nodes | group_by(.args.op_name) | map({op: .[0].args.op_name, k: (length / $n), ms: (map(.dur) | add / $n / 1000)})
      | sort_by(-.ms) | .[] | "\(.ms * 10 | round / 10)\t\(.k)\t\(.op)"),
    "", "ms/run\top\tnode\toutput shape",
    ($nodes | group_by(.name) | map({name: (.[0].name | rtrimstr("_kernel_time")), op: .[0].args.op_name,
        ms: (map(.dur) | add / $n / 1000), shape: (.[0].args.output_type_shape // [] | map(to_entries[0].value) | tostring)})
      | sort_by(-.ms) | .[:$top][] | "\(.ms * 100 | round / 100)\t\(.op)\t\(.name)\t\(.shape)")
' "$profile"
