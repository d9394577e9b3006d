"""Secure messaging: who reads, writes, closes a conversation (filled with messagerie)."""
