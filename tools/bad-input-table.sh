#!/bin/bash
# The bad-input and data-loss cases of the robustness review, run against the built CLI (outside the clone, as a
# user's folder is): prints a markdown table case | exit code | first error line or result. Build first:
# dotnet build src/OrtAdapter.Cli -c Release. ORTADAPTER overrides the command; takes about 30 s.
R=$(cd "$(dirname "$0")/.." && pwd)
C=${ORTADAPTER:-"dotnet $R/src/OrtAdapter.Cli/bin/Release/net10.0/ortadapter.dll"}
W=$(mktemp -d /tmp/ortadapter-bad-input.XXXX); trap 'rm -rf "$W"' EXIT; cd "$W"
export XDG_CACHE_HOME=$W/.cache
BM=$R/graphs/bert-mini-uncased/default
head -48 $R/data/sentiment-uci/train.jsonl > train.jsonl; head -16 $R/data/sentiment-uci/dev.jsonl > dev.jsonl
A="--artifacts $BM --test dev.jsonl --batch-size 8 --threads 1"; T="$A --train train.jsonl --dev dev.jsonl --max-length 32"
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$(echo "$3" | tr '\n' ' ' | sed 's/|/\\|/g' | cut -c1-230)"; }
run() { local name=$1; shift; out=$("$@" 2>&1); rc=$?; row "$name" $rc "$(echo "$out" | grep -m1 '^error:' || echo "$out" | tail -1)"; }
echo "| case | exit | first error line / result |"; echo "|---|---|---|"
mkdir -p photos-dir/photos; echo notes > photos-dir/notes.txt
run "build --out DIR holding notes.txt and photos/" $C build --base $R/graphs/bert-mini-uncased/model_opset17.onnx --out photos-dir
row "... DIR afterwards" - "$(ls photos-dir | tr '\n' ' ')"
run "build with no --out" $C build --base $R/graphs/bert-mini-uncased/model_opset17.onnx
row "... wrote" - "$(ls -d .cache/ortadapter/artifacts/build 2>/dev/null); tracked graphs/ changed: $(cd $R && git status --short graphs | wc -l) files"
$C train $T --epochs 1 --run done >/dev/null 2>&1; before=$(find done -type f | sort | xargs sha256sum | sha256sum)
run "train --run FINISHED (no --resume)" $C train $T --epochs 1 --run done
run "train --run FINISHED --resume --device foo" $C train $T --epochs 1 --run done --resume --device foo
row "... finished run afterwards" - "$( [ "$before" = "$(find done -type f | sort | xargs sha256sum | sha256sum)" ] && echo 'byte-identical' || echo CHANGED)"
cp -r done nolast; rm -rf nolast/checkpoint-last
run "--resume with checkpoint-last deleted" $C train $T --epochs 1 --run nolast --resume
run "--resume without --run" $C train $T --resume
$C train $T --epochs 1 > a.log 2>&1 & $C train $T --epochs 1 > b.log 2>&1; wait
row "two train runs started together" - "$(grep -h '^run ' a.log b.log | cut -d: -f1 | tr '\n' ' ')"
mkdir -p fwbase && cp $R/graphs/bert-mini-uncased/{model_opset17.onnx,vocab.txt,config.json,tokenizer_config.json} fwbase/ && $C build --base fwbase/model_opset17.onnx --out art > /dev/null 2>&1; dd if=/dev/zero of=art/frozen_weights.bin bs=1M count=2 seek=1 conv=notrunc 2>/dev/null
out=$($C train --artifacts art --train train.jsonl --dev dev.jsonl --test dev.jsonl --batch-size 8 --max-length 32 --threads 1 --epochs 1 --run fw 2>&1); row "frozen_weights.bin zeroed (same size)" $? "$(echo "$out" | grep -m1 'damaged') / $(echo "$out" | grep -m1 '^run ')"
printf 'text\tlabel\n' > q.tsv; for i in $(seq 1 100); do printf 'row %d is fine\t%s\n' $i $( [ $((i%2)) = 0 ] && echo negative || echo positive) >> q.tsv; done; sed -i '5s/^/"/' q.tsv
run "TSV with a stray leading quote (--skip-bad-rows)" $C train $A --dev dev.jsonl --max-length 32 --train q.tsv --epochs 1 --skip-bad-rows --run tsv
row "... rows trained" - "$($C train $A --dev dev.jsonl --max-length 32 --train q.tsv --epochs 1 --skip-bad-rows --run tsv2 2>&1 | grep -m1 -o '[0-9]* train / [0-9]* dev')"
$C export done --out m.onnx >/dev/null 2>&1
run "export with an existing --out (no --overwrite)" $C export done --out m.onnx
mkdir -p moved && mv done moved/ && cp -r moved/done done
run "export of a run moved elsewhere" $C export moved/done --out moved.onnx
run "--lr 1e9 (divergence)" $C train $T --epochs 2 --lr 1e9 --run div
python3 -c "print('{\"text\": \"' + 'word ' * 900 + '\", \"label\": 1}')" > long.jsonl; cat train.jsonl >> long.jsonl
run "--max-length 1000 with a long text" $C train $A --dev dev.jsonl --train long.jsonl --max-length 1000 --epochs 1 --run ml
run "--max-length 100000" $C train $A --train train.jsonl --dev dev.jsonl --max-length 100000 --epochs 1 --run ml2
head -c 3000 /dev/urandom > bad.parquet; printf 'PAR1' | cat - bad.parquet > bad2.parquet; printf 'PAR1' >> bad2.parquet
run "corrupt Parquet" $C train $A --dev dev.jsonl --max-length 32 --train bad2.parquet --epochs 1 --run pq
printf 'not a model' > bad.onnx
run "predict on an unreadable .onnx" $C predict bad.onnx --input train.jsonl
run "--loss-weights a,b" $C train $T --loss-weights a,b
$C train $T --epochs 2 --run r --checkpoint-every 1 > /dev/null 2>&1 & sleep 6; kill -9 %1 2>/dev/null; wait
run "--resume with another --epochs" $C train $T --epochs 5 --checkpoint-every 1 --run r --resume
run "--resume with another --lr" $C train $T --epochs 2 --checkpoint-every 1 --lr 0.5 --run r --resume
run "--resume with another --seed" $C train $T --epochs 2 --checkpoint-every 1 --seed 9 --run r --resume
run "--artifacts with --reduction" $C train $T --reduction 8
run "--reduction 1000 on a 256-wide model" $C build --base $R/graphs/bert-mini-uncased/model_opset17.onnx --reduction 1000 --out red
for o in "--threads -5" "--grad-accum 0" "--eval-every -3" "--checkpoint-every -5" "--patience -1" "--batch-size 0" "--epochs 0" "--lr 0"; do run "$o" $C train --artifacts $BM $o; done
printf '{"text": "ok \xc3\x28 bad", "label": 1}\n' > u.jsonl; cat train.jsonl >> u.jsonl
run "invalid UTF-8 in data" $C train $A --dev dev.jsonl --max-length 32 --train u.jsonl --epochs 1 --run u
mkdir -p novocab && cp $R/graphs/bert-mini-uncased/model_opset17.onnx $R/graphs/bert-mini-uncased/config.json novocab/
run "build from a base folder without vocab.txt" $C build --base novocab/model_opset17.onnx --out nv
printf '{"text": "odd", "label": 3}\n' > dev3.jsonl; cat dev.jsonl >> dev3.jsonl
run "a label in dev but not in train" $C train $A --train train.jsonl --max-length 32 --dev dev3.jsonl --epochs 1 --run l3
run "a folder as --base" $C build --base $R/graphs --out fb
run "--base bert-mini-uncased outside a clone" $C build --base bert-mini-uncased --out bm
