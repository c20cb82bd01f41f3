"""What the bot says around the form: greetings, help, closings, outcomes.

The questions' own wording lives in the form definition and questions.py;
every sentence here is an English gettext source with its Japanese in
locale/ja. None of these messages repeats a resident's personal data.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from kyufu.core.japanese import format_japanese_date
from kyufu.programmes.models import Programme
from kyufu.programmes.services import application_period

from .replies import Message, buttons_message, encode_postback, postback_action
from .replies import text_message as text


def apply_button(programme: Programme, lead: str) -> Message:
    """`lead` (≤160 chars) above a 「申請する」 button for this programme."""
    label = _("Apply")
    button = postback_action(
        label,
        encode_postback(action="apply", programme=programme.pk),
        display_text=label,
    )
    return buttons_message(lead, [button], alt_text=lead)


def greeting(programme: Programme | None) -> list[Message]:
    """For a new follower: what this account does, and the button to apply."""
    hello = _("Thank you for adding us as a friend.")
    if programme is None:
        return [text(f"{hello}\n{_('No benefit is taking applications now.')}")]
    if not programme.is_open():
        return [text(hello), *not_open(programme)]
    lead = _("You can apply for %(programme)s in this chat.") % {
        "programme": programme.name
    }
    return [text(hello), apply_button(programme, lead)]


def help_text(programme: Programme | None) -> list[Message]:
    """For a message outside any application."""
    if programme is None:
        return [text(_("No benefit is taking applications now."))]
    if not programme.is_open():
        return not_open(programme)
    lead = _("To apply for %(programme)s, tap the button below.") % {
        "programme": programme.name
    }
    return [apply_button(programme, lead)]


def not_open(programme: Programme) -> list[Message]:
    """Before or after the application period, saying the period."""
    first, last = application_period(programme)
    period = {
        "programme": programme.name,
        "first": format_japanese_date(first),
        "last": format_japanese_date(last),
    }
    if programme.opens_at > timezone.now():
        message = _(
            "Applications for %(programme)s open on %(first)s. "
            "The application period is from %(first)s to %(last)s."
        )
    else:
        message = _(
            "Applications for %(programme)s have closed. "
            "The application period was from %(first)s to %(last)s."
        )
    return [text(message % period)]


def started(programme: Programme) -> Message:
    return text(
        _(
            "Let us start your application for %(programme)s. Please answer "
            "the questions one at a time. To go back, send 戻る; to stop, "
            "send やめる."
        )
        % {"programme": programme.name}
    )


def resumed() -> Message:
    return text(_("Let us continue where you left off."))


def already_done() -> Message:
    return text(_("This has already been done."))


def text_only() -> Message:
    return text(_("Please reply with text."))


def first_question() -> Message:
    return text(_("This is the first question."))


def cancelled(programme: Programme) -> list[Message]:
    return [
        apply_button(
            programme,
            _(
                "Your application has been cancelled. Nothing was sent. To "
                "apply again, tap the button below."
            ),
        )
    ]


def declined(programme: Programme) -> list[Message]:
    return [
        apply_button(
            programme,
            _(
                "We cannot accept an application without your agreement, so "
                "this application has ended. To apply again, tap the button "
                "below."
            ),
        )
    ]


def retry(programme: Programme) -> Message:
    return apply_button(
        programme, _("To apply again with corrected answers, tap the button below.")
    )


def already_applied(programme: Programme) -> list[Message]:
    lead = _("We have already received your application for %(programme)s.") % {
        "programme": programme.name
    }
    return [text(_contact(programme, lead))]


def ask_the_office(programme: Programme) -> list[Message]:
    """When the chat cannot go on and a person must help."""
    return [text(_contact(programme, _("Sorry, this cannot be done in the chat.")))]


def _contact(programme: Programme, lead: str) -> str:
    office = _("Please contact %(municipality)s if you have any questions.") % {
        "municipality": programme.municipality.name
    }
    return f"{lead}\n{office}"


# --- Outcomes of a submission ----------------------------------------------


def paying() -> list[Message]:
    return [
        text(
            _(
                "We have received your application. You are confirmed, and we "
                "are preparing your gift code. We will send it in this chat "
                "shortly."
            )
        )
    ]


def to_be_reviewed() -> list[Message]:
    """Matched, but the programme pays only after staff review."""
    return [
        text(
            _(
                "We have received your application. We will let you know "
                "after the review."
            )
        )
    ]


def needs_review(programme: Programme) -> list[Message]:
    """A case worker must look (ambiguous match)."""
    return [
        text(
            _contact(
                programme,
                _(
                    "We have received your application. A member of staff will "
                    "check it and let you know in this chat."
                ),
            )
        )
    ]


def budget_reached(programme: Programme) -> list[Message]:
    return [
        text(
            _contact(
                programme,
                _(
                    "We have received your application. A member of staff will "
                    "contact you about the payment in this chat."
                ),
            )
        )
    ]


def not_eligible(programme: Programme) -> list[Message]:
    return [
        text(
            _contact(
                programme,
                _(
                    "We have received your application, but we could not find "
                    "you among the people eligible for %(programme)s with the "
                    "answers you gave. Please check that your name, furigana "
                    "and date of birth are correct."
                )
                % {"programme": programme.name},
            )
        )
    ]


def duplicate(programme: Programme) -> list[Message]:
    return [
        text(
            _contact(
                programme,
                _(
                    "An application for this person has already been received. "
                    "The benefit is paid only once per person."
                ),
            )
        )
    ]
