"""The catalogue as objects (the model) and the repository's configuration (.powerctl.yaml)."""
