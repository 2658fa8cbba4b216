"""The query pipeline: a prompt is parsed, its program retrieved, the program executed."""
