"""progdb: a vector database of programs.

    from progdb import ProgramDB
"""
__version__ = "0.1.0"
__all__ = ["ProgramDB", "Program", "ProgdbError"]


def __getattr__(name):
    # Lazy, so `import progdb` (and `progdb list`) does not pull in chromadb or numpy early.
    if name == "ProgramDB":
        from progdb.db import ProgramDB

        return ProgramDB
    if name == "Program":
        from progdb.program import Program

        return Program
    if name == "ProgdbError":
        from progdb.errors import ProgdbError

        return ProgdbError
    raise AttributeError(name)
