"""Pages of secure messaging: the inboxes, a conversation, its attachments, writing."""
