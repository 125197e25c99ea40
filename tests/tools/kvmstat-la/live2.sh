: # more live cases
