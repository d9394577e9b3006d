"""Models of this app arrive with its issue; every health table will carry its profile id."""
