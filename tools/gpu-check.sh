#!/usr/bin/env bash
# tools/gpu-check.sh: on a machine with an NVIDIA GPU, builds onnx-trainer with the GPU switch (into artifacts/gpu-check,
# leaving the usual build alone) and compares CPU against CUDA: forward outputs of the zoo models, one train step of
# mnist-convnet and of VGG16 frozen + dense256, Grad-CAM, and the bench workloads' throughput. One PASS/FAIL line per
# check with its numbers; exit code 1 when a check fails. On a machine without a GPU it says so and exits 0.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v nvidia-smi >/dev/null 2>&1 || ! gpus="$(nvidia-smi -L 2>/dev/null)" || [[ -z "$gpus" ]]; then
    echo "gpu-check: no GPU here (nvidia-smi is missing or lists no device); nothing to check."
    exit 0
fi
echo "gpu-check: $gpus"
out="$root/artifacts/gpu-check"
if ! log="$(dotnet build "$root/tools/OnnxTrainer.Cli" -c Release -p:OnnxTrainerGpu=true -o "$out" -v q --nologo 2>&1)"; then
    printf '%s\n' "$log" >&2
    echo "error: building tools/OnnxTrainer.Cli with -p:OnnxTrainerGpu=true failed (see above)" >&2
    exit 1
fi
exec dotnet "$out/onnx-trainer.dll" gpu-check --device cuda "$@"
