"""Pages of the record, one module per page family; one view per action. Each narrows the
request's actor to the record it acts on (``consentement.acces.sur_dossier``) and answers
404 for whatever the policy does not grant."""
