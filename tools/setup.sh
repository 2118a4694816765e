#!/usr/bin/env bash
# Installs what onnx-trainer and its tests need on a fresh Debian machine with the .NET SDK:
# Fashion-MNIST (Debian's dataset-fashion-mnist) and fonts for the plots. Safe to run again.
set -euo pipefail
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
