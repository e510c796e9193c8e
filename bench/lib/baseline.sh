# Sourced by the bench scripts that measure this revision beside another one (BASELINE=REV), after ROOT is set.
#
# baseline_build REV: checks REV out into a temporary worktree, removed when the script exits, and builds it there
# (Maven, offline, without tests: bin/setup has fetched what it needs); sets BASELINE_REV (the short hash) and
# BASELINE_TREE (the worktree, whose bin/gossip-mpi runs REV's build).
baseline_build() {
    BASELINE_REV=$(git -C "$ROOT" rev-parse --short "$1^{commit}" 2>/dev/null) || {
        echo "$(basename "$0"): BASELINE=$1 is not a revision of this repository" >&2
        exit 2
    }
    BASELINE_TREE=$(mktemp -d)
    trap 'git -C "$ROOT" worktree remove --force "$BASELINE_TREE" >/dev/null 2>&1 || true' EXIT
    git -C "$ROOT" worktree add --detach "$BASELINE_TREE" "$BASELINE_REV" >/dev/null 2>&1
    (cd "$BASELINE_TREE" && mvn -q -o package -DskipTests >/dev/null)
}
