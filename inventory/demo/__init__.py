"""The demo: a realistic, entirely fake municipal share with its ground truth."""
