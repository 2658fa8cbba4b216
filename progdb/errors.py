"""One error type for everything a user can cause; the CLI prints it as one line."""


class ProgdbError(Exception):
    """A problem with the user's input or database, worded for the user."""
