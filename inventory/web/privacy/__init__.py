"""The privacy office's pages: campaigns, reminders, acceptance of declarations."""
