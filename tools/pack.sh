#!/usr/bin/env bash
# Packs every package of the repository (the libraries, OnnxTrainer.Runtime, the OnnxTrainer.Cli tool and its
# per-platform packages, OnnxTrainer.Build) into artifacts/feed, a local folder feed; the version is the one in
# Directory.Build.props. Replaces what the folder held. Prints the feed's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
feed="$PWD/artifacts/feed"
rm -rf "$feed"
mkdir -p "$feed"
if ! log="$(dotnet pack OnnxTrainer.sln -c Release -o "$feed" --nologo 2>&1)"; then
    printf '%s\n' "$log" >&2
    echo "error: dotnet pack failed (see above)" >&2
    exit 1
fi
echo "$feed"
