"""Records in: ingest (rows, write, finish, shares), the registry's own masking guard, what a
scan run changed and the alerts it raises.  Never imports the web layer."""
