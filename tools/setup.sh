#!/usr/bin/env bash
# Installs what onnx-trainer and its tests need on a fresh Debian machine with the .NET SDK:
# Fashion-MNIST (Debian's dataset-fashion-mnist) and fonts for the plots. Safe to run again.
#   tools/setup.sh --gpu   also makes ./onnx-trainer build with the GPU switch (-p:OnnxTrainerGpu=true: ONNX Runtime's
#                          CUDA package, which needs an NVIDIA GPU, CUDA 13 and cuDNN 9 on the machine)
#   tools/setup.sh --cpu   back to the CPU build (the default)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
marker="$root/.onnx-trainer-gpu" # read by ./onnx-trainer
case "${1:-}" in
  "") ;;
  --gpu)
    touch "$marker"
    echo "setup: ./onnx-trainer now builds with the GPU switch (-p:OnnxTrainerGpu=true); tools/setup.sh --cpu goes back." >&2
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 ||
      echo "setup: no GPU found (nvidia-smi); --device cuda will say what is missing." >&2 ;;
  --cpu)
    rm -f "$marker"
    echo "setup: ./onnx-trainer now builds for the CPU (the default)." >&2 ;;
  *) echo "error: tools/setup.sh takes --gpu, --cpu or nothing; got '$1'." >&2; exit 2 ;;
esac
need=()
[ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
[ -n "$(ls /usr/share/fonts/truetype/dejavu 2>/dev/null)" ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  echo "setup: installing ${need[*]}" >&2
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
