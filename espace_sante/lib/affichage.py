"""Small display helpers shared by the apps."""


def masquer_email(email: str) -> str:
    """ "c••••@exemple.fr": enough for a person to recognise their address, not to learn it."""
    nom, _, domaine = email.partition("@")
    return f"{nom[:1]}{'•' * max(len(nom) - 1, 2)}@{domaine}"
