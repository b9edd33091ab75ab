"""Drawing: sheets of DOT to SVG, PNG and PDF (Graphviz, cairo, pikepdf). Imports nothing of the domain."""
