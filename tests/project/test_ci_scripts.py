"""The CI entry point on a fresh machine: apt-get waits for a lock held by another process."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APT_GET_WAIT = ROOT / ".ci" / "apt-get-wait"
LOCKED = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 2770 (apt-get)"


def _fake_apt_get(tmp_path, *, locked_times, final_status=0, final_output="ok"):
    """An apt-get on PATH that reports a held lock `locked_times` times, then answers."""
    (tmp_path / "count").write_text("0")
    script = tmp_path / "bin" / "apt-get"
    script.parent.mkdir()
    script.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$@" >> {tmp_path}/calls\n'
        f"n=$(cat {tmp_path}/count); echo $((n + 1)) > {tmp_path}/count\n"
        f'if [ "$n" -lt {locked_times} ]; then echo "{LOCKED}" >&2; exit 100; fi\n'
        f'echo "{final_output}"; exit {final_status}\n'
    )
    script.chmod(0o755)
    return script.parent


def _run(tmp_path, bindir, **env):
    return subprocess.run(  # noqa: S603  (our own script)
        [str(APT_GET_WAIT), "update", "-qq"],
        env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "APT_LOCK_RETRY_SECONDS": "0", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(autouse=True)
def _bash():
    if not Path("/bin/bash").exists():
        pytest.skip("the CI scripts are bash scripts")


def test_the_ci_waits_for_the_apt_lock_instead_of_failing(tmp_path):
    bindir = _fake_apt_get(tmp_path, locked_times=3)
    result = _run(tmp_path, bindir)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert len(calls) == 4
    assert all(c.startswith("-o DPkg::Lock::Timeout=600 update -qq") for c in calls)
    assert "verrou" in result.stderr


def test_the_wait_has_a_deadline(tmp_path):
    bindir = _fake_apt_get(tmp_path, locked_times=10**6)
    result = _run(tmp_path, bindir, APT_LOCK_WAIT_SECONDS="1", APT_LOCK_RETRY_SECONDS="0.2")
    assert result.returncode == 100 and LOCKED in result.stderr


def test_another_apt_error_fails_at_once(tmp_path):
    bindir = _fake_apt_get(
        tmp_path, locked_times=0, final_status=100, final_output="E: Unable to locate package"
    )
    result = _run(tmp_path, bindir)
    assert result.returncode == 100 and "Unable to locate package" in result.stderr
    assert len((tmp_path / "calls").read_text().splitlines()) == 1


def test_the_ci_entry_point_installs_through_the_waiting_apt_get():
    run = (ROOT / ".ci" / "run").read_text()
    apt_lines = [
        line.strip() for line in run.splitlines() if "apt-get" in line and not line.strip().startswith("#")
    ]
    assert apt_lines and all(".ci/apt-get-wait" in line for line in apt_lines)
