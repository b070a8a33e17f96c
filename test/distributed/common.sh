# Shared by the distributed test scripts: repo paths, the mosaic command, a small simulated
# data set and its serial reference mosaic (mosaic build with the same template).
# Usage: source test/distributed/common.sh; setup_data WORKDIR
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# MOSAIC_PKG: an installed package folder to test instead of this checkout (default: the repo).
PKG="${MOSAIC_PKG:-$REPO}"
MOSAIC=(node "$PKG/bin/mosaic.js")

# secs T0: seconds since T0 (from $(date +%s%N)), to 0.1 s.
secs() { local ms=$(( ($(date +%s%N) - $1) / 1000000 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
log() { printf '== %s\n' "$*" >&2; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
skip() { printf 'SKIP: %s\n' "$*" >&2; exit 0; }

# mosaic with its status line on stdout and the native-addon notice filtered from stderr.
mosaic() { "${MOSAIC[@]}" "$@" 2> >(grep -v 'native addon unavailable' >&2); }

# setup_data DIR: DIR/sim (6 frames, seed 3), DIR/serial.fits (+ _area) from mosaic build.
setup_data() {
  local dir="$1"
  [ -f "$PKG/dist/cli/main.js" ] || fail "dist/ is missing; run 'npm run build' first"
  mosaic simulate "$dir/sim" --size small --seed 3 -q >/dev/null
  local t0=$(date +%s%N)
  mosaic build "$dir/sim/raw" -o "$dir/serial.fits" --template "$dir/sim/truth.hdr" --json -q > "$dir/serial.json"
  log "serial build: $(cat "$dir/serial.json") ($(secs $t0) s)"
}

# same_mosaic RUN DIR: RUN/mosaic.fits and its area byte-identical to DIR/serial*.fits.
same_mosaic() {
  cmp "$1/mosaic.fits" "$2/serial.fits" || fail "mosaic.fits differs from the serial build"
  cmp "$1/mosaic_area.fits" "$2/serial_area.fits" || fail "mosaic_area.fits differs from the serial build"
  log "byte-identical to the serial build: mosaic.fits ($(stat -c %s "$1/mosaic.fits") bytes) and mosaic_area.fits"
}

# sidecar_ids RUN: "path inode" of every task record (a rewritten record gets a new inode).
sidecar_ids() { find "$1" -name '*.done.json' -printf '%P %i\n' | sort; }

# changed_tasks BEFORE AFTER: the task records rewritten between two sidecar_ids listings.
changed_tasks() { comm -13 <(printf '%s\n' "$1") <(printf '%s\n' "$2") | awk '{print $1}'; }
