"""Accounts without the web: the password policy, sign-in limits and sessions the server can end."""
