"""The agenda: who sees, adds, proposes or cancels an appointment (filled with agenda)."""
