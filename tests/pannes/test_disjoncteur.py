"""Issue 19, point 1: a frozen Redis (SIGSTOP: connections accepted, nothing answers) costs
the cache and the broker's publish one short timeout, then nothing until the breaker's
period ends; when Redis answers again, both are used again with nobody's help.

The Redis is this test's own, frozen and killed here (never the suite's shared one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
import redis as redis_py
from django.conf import settings

from espace_sante.lib.cache import CacheIndisponible, CacheRedisTolerant
from tests.pannes.processus import RedisPrive, attendre


@pytest.fixture
def redis_prive(tmp_path):
    redis = RedisPrive(tmp_path)
    redis.demarrer()
    try:
        yield redis
    finally:
        redis.degeler()
        redis.arreter()


def _duree(fonction) -> float:
    debut = time.monotonic()
    fonction()
    return time.monotonic() - debut


def test_a_frozen_redis_is_a_cache_miss_at_once_and_the_cache_comes_back(redis_prive, settings):
    settings.REDIS_DISJONCTEUR_SECONDES = 1
    cache = CacheRedisTolerant(redis_prive.url, {})
    cache.set("compte", 41)
    assert cache.incr("compte") == 42

    redis_prive.geler()
    assert _duree(lambda: cache.get("compte")) < 3  # one timeout (0.3 s), not for ever
    assert cache.get("compte") is None

    def cent_requetes():
        for _ in range(100):
            assert cache.get("compte") is None
            cache.set("compte", 0)
            cache.delete_many(["compte"])

    assert _duree(cent_requetes) < 1.5  # the breaker is open: no call reaches Redis
    with pytest.raises(CacheIndisponible):  # a counter cannot be faked: its caller refuses
        cache.incr("compte")
    assert cache.add("verrou", 1) is False  # a lock is never granted without Redis

    redis_prive.degeler()
    attendre(lambda: cache.get("compte") == 42, delai=15, message="le cache n'est pas revenu")


SCRIPT = """
import json, sys, time
import django
django.setup()
from espace_sante.lib import taches
mesures = []
for _ in range(int(sys.argv[1])):
    debut = time.monotonic()
    publie = taches.publier("espace_sante.journal.tasks.point_de_controle")
    mesures.append([publie, time.monotonic() - debut])
print(json.dumps(mesures))
"""


def _publier(redis: RedisPrive, fois: int, **env_extra) -> list:
    """What a web process does when it hands work over, in a process whose broker is ours."""
    env = {**os.environ, "CELERY_BROKER_URL": redis.url, "REDIS_URL": redis.url, **env_extra}
    sortie = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(fois)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sortie.returncode == 0, sortie.stderr[-3000:]
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def test_a_frozen_broker_costs_one_publish_a_timeout_and_the_next_ones_nothing(redis_prive):
    assert all(publie for publie, _ in _publier(redis_prive, 2))
    client = redis_py.Redis(port=redis_prive.port, socket_timeout=5)
    assert client.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == 2

    redis_prive.geler()
    mesures = _publier(redis_prive, 20)
    assert not any(publie for publie, _ in mesures)  # left to the sweeps: the rows wait
    assert mesures[0][1] < 5  # a timeout, never a hang
    assert sum(duree for _, duree in mesures[1:]) < 1.5  # then skipped at once

    redis_prive.degeler()
    assert all(publie for publie, _ in _publier(redis_prive, 1))
