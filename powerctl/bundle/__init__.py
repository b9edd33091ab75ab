"""The four ones (四个一) of each unit, built in named stages, and the records that let a rebuild reuse them."""
