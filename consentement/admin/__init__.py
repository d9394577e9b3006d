"""Admin of consentement. Nothing here shows health content or a NIR in clear. Decisions
are read-only: the only ways to add one go through the lifecycle (``cycle``): the
opposition form and the profile actions (opposition, closure, reopening received by post
or telephone)."""

from consentement.admin import acces, decisions, lots, profils  # noqa: F401  (registration)
