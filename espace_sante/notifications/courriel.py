"""The SMTP backend of notifications: a total deadline on each send.

``EMAIL_TIMEOUT`` bounds each socket operation, not a send: a server that answers a
byte every few seconds keeps a send going for ever, past the lease of its notification
(NOTIFICATIONS_BAIL_SECONDES), which the sweep would then claim and send a second time.
Here a send that has not finished after ``delai_envoi`` seconds (EMAIL_DELAI_ENVOI,
default 60, half the lease) has its socket shut down: it fails, the connection is
dropped, and the notification is retried later like any refused send.
"""

from __future__ import annotations

import socket
import threading

from django.core.mail.backends import smtp


class EmailBackend(smtp.EmailBackend):
    def __init__(self, *args, delai_envoi: float = 60, **kwargs):
        super().__init__(*args, **kwargs)
        self.delai_envoi = delai_envoi

    def _couper(self) -> None:
        connexion = self.connection
        sock = getattr(connexion, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def send_messages(self, email_messages):
        minuteur = threading.Timer(self.delai_envoi, self._couper)
        minuteur.daemon = True
        minuteur.start()
        try:
            return super().send_messages(email_messages)
        except OSError:
            if not minuteur.is_alive():  # cut at the deadline: this connection is unusable
                self.connection = None
            raise
        finally:
            minuteur.cancel()
