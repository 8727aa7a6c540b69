#!/usr/bin/env bash
# Run the issue-10 bug tests against a checkout of COMMIT (default: 385f49e, the last commit before the
# issue-10 fixes) in a throwaway worktree, and print pytest's one-line failures. Usage, from the repo root:
#   bash docs/history/issue10_fail_before/run.sh [COMMIT] [WORKTREE]      (COMMIT=HEAD runs them on the fixed code)
set -u
COMMIT=${1:-385f49e}
WT=${2:-/tmp/lg-fail-before}
ROOT=$(git rev-parse --show-toplevel)
HERE="$ROOT/docs/history/issue10_fail_before"
git -C "$ROOT" worktree add --detach "$WT" "$COMMIT" >/dev/null
ln -s "$(readlink -f "$ROOT/.venv")" "$WT/.venv"
cp "$HERE"/test_fail_before_{units,decisions,new_application}.py "$WT/tests/pages/"
cp "$HERE"/test_fail_before_browser.py "$WT/tests/browser/"
# new tests that import nothing the old code lacks, run as they are
cp "$ROOT/tests/browser/test_browser_deps.py" "$WT/tests/browser/"
(cd "$WT" && nice -n 10 .venv/bin/python -m pytest -p no:cacheprovider -q -rfE --tb=line \
    tests/pages/test_fail_before_units.py tests/browser/test_browser_deps.py \
    tests/pages/test_fail_before_decisions.py tests/pages/test_fail_before_new_application.py \
    tests/browser/test_fail_before_browser.py "${@:3}")
status=$?
git -C "$ROOT" worktree remove --force "$WT"
exit $status
