"""consentement's own features, which no other app imports: the lifecycle of a profile
(``cycle``: codes, states, erasure), the periodic sweeps (``balayages``), account-creation
batches (``lots``), notices (``avis``), identification by the notice (``identification``),
France services accompaniment (``accompagnement``), contact details (``coordonnees``) and
decision receipts (``recus``).

They stand on the policy face (``consentement.acces``: the actor, the rules, the ledger,
the person's choices) and never the other way round.
"""
