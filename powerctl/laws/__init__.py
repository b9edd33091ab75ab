"""Law registry: the built-in facts shipped with powerctl (and, later, local registries and a corpus index)."""
