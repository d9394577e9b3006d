class SaisieRefusee(Exception):
    """Input the record cannot take; the message is French and says what to fix."""
