#!/usr/bin/env bash
# Distributed run on a one-node Slurm cluster this script starts (scripts/slurm-cluster.sh) and
# stops: `mosaic slurm submit --shards 3`, result byte-identical to the serial build; then a run
# where project:3 fails (MOSAIC_FAIL_TASK), the downstream jobs are cancelled
# (--kill-on-invalid-dep), and resubmitting reruns only project:3 and what follows.
# Needs root and Debian slurmctld slurmd slurm-client munge.
source "$(dirname "$0")/common.sh"
for b in slurmctld slurmd sbatch munged; do command -v $b >/dev/null || skip "$b not found (apt-get install slurmctld slurmd slurm-client munge)"; done
[ "$(id -u)" = 0 ] || skip "the one-node Slurm cluster needs root"
W="$(mktemp -d /tmp/mosaic-slurm.XXXXXX)"
chmod 755 "$W"
CLUSTER="$W/cluster"
cleanup() { "$REPO/scripts/slurm-cluster.sh" stop "$CLUSTER" || true; rm -rf "$W"; }
trap cleanup EXIT
"$REPO/scripts/slurm-cluster.sh" start "$CLUSTER"
export SLURM_CONF="$CLUSTER/slurm.conf"
setup_data "$W"

wait_idle() { # until no job is queued or running (at most $1 s)
  for _ in $(seq $(( $1 * 2 ))); do [ -z "$(squeue -h 2>/dev/null)" ] && return 0; sleep 0.5; done
  squeue >&2; fail "jobs still queued after $1 s"
}
job_of() { echo "$1" | grep -o "\"$2:[0-9]*\|$2:[0-9]*" | head -1 | cut -d: -f2; }

# 1. A clean run.
RUN="$W/run"
mosaic plan "$W/sim/raw" --run "$RUN" --template "$W/sim/truth.hdr" --tile-rows 100 -q >/dev/null
t0=$(date +%s%N)
out="$(mosaic slurm submit --run "$RUN" --shards 3 -q)"
log "submitted: $out"
wait_idle 300
log "slurm run, 3 shards: $(secs $t0) s (sbatch to last job done)"
ls "$RUN"/slurm/*.sbatch >/dev/null
grep -q -- '--array=0-2' "$RUN/slurm/project.sbatch" || fail "project is not a 3-element array"
mosaic check assemble --run "$RUN" -q >/dev/null || { tail -n 20 "$RUN"/slurm/logs/* >&2; fail "run incomplete"; }
same_mosaic "$RUN" "$W"
mosaic slurm submit --run "$RUN" --shards 3 -q | grep -q 'submitted=0' || fail "a complete run should submit nothing"

# 2. project:3 fails: the chain stops, downstream jobs are cancelled.
RUN2="$W/run2"
mosaic plan "$W/sim/raw" --run "$RUN2" --template "$W/sim/truth.hdr" --tile-rows 100 -q >/dev/null
out="$(MOSAIC_FAIL_TASK=project:3 mosaic slurm submit --run "$RUN2" --shards 3 -q)"
log "submitted with MOSAIC_FAIL_TASK=project:3: $out"
difffit_job="$(job_of "$out" difffit)"
assemble_job="$(job_of "$out" assemble)"
wait_idle 300
if mosaic check project --run "$RUN2" -q >/dev/null 2>&1; then fail "project should be incomplete"; fi
out="$(mosaic check project --run "$RUN2" 2>/dev/null || true)"
echo "$out" | grep -q 'missing project:3' || fail "check does not list project:3: $out"
for j in "$difffit_job" "$assemble_job"; do
  state="$(scontrol show job "$j" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || echo 'JobState=(gone)')"
  log "job $j: $state"
  [ "$state" = JobState=CANCELLED ] || fail "job $j should be cancelled, is $state"
done
[ -z "$(ls "$RUN2"/fits 2>/dev/null)" ] || fail "difffit ran although project failed"

# 3. Resubmit: only project:3 and the stages after project run again.
before="$(sidecar_ids "$RUN2")"
out="$(mosaic slurm submit --run "$RUN2" --shards 3 -q)"
log "resubmitted: $out"
wait_idle 300
after="$(sidecar_ids "$RUN2")"
rewritten_projects="$(changed_tasks "$before" "$after" | grep '^projected/' | tr '\n' ' ')"
log "project records rewritten on resume: $rewritten_projects"
[ "$rewritten_projects" = "projected/000003.done.json " ] || fail "expected only project:3 to rerun"
grep -h 'stage="project"' "$RUN2"/slurm/logs/project-* | sed 's/^/   /' >&2
mosaic check assemble --run "$RUN2" -q >/dev/null || fail "resumed run incomplete"
same_mosaic "$RUN2" "$W"
log "PASS slurm"
