"""consentement's pages: the person's choices (``choix``), the pages without an account
(``publiques``: opposition, activation) and France services (``mediateur``)."""
