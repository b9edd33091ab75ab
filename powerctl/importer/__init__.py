"""`powerctl import`: an office's Excel, CSV and Word tables read into catalogue YAML.

sheets.py reads a file into tables of cells with their positions; columns.py finds the header and what each
column holds; text.py reads citations and time limits out of free text; build.py turns rows into units and
powers, reporting every cell it could not map; write.py writes the YAML.
"""
