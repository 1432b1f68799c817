#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers of untrusted input with AFL++ (Debian: apt-get install afl++) and SharpFuzz
# (dotnet tool install --global SharpFuzz.CommandLine). Publishes the harness once, instruments OrtAdapter's
# assemblies and Parquet.Net, writes a seed corpus, then fuzzes one target.
# Usage: tools/fuzz/run.sh TARGET [SECONDS]   (default 1200 s; targets: onnx safetensors state manifest adapter
#        jsonl csv tsv parquet sqlite). Crashes land in $FUZZ_OUT/findings/TARGET/default/crashes (FUZZ_OUT default
#        /tmp/ortadapter-fuzz); reproduce one with the plain build: dotnet $FUZZ_OUT/plain/OrtAdapter.Fuzz.dll TARGET DIR < crash-file
set -euo pipefail
target=${1:?usage: run.sh TARGET [SECONDS]}
seconds=${2:-1200}
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-/tmp/ortadapter-fuzz}
bin=$out/bin
export PATH="$PATH:$HOME/.dotnet/tools"
# Instrumented code runs only under AFL: the seeds come from a plain copy.
if ! [ -e "$bin/.instrumented" ]; then
  dotnet publish "$repo/tools/fuzz" -c Release -o "$out/plain" -v q -nologo >/dev/null
  rm -rf "$bin" && cp -r "$out/plain" "$bin"
  for dll in OrtAdapter.Onnx OrtAdapter.Build OrtAdapter.Training Parquet; do sharpfuzz "$bin/$dll.dll" >/dev/null; done
  touch "$bin/.instrumented"
fi
[ -d "$out/seeds/$target" ] || (cd "$repo" && dotnet "$out/plain/OrtAdapter.Fuzz.dll" --seeds "$out/seeds")
mkdir -p "$out/findings" "$out/work/$target"
[ "$target" = state ] && cp "$out/seeds/state-checkpoint/weights.safetensors" "$out/work/state/"
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  afl-fuzz -V "$seconds" -t 5000 -m none -i "$out/seeds/$target" -o "$out/findings/$target" \
  -- dotnet "$bin/OrtAdapter.Fuzz.dll" "$target" "$out/work/$target"
echo "crashes: $(ls "$out/findings/$target/default/crashes" 2>/dev/null | grep -vc README || true)"
