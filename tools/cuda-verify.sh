#!/usr/bin/env bash
# OrtAdapter's CUDA path checked end to end on a GPU machine, after ../shared/gpu-check/device.sh has extracted the
# self-contained payload (CLI built with -p:OrtGpu=true) to $APP. Run from the repo root there:
#
#   bash tools/cuda-verify.sh            prints a SUMMARY; logs, metrics, curves and a profile go to $OUT/cuda-verify.tgz
#
# 1. train 1 epoch of the default recipe on CPU and on CUDA (TF32 off), same seed: per-step losses and accuracy compared;
#    the same with gradient accumulation (separate optimizer graph)
# 2. CUDA with TF32 on; predict with the exported model on CUDA and on CPU (inference library)
# 3. bench W1 on CUDA, TF32 off and on (and an ORT profile), then the PyTorch peer (eager and torch.compile, both TF32
#    settings) on the same GPU. Env: APP (/tmp/ortapp/app), EPOCHS (1), BENCH_STEPS (20), PEER (.cudastage/w1.py),
#    SKIP (step names to leave out, e.g. "train-cuda-accum predict-cuda").
set -u
APP=${APP:-/tmp/ortapp/app}; R=/tmp/ortverify; O=$R/out; EPOCHS=${EPOCHS:-1}; STEPS=${BENCH_STEPS:-20}
PEER=${PEER:-.cudastage/w1.py}
rm -rf "$R"; mkdir -p "$O" "${OUT:=/tmp/ortout}"
for d in /opt/torch/.venv/lib/python3*/site-packages/nvidia/*/lib /usr/local/cuda/lib64 /usr/local/nvidia/lib64; do
  [ -d "$d" ] && LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
export LD_LIBRARY_PATH DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so' || export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
declare -a SUMMARY=()
step() {  # step NAME TIMEOUT CMD...: runs CMD, logs to $O/NAME.log, records rc and wall time
  local name=$1 limit=$2; shift 2; local t0=$SECONDS
  case " ${SKIP:-} " in *" $name "*) return 0 ;; esac
  timeout "$limit" "$@" > "$O/$name.log" 2>&1; local rc=$?
  SUMMARY+=("$name: rc=$rc in $((SECONDS - t0)) s; $(grep -E '^run |samples_per_s|Error|error:' "$O/$name.log" | head -3 | cut -c1-240 | tr '\n' ' ')")
  printf '%s\n' "${SUMMARY[@]}" > "$O/summary.txt"
  tar -czf "$OUT/cuda-verify.tgz" -C "$O" .  # after every step: a call cut off at its limit still brings back what ran
  return $rc
}
TRAIN=("$APP/ortadapter" train --epochs "$EPOCHS" --seed 0)
step train-cpu 300 "${TRAIN[@]}" --run "$R/cpu" --device cpu
step train-cuda 300 "${TRAIN[@]}" --run "$R/cuda" --device cuda
step train-cuda-tf32 300 "${TRAIN[@]}" --run "$R/cuda-tf32" --device cuda --cuda-tf32 on
step train-cpu-accum 300 "${TRAIN[@]}" --run "$R/cpu-accum" --device cpu --grad-accum 2 --batch-size 16
step train-cuda-accum 300 "${TRAIN[@]}" --run "$R/cuda-accum" --device cuda --grad-accum 2 --batch-size 16
cp "$R/cuda/metrics.jsonl" "$O/metrics-cuda.jsonl" 2>/dev/null; cp "$R/cpu/metrics.jsonl" "$O/metrics-cpu.jsonl" 2>/dev/null
cp "$R/cuda/curves.png" "$O/curves-cuda.png" 2>/dev/null
python3 - "$R" > "$O/compare.log" 2>&1 <<'EOF'
import json, sys
R = sys.argv[1]
def read(run):
    rows = [json.loads(l) for l in open(f"{R}/{run}/metrics.jsonl")]
    train = {r["step"]: r["values"] if "values" in r else r for r in rows if r.get("split") == "train"}
    other = {r.get("split"): r for r in rows if r.get("split") in ("dev", "test")}
    return train, other
for base, run in (("cpu", "cuda"), ("cpu", "cuda-tf32"), ("cpu-accum", "cuda-accum")):
    try: cpu, cpu_eval = read(base)
    except OSError as e: print(f"{base}: {e}"); continue
    try: gpu, gpu_eval = read(run)
    except OSError as e: print(f"{run}: {e}"); continue
    if set(gpu) != set(cpu): print(f"{run}: {len(gpu)} steps logged, cpu {len(cpu)}"); continue
    worst, at = 0.0, None
    for s, v in cpu.items():
        a, b = v["loss"], gpu[s]["loss"]
        rel = abs(a - b) / max(abs(a), 1e-12)
        if rel > worst: worst, at = rel, s
    print(f"{run} vs {base}: {len(gpu)} of {len(cpu)} steps; worst relative loss difference {worst:.2e} at step {at}; "
          f"step 1 loss {base} {cpu[1]['loss']:.6f} {run} {gpu[1]['loss']:.6f}")
    for split in ("dev", "test"):
        c, g = cpu_eval.get(split, {}), gpu_eval.get(split, {})
        cv, gv = c.get("values", c), g.get("values", g)
        print(f"  {split}: accuracy {base} {cv.get('accuracy')} {run} {gv.get('accuracy')}; loss {base} {cv.get('loss')} {run} {gv.get('loss')}")
EOF
SUMMARY+=("$(cat "$O/compare.log" | tr '\n' ' ' | cut -c1-900)")

head -40 data/sentiment-uci/test.jsonl > "$R/sentences.jsonl"
step predict-cuda 120 "$APP/ortadapter" predict "$R/cuda/model.onnx" --input "$R/sentences.jsonl" --jsonl --device cuda
step predict-cpu 120 "$APP/ortadapter" predict "$R/cuda/model.onnx" --input "$R/sentences.jsonl" --jsonl --device cpu
python3 - "$O" >> "$O/compare.log" 2>&1 <<'EOF'
import json, sys
O = sys.argv[1]
def rows(n): return [json.loads(l) for l in open(f"{O}/{n}.log") if l.startswith("{")]
a, b = rows("predict-cuda"), rows("predict-cpu")
diff = max((abs(x - y) for r, s in zip(a, b) for x, y in zip(r["prediction"]["probabilities"].values(), s["prediction"]["probabilities"].values())), default=float("nan"))
print(f"predict: {len(a)} rows on cuda, {len(b)} on cpu; labels equal {sum(r['prediction']['label'] == s['prediction']['label'] for r, s in zip(a, b))}; max |p_cuda - p_cpu| {diff:.2e}")
EOF
SUMMARY+=("$(tail -1 "$O/compare.log")")

step bench-cuda 300 "$APP/ortadapter" bench --device cuda --steps "$STEPS"
step bench-cuda-tf32 240 "$APP/ortadapter" bench --device cuda --cuda-tf32 on --steps "$STEPS"
step bench-profile 240 "$APP/ortadapter" bench --device cuda --steps 5 --profile "$R/prof"
step bench-cuda-b128 240 "$APP/ortadapter" bench --device cuda --steps 10 --batch-size 128
cp "$(ls "$R"/prof-train*.json 2>/dev/null | head -1)" "$O/profile-train.json" 2>/dev/null
cp "$(ls "$R"/prof-masks*.json 2>/dev/null | head -1)" "$O/profile-masks.json" 2>/dev/null
if [ -f "$PEER" ]; then
  step peer-eager-tf32off 120 python3 "$PEER" --tf32 off
  step peer-eager-tf32on 120 python3 "$PEER" --tf32 on
  step peer-compile-tf32off 300 python3 "$PEER" --compile --tf32 off
  step peer-compile-tf32on 300 python3 "$PEER" --compile --tf32 on
  step peer-eager-tf32off-b128 120 python3 "$PEER" --tf32 off --batch 128
fi
nvidia-smi --query-gpu=name,driver_version,memory.used --format=csv,noheader > "$O/gpu.log" 2>&1
echo "==== CUDA VERIFY SUMMARY ($(date -u +%H:%M:%S), $(head -1 "$O/gpu.log"))"
for s in "${SUMMARY[@]}"; do echo "  $s"; done
for f in bench-cuda bench-cuda-tf32 bench-cuda-b128; do echo "== $f"; grep -E 'samples_per_s|gflop|host_to_device|device ' "$O/$f.log"; done
for f in "$O"/peer-*.log; do [ -f "$f" ] && echo "== $(basename "$f" .log): $(grep samples_per_s "$f")"; done
tar -czf "$OUT/cuda-verify.tgz" -C "$O" . && echo "results: cuda-verify.tgz ($(stat -c %s "$OUT/cuda-verify.tgz") bytes)"
