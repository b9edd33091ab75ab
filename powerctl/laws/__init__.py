"""Laws: the built-in and local registries of facts, the corpus index, citation parsing and checking."""
