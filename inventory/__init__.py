"""Registry: the inventory of personal-data assets and home-made business apps."""
