#!/usr/bin/env bash
# Packs every package (tools/pack.sh), runs every test project (Release) and ends with one line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 1
bash tools/get-resnet18.sh >/dev/null || echo "test: ResNet18 could not be restored; the tests that need it will skip" >&2
# Every package into artifacts/feed first (also builds everything in Release): the packaging tests install the tool
# and build the build-time sample from it, once per run.
start=$SECONDS
feed=$(bash tools/pack.sh) || exit 1
echo "packed into $feed in $((SECONDS - start)) s"
export ONNXTRAINER_FEED="$feed"
log=$(mktemp)
switch=() # tools/setup.sh --gpu: the tests run on the GPU build too
[ -f .onnx-trainer-gpu ] && switch=(-p:OnnxTrainerGpu=true)
dotnet test OnnxTrainer.sln -c Release --nologo ${switch[@]+"${switch[@]}"} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
