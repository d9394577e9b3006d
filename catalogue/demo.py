def peupler(sender, *, comptes, profils, ecrire, **kwargs):
    return None
