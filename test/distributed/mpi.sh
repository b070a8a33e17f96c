#!/usr/bin/env bash
# Distributed run under Open MPI: every parallel stage with `mpirun -n 3 … --shard auto`,
# `mosaic check` between stages, result byte-identical to the serial `mosaic build`; then a
# failed task (MOSAIC_FAIL_TASK), the barrier refusing to go on, and a resume that reruns
# only the failed and downstream tasks. Needs `mpirun` (Debian: openmpi-bin).
source "$(dirname "$0")/common.sh"
command -v mpirun >/dev/null || skip "mpirun not found (apt-get install openmpi-bin)"
NP=${NP:-3}
MPI=(mpirun -n "$NP" --oversubscribe)
[ "$(id -u)" = 0 ] && MPI+=(--allow-run-as-root)
W="$(mktemp -d /tmp/mosaic-mpi.XXXXXX)"
trap 'rm -rf "$W"' EXIT
setup_data "$W"
RUN="$W/run"

stages() { # run every stage from $1 on, checking after each
  local from="$1" go=0
  for s in project difffit bgmodel background coadd assemble; do
    [ "$s" = "$from" ] && go=1
    [ $go = 1 ] || continue
    local t0=$(date +%s%N)
    case $s in
      bgmodel|assemble) mosaic run $s --run "$RUN" -q ;;
      *) "${MPI[@]}" "${MOSAIC[@]}" run $s --run "$RUN" --shard auto -q 2> >(grep -v 'native addon' >&2) ;;
    esac
    mosaic check $s --run "$RUN" -q >/dev/null || fail "check $s"
    log "$s: $(secs $t0) s"
  done
}

mosaic plan "$W/sim/raw" --run "$RUN" --template "$W/sim/truth.hdr" --tile-rows 100 -q
t0=$(date +%s%N)
stages project > "$W/stages.log"
log "distributed run, $NP ranks: $(secs $t0) s"
# every rank reported its own shard
for i in $(seq 0 $((NP - 1))); do grep -q "stage=\"project\", shard=\"$i/$NP\"" "$W/stages.log" || fail "no project shard $i/$NP"; done
same_mosaic "$RUN" "$W"

# Fault injection: background:2 fails; the barrier stops; resuming reruns only what is needed.
# Removing its output, the tiles and the mosaic puts the run back to "background:2 not yet run,
# nothing downstream run", with every other task done.
log "fault injection: MOSAIC_FAIL_TASK=background:2"
rm -f "$RUN"/corrected/000002.* "$RUN"/tiles/* "$RUN"/mosaic*
before="$(sidecar_ids "$RUN")"
if MOSAIC_FAIL_TASK=background:2 "${MPI[@]}" -x MOSAIC_FAIL_TASK "${MOSAIC[@]}" run background --run "$RUN" --shard auto -q > "$W/fail.log" 2>&1; then
  fail "mpirun should fail when a task fails"
fi
grep -q 'background:2' "$W/fail.log" || fail "the failure does not name background:2"
if out="$(mosaic check background --run "$RUN")"; then fail "check background should fail"; fi
echo "$out" | grep -q 'missing background:2' || fail "check does not list background:2: $out"
if mosaic run coadd --run "$RUN" --shard 0/1 -q >/dev/null 2>&1; then fail "coadd must refuse to start"; fi
stages background > "$W/resume.log"
after="$(sidecar_ids "$RUN")"
rerun="$(changed_tasks "$before" "$after" | tr '\n' ' ')"
log "tasks rerun: $rerun"
expected="corrected/000002.done.json mosaic.done.json $(for t in $(seq 0 10); do printf 'tiles/%06d.done.json ' $t; done)"
[ "$(echo $rerun | tr ' ' '\n' | sort | tr '\n' ' ')" = "$(echo $expected | tr ' ' '\n' | sort | tr '\n' ' ')" ] || fail "rerun $rerun, expected $expected"
same_mosaic "$RUN" "$W"
log "PASS mpi"
