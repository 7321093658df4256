class OperationFailed(Exception):
    """An expected failure of a backup or a restore, with a Swedish message for the operator.

    The commands turn it into a CommandError: a message and a non-zero exit, no traceback.
    """
