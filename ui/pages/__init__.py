"""Page layouts: one module per page, each a function of plain data returning components."""
