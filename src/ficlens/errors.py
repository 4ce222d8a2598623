"""Errors a user sees as one line: the file and what is wrong with it, never a traceback."""

from __future__ import annotations


class FiclensError(Exception):
    """Base class for problems ficlens reports to the user in one line."""


class InputError(FiclensError):
    """The input cannot be read as a story (missing, empty, binary, malformed...)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
