#!/usr/bin/env bash
# Browser vs native training speed on the same artifacts, data and options: one epoch of the first ROWS rows of the
# bundled sentiment data with the .NET CLI and in headless Chromium (WebAssembly, threads as the page picks them).
# Prints train samples/s of each. Usage: web/test-browser/step-time.sh ARTIFACTS [ROWS] [BATCH] [MAX_LENGTH]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
artifacts=$(cd "$1" && pwd); rows=${2:-160}; batch=${3:-8}; max_length=${4:-128}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
head -n "$rows" "$root/data/sentiment-uci/train.jsonl" > "$work/train.jsonl"
head -n 16 "$root/data/sentiment-uci/dev.jsonl" > "$work/dev.jsonl"
options=(--epochs 1 --batch-size "$batch" --max-length "$max_length" --seed 0)
cli=("$root/src/OrtAdapter.Cli/bin/Release/net10.0/ortadapter")
[ -x "${cli[0]}" ] || cli=(dotnet run --project "$root/src/OrtAdapter.Cli" -c Release --)
native=$(cd "$work" && "${cli[@]}" train --artifacts "$artifacts" --train train.jsonl --dev dev.jsonl --test dev.jsonl --run native --no-export "${options[@]}" | grep -o '[0-9.]* train samples/s')
(cd "$root/web" && node test-browser/train-in-browser.mjs --artifacts "$artifacts" --train "$work/train.jsonl" --dev "$work/dev.jsonl" --out "$work/browser" "${options[@]}" >/dev/null)
node -e '
  const r = require(process.argv[1]);
  const ms = r.steps.reduce((s, x) => s + x.milliseconds, 0);
  const rows = r.steps.length ? Number(process.argv[2]) : 0;
  console.log(`browser (wasm, ${r.threads} threads): ${(1000 * rows / ms).toFixed(1)} train samples/s, median step ${r.median_step_ms.toFixed(0)} ms`);
' "$work/browser/result.json" "$rows"
echo "native (.NET, ONNX Runtime CPU): $native"
