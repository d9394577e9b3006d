"""The cache: Django's Redis cache, behind the Redis breaker (espace_sante.lib.disjoncteur).

When Redis does not answer, a read is a miss and a write does nothing: every caller
already falls back on PostgreSQL, the truth. Only a counter cannot be faked: ``incr``
raises ``CacheIndisponible`` (the API's rate limit then refuses with a 503, failing
closed), and ``add`` answers False (not added: a lock taken through the cache is never
granted twice).
"""

from __future__ import annotations

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from espace_sante.lib import disjoncteur


class CacheIndisponible(Exception):
    """The cache cannot count now."""


class CacheRedisTolerant(RedisCache):
    def __init__(self, server, params):
        options = {**disjoncteur.options_connexion(), **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._disjoncteur = disjoncteur.pour(self._servers[0])

    def _essayer(self, repli, appel, *args, **kwargs):
        try:
            return disjoncteur.passer(self._disjoncteur, lambda: appel(*args, **kwargs))
        except disjoncteur.Indisponible:
            return repli

    def get(self, key, default=None, version=None):
        return self._essayer(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._essayer({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._essayer(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._essayer(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._essayer(list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._essayer(False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._essayer(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._essayer(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._essayer(None, super().delete_many, keys, version)

    def clear(self):
        return self._essayer(False, super().clear)

    def incr(self, key, delta=1, version=None):
        appel = super().incr
        try:
            return disjoncteur.passer(self._disjoncteur, lambda: appel(key, delta, version))
        except disjoncteur.Indisponible as erreur:
            raise CacheIndisponible(str(erreur)) from None
