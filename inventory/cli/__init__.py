"""The ``inventory`` command: :mod:`.main` is the group; each sibling module adds its commands
(``COMMANDS``) and never imports :mod:`.main`.  The top layer: it may start the web app."""
