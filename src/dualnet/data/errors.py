"""Errors that tell the user which file is wrong and what to do about it."""


class DataError(Exception):
    """A dataset could not be used. The message says which file and the fix."""


class DataNotFoundError(DataError):
    """No copy of a dataset file was found anywhere we looked, and none could be downloaded."""


class DataCorruptError(DataError):
    """A dataset file was found but its content is not what it should be."""
