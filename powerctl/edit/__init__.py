"""Writing back into catalogues with ruamel.yaml's round trip (comments kept): powerctl fix."""
