"""The two errors of gankit.data; their messages say how to fix what went wrong."""


class DatasetError(ValueError):
    """A dataset request gankit cannot satisfy; the message says how to fix it."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """No copy of a dataset was found in any place gankit looks, and it could not be downloaded."""
