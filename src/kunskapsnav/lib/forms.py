"""Domain errors onto forms, for the thin views of every app."""

from django.core.exceptions import ValidationError


def attach_errors(form, error: ValidationError) -> None:
    """Put the domain's errors on the form's fields where the form has them, the rest on the
    form as a whole."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def error_text(form) -> str:
    """A bound form's errors as one sentence, for a message after a redirect."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
