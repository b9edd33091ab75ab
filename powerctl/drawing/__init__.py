"""Drawing: sheets of DOT to SVG, PNG and PDF (Graphviz, cairo, the PDF writer). Imports nothing of the domain."""
