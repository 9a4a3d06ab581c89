"""Reader-facing messages (API errors, form outcomes) in the request's language.

The API's ``error`` code never changes with the language; its ``message`` is translated
here, in the one place every error body and flash message passes. A message is looked up
as written (its English text is the msgid, so fixed messages translate exactly); one with
values in it (an id, a number of seconds) that the catalogue cannot know falls back to the
code's general wording below in that language, and to the English text when even that has
no translation: never an error for a missing string.
"""

from __future__ import annotations

from pollserver.domain.catalogues import SOURCE_LANG
from pollserver.web.locale import current_lang, gettext

__all__ = ["FORM_OUTCOMES", "GENERAL", "localized"]


def _(text: str) -> str:
    """Mark a string for extraction; translated when used."""
    return text


#: Each error code's general wording, for messages the catalogue has no entry for.
GENERAL: dict[str, str] = {
    "bad_request": _("The request could not be handled; check what was sent."),
    "invalid_choice": _("Please pick from the answers shown."),
    "not_found": _("There is nothing at this address."),
    "forbidden": _("This is not allowed."),
    "forbidden_origin": _("Requests that change something must come from this site's pages."),
    "conflict": _("This clashes with the item's current state."),
    "already_voted": _("You have already voted."),
    "poll_closed": _("This has closed."),
    "poll_not_open": _("This is not open yet."),
    "no_votes_left": _("You have used all your votes in this jam."),
    "store_unavailable": _("We cannot save right now; please try again in a moment."),
    "invalid_email": _("Please give a valid e-mail address."),
    "gone": _("This link is unknown, was already used, or has expired."),
    "rate_limited": _("Too many requests; please try again later."),
    "too_large": _("The request body is too large."),
    "method_not_allowed": _("This method is not allowed here."),
    "unsupported_media_type": _("Send JSON (application/json) or a form "
                                "(application/x-www-form-urlencoded)."),
    "internal_error": _("Something went wrong on our side."),
}


#: What a no-JS form's page says after it worked (the API views word them in English; the
#: flash cookie carries them translated). Listed here so the extraction finds them.
FORM_OUTCOMES = (
    _("Thanks, your vote counted."),
    _("Your vote was taken back."),
    _("You had not voted for that idea."),
    _("Thanks! Your idea is awaiting review and will appear once our team has read it."),
    _("Thanks! Your idea is up; others can vote for it now."),
    _("Thank you. We sent you a mail: press the button in it to confirm."),
    _("Thank you! We are glad you would recommend us."),
    _("Thank you for your answer."),
    _("Thank you for telling us; we are sorry we fell short."),
)


def localized(message: str, code: str | None = None) -> str:
    """Return ``message`` in the request's language (see the module docstring)."""
    if not message or current_lang() == SOURCE_LANG:
        return message
    text = gettext(message)
    if text != message or not code or code not in GENERAL:
        return text
    return gettext(GENERAL[code])
