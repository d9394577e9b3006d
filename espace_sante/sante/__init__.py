"""Health of a web process and of what it depends on (``/sante/…``): see controles.py."""
