"""``-n auto`` (pyproject's addopts) starts one worker per core, at most four."""

from __future__ import annotations

import pytest


def _auto_workers(config: pytest.Config) -> int:
    return int(config.hook.pytest_xdist_auto_num_workers(config=config))


@pytest.mark.parametrize(("cores", "workers"), [(1, 1), (2, 2), (4, 4), (64, 4)])
def test_auto_workers_follow_the_cores_up_to_four(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, cores: int, workers: int
) -> None:
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(cores)))
    assert _auto_workers(request.config) == workers


def test_the_environment_variable_still_sets_the_number(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "7")
    assert _auto_workers(request.config) == 7
