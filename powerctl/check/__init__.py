"""The check: rules run over the model (engine), findings (report), catalogues at git refs."""
