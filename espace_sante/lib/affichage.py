"""Small display helpers shared by the apps."""

# The help line a person is given on every page that sends them to someone (the number of
# the national health space's help line, free service + price of a call).
ASSISTANCE_TELEPHONE = "3422"


def masquer_nir(nir: str) -> str:
    """ "1 80 03 ** *** *** 45": sex, birth year and month, and the key — enough for a person
    to recognise their number on a receipt, not to learn it (asterisks: the PDF fonts'
    Latin-1 has no bullet)."""
    chiffres = "".join(nir.split())
    if len(chiffres) < 15:
        return "*" * 15
    return f"{chiffres[0]} {chiffres[1:3]} {chiffres[3:5]} ** *** *** {chiffres[13:15]}"


def masquer_email(email: str) -> str:
    """ "c••••@exemple.fr": enough for a person to recognise their address, not to learn it."""
    nom, _, domaine = email.partition("@")
    return f"{nom[:1]}{'•' * max(len(nom) - 1, 2)}@{domaine}"
