"""Reading a catalogue: YAML with positions, typing mistakes, the schema check."""
