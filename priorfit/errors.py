"""The one exception type for bad user input."""


class InputError(ValueError):
    """Bad input, explained in one sentence that names the value and what is allowed.

    The CLI prints the message and exits with status 2, without a traceback.
    """
