#!/usr/bin/env bash
# Gets ImageNet-pretrained ResNet18 (NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0, MIT) by a
# `dotnet restore` of tools/resnet18 (NuGet is the only source) and prints where the two model files are:
#   resnet18: <path of ResNet18.onnx>
#   preprocess: <path of ResNetPreprocess.onnx>
# It also writes those two lines to artifacts/resnet18.paths, where the tests look. Quick when already restored.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
project="$root/tools/resnet18/ResNet18Package.csproj"
assets="$root/tools/resnet18/obj/project.assets.json"
paths="$root/artifacts/resnet18.paths"
rel="microsoft.ml.dnnimagefeaturizer.resnet18/0.24.0/tools/DnnImageModels"

# The package folder the restore used (NUGET_PACKAGES or the default), as project.assets.json records it.
package_root() {
  [ -f "$assets" ] || return 1
  sed -n '/"packageFolders"/,/}/p' "$assets" | sed -n 's/^ *"\(.*\)": {}.*/\1/p' | head -n 1
}

found() {
  local dir
  dir="$(package_root)" || return 1
  [ -n "$dir" ] && [ -f "$dir/$rel/ResNet18Onnx/ResNet18.onnx" ] && [ -f "$dir/$rel/ResNetPrepOnnx/ResNetPreprocess.onnx" ]
}

if ! found; then
  dotnet restore "$project" --nologo -v q >&2 || { echo "error: restoring $project failed (see above)" >&2; exit 1; }
  found || { echo "error: the restore did not produce $rel/ResNet18Onnx/ResNet18.onnx" >&2; exit 1; }
fi
dir="$(package_root)"
dir="${dir%/}"
mkdir -p "$root/artifacts"
printf 'resnet18: %s\npreprocess: %s\n' "$dir/$rel/ResNet18Onnx/ResNet18.onnx" "$dir/$rel/ResNetPrepOnnx/ResNetPreprocess.onnx" | tee "$paths"
