"""Pictures of the program space: the drawing and the `plot` / `map` commands."""
