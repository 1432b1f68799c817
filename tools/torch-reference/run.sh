#!/usr/bin/env bash
# Builds the libtorch reference trainer and runs it in a minimal Debian trixie root: libtorch 2.10 needs a newer C++
# runtime (GLIBCXX_3.4.32) than Debian 12's. The root is made once with debootstrap from this machine's Debian mirror
# (under a minute, ~300 MB in /tmp), as ../shared/bench/libtorch-peer does. Needs root (chroot, mount).
# Usage: run.sh ARTIFACTS BASE_MODEL DATA_DIR SEED same|own OUT.jsonl [EPOCHS=10] [MAX_STEPS]   (see Program.cs)
# Inside the root the inputs are bound read-only; the only writable folder is a fresh scratch one, and OUT.jsonl is
# moved out of it when the run ends (written to OUT.jsonl.tmp, then renamed: an existing OUT.jsonl is replaced whole).
set -eu
[ $# -ge 6 ] || { sed -n 5p "$0" | sed 's/^# //' >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
for f in "$1/manifest.json" "$2" "$3/train.jsonl"; do [ -f "$f" ] || { echo "torch-reference: no file '$f'" >&2; exit 2; }; done
artifacts=$(realpath "$1"); base=$(realpath "$2"); data=$(realpath "$3"); out_file=$6
[ -d "$(dirname "$out_file")" ] || { echo "torch-reference: the folder of '$out_file' does not exist" >&2; exit 2; }
R=${PEER_ROOT:-/tmp/libtorch-peer-root}
if ! [ -e "$R/usr/lib/x86_64-linux-gnu/libgomp.so.1" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  debootstrap --variant=minbase --include=libstdc++6,libgomp1,libicu76 trixie "$R" "$mirror" >/tmp/torch-reference-debootstrap.log
fi
build=$(mktemp -d /tmp/torch-reference-build.XXXXXX); scratch=$(mktemp -d /tmp/torch-reference-scratch.XXXXXX)
dotnet build "$here/TorchReference.csproj" -c Release -nologo -v q -o "$build" >"$build.log" || { tail -5 "$build.log"; exit 1; }
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")"); pkgs=$(realpath "${NUGET_PACKAGES:-$HOME/.nuget/packages}")
mounts=()
trap 'for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done; rm -rf "$build" "$build.log" "$scratch"' EXIT
bind() { # bind DIR at the same path inside the root (read-only unless $2 = rw); a folder inside one bound already is skipped
  for m in "${mounts[@]}"; do case "$1/" in "${m#"$R"}"/*) return;; esac; done
  mkdir -p "$R$1"; mount --bind "$1" "$R$1"; mounts=("$R$1" "${mounts[@]}")
  [ "${2:-ro}" = rw ] || mount -o remount,bind,ro "$R$1"
}
for dir in "$dotnet_root" "$pkgs" "$build" "$artifacts" "$(dirname "$base")" "$data"; do bind "$dir"; done
bind "$scratch" rw
mkdir -p "$R/proc"; mountpoint -q "$R/proc" || { mount -t proc proc "$R/proc"; mounts=("$R/proc" "${mounts[@]}"); }
chroot "$R" /usr/bin/env HOME=/tmp DOTNET_CLI_HOME=/tmp "$dotnet_root/dotnet" "$build/TorchReference.dll" \
  "$artifacts" "$base" "$data" "$4" "$5" "$scratch/out.jsonl" "${@:7}"
cp "$scratch/out.jsonl" "$out_file.tmp" && mv "$out_file.tmp" "$out_file"
