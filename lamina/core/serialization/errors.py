"""The errors loading raises. All are ValueErrors, so `except ValueError` catches them."""


class SavingError(ValueError):
    """Base of lamina's saving and loading errors."""


class InvalidFileError(SavingError):
    """The file is not a valid model/weights file: truncated, corrupted or of another format."""


class UnsafeContentError(SavingError):
    """The file asks for something safe loading refuses (code, path traversal, oversized data)."""


class UnknownObjectError(SavingError):
    """A config names a class or function that is neither lamina's nor registered by the user."""


class WeightsMismatchError(SavingError):
    """The stored weights do not fit the model (another architecture, or a damaged file)."""
