: # tui
