"""Documents made from the model: spreadsheets and, later, the 一表 and 一件 of the bundle."""
