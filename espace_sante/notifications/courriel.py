"""The SMTP backend of notifications: a total deadline on connecting and on each send.

``EMAIL_TIMEOUT`` bounds each socket operation, not a send: a server that answers a
byte every few seconds keeps a send going for ever, past the lease of its notification
(NOTIFICATIONS_BAIL_SECONDES, 120 s), which the sweep would then claim and send a second
time. Here opening the connection (greeting, STARTTLS, login) and each send that have not
finished after ``delai_envoi`` seconds (EMAIL_DELAI_ENVOI, default 45) have their socket
shut down: they fail, the connection is dropped, and the notification is retried later.
A claimed notification's send thus lasts at most EMAIL_TIMEOUT (the TCP connect, 15 s)
+ 2 × 45 s = 105 s, within the lease.
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

from django.core.mail.backends import smtp

DELAI_ENVOI = 40  # seconds: EMAIL_DELAI_ENVOI's default


class EmailBackend(smtp.EmailBackend):
    def __init__(self, *args, delai_envoi: float = DELAI_ENVOI, **kwargs):
        super().__init__(*args, **kwargs)
        self.delai_envoi = delai_envoi

    def _couper(self) -> None:
        for connexion in (self.connection, self._partial_connection):
            sock = getattr(connexion, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    @contextmanager
    def _dans_le_delai(self):
        minuteur = threading.Timer(self.delai_envoi, self._couper)
        minuteur.daemon = True
        minuteur.start()
        try:
            yield
        except OSError:
            if not minuteur.is_alive():  # cut at the deadline: this connection is unusable
                self.connection = None
            raise
        finally:
            minuteur.cancel()

    def open(self):
        with self._dans_le_delai():
            return super().open()

    def send_messages(self, email_messages):
        with self._dans_le_delai():
            return super().send_messages(email_messages)
