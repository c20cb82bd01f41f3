"""Applications in the chat: each resident input, and submission.

handle_chat_input is called by the LINE event processor inside a transaction
that holds a lock on the LineUser row, so one resident's inputs are handled
one at a time; it loads the conversation, lets the engine move it one step,
saves it and returns the LINE messages to reply with. submit_application
runs on 送信: it matches the applicant and reserves the payout atomically.
"""

import logging
from collections import Counter
from datetime import date

from django.db import transaction
from django.utils import timezone, translation

from kyufu.core.japanese import to_katakana
from kyufu.eligibility.models import EligiblePerson
from kyufu.eligibility.services import match_applicant
from kyufu.line.inputs import ChatInput
from kyufu.line.models import LineUser
from kyufu.payouts.services import AlreadyPaid, BudgetExceeded, create_payout
from kyufu.programmes.models import Programme
from kyufu.programmes.services import programme_for_channel

from . import engine, notices
from .catalog import validate_form_definition
from .engine import Session
from .models import (
    Application,
    ApplicationStatus,
    Conversation,
    ConversationStatus,
)
from .questions import AskContext, folded, questions_of
from .replies import MAX_MESSAGES, Message, decode_postback
from .state import answer_of

logger = logging.getLogger(__name__)

# Residents read Japanese whatever language a worker or view has active.
RESIDENT_LANGUAGE = "ja"
APPLY_WORDS = frozenset({"申請", "申請する", "申し込み", "申込"})
# A resident refused as not eligible may fix a typo and apply again, but not
# endlessly: guessing names and birth dates must not probe the eligible list.
MAX_NOT_ELIGIBLE_ATTEMPTS = 3
# Another application of the same person in these statuses makes a duplicate.
HOLDS_THE_PERSON = [
    ApplicationStatus.MATCHED,
    ApplicationStatus.PAID,
    ApplicationStatus.NEEDS_REVIEW,
]
# Applications in these statuses do not stop the resident applying again.
ENDED_WITHOUT_RESULT = [ApplicationStatus.CANCELLED, ApplicationStatus.NOT_ELIGIBLE]


def handle_chat_input(line_user: LineUser, chat_input: ChatInput) -> list[Message]:
    """Reply to one input of a resident (≤5 LINE message objects).

    Call inside a transaction that holds a lock on `line_user`.
    """
    with translation.override(RESIDENT_LANGUAGE):
        messages = _route(line_user, chat_input)
    if len(messages) > MAX_MESSAGES:
        logger.warning(
            "reply cut to %s messages",
            MAX_MESSAGES,
            extra={"line_user_id": line_user.pk},
        )
        messages = [*messages[: MAX_MESSAGES - 1], messages[-1]]
    return messages


def _route(line_user: LineUser, chat_input: ChatInput) -> list[Message]:
    fields = decode_postback(chat_input.data) if chat_input.kind == "postback" else {}
    if chat_input.kind == "follow":
        return notices.greeting(programme_for_channel(line_user.channel))
    conversation = _active_conversation(line_user)
    if _wants_to_apply(chat_input, fields):
        if conversation is not None:
            return _resume(conversation)
        return _apply(line_user, fields.get("programme"))
    if conversation is None:
        return _outside_conversation(line_user, fields)
    return _continue(conversation, chat_input)


def _wants_to_apply(chat_input: ChatInput, fields: dict[str, str]) -> bool:
    """A 「申請する」 button (ours or an announcement's) or the typed word."""
    if chat_input.kind == "text":
        return folded(chat_input.text) in APPLY_WORDS
    return fields.get("action") == "apply"


def _active_conversation(line_user: LineUser) -> Conversation | None:
    return (
        Conversation.objects.filter(
            line_user=line_user, status=ConversationStatus.ACTIVE
        )
        .select_related("application__programme__form")
        .first()
    )


def _apply(line_user: LineUser, programme_id: str | None) -> list[Message]:
    programme = programme_for_channel(line_user.channel, programme_id)
    if programme is None:
        return notices.help_text(None)
    if not programme.is_open():
        return notices.not_open(programme)
    refusal = _refusal(line_user, programme)
    if refusal:
        return refusal
    session = _new_session(line_user, programme)
    if session is None:
        return notices.ask_the_office(programme)
    messages = [notices.started(programme), *engine.start(session)]
    _save(session)
    logger.info(
        "application %s started",
        session.application.pk,
        extra={"application_id": session.application.pk, "programme_id": programme.pk},
    )
    return messages


def _refusal(line_user: LineUser, programme: Programme) -> list[Message]:
    """Why this resident may not start another application, if they may not."""
    earlier = Counter(
        Application.objects.filter(
            line_user=line_user, programme=programme
        ).values_list("status", flat=True)
    )
    if any(status not in ENDED_WITHOUT_RESULT for status in earlier):
        return notices.already_applied(programme)
    if earlier[ApplicationStatus.NOT_ELIGIBLE] >= MAX_NOT_ELIGIBLE_ATTEMPTS:
        return notices.ask_the_office(programme)
    return []


def _new_session(line_user: LineUser, programme: Programme) -> Session | None:
    if _form_errors(programme):
        return None
    application = Application.objects.create(programme=programme, line_user=line_user)
    conversation = Conversation.objects.create(
        line_user=line_user, application=application
    )
    return _session(conversation)


def _resume(conversation: Conversation) -> list[Message]:
    session = _open_session(conversation)
    if isinstance(session, list):
        return session
    messages = engine.resume(session)
    _save(session)
    return messages


def _continue(conversation: Conversation, chat_input: ChatInput) -> list[Message]:
    session = _open_session(conversation)
    if isinstance(session, list):
        return session
    turn = engine.advance(session, chat_input)
    _save(session)
    if session.conversation.status == ConversationStatus.CANCELLED:
        logger.info(
            "application %s cancelled by the resident",
            session.application.pk,
            extra={"application_id": session.application.pk},
        )
    if turn.submit:
        return [*turn.messages, *submit_application(session.application)]
    return turn.messages


def _open_session(conversation: Conversation) -> Session | list[Message]:
    """The session to go on with, or the messages that end the conversation."""
    programme = conversation.application.programme
    if _form_errors(programme):
        return notices.ask_the_office(programme)
    session = _session(conversation)
    if not programme.is_open():
        engine.close(session)
        _save(session)
        logger.info(
            "application %s closed with the programme",
            session.application.pk,
            extra={"application_id": session.application.pk},
        )
        return notices.not_open(programme)
    return session


def _outside_conversation(line_user: LineUser, fields: dict[str, str]) -> list[Message]:
    """A message or an old button while no application is in progress."""
    conversation_id = fields.get("conv", "")
    if (
        conversation_id.isdigit()
        and Conversation.objects.filter(
            pk=int(conversation_id),
            line_user=line_user,
            status=ConversationStatus.FINISHED,
        ).exists()
    ):
        return [notices.already_done()]
    programme = programme_for_channel(line_user.channel)
    if programme is not None:
        # Someone who already applied needs the office, not another button.
        refusal = _refusal(line_user, programme)
        if refusal:
            return refusal
    return notices.help_text(programme)


def _form_errors(programme: Programme) -> list[str]:
    errors = validate_form_definition(programme.form.definition)
    if errors:
        logger.error(
            "form %s is invalid: %s",
            programme.form_id,
            "; ".join(errors),
            extra={"form_id": programme.form_id, "programme_id": programme.pk},
        )
    return errors


def _session(conversation: Conversation) -> Session:
    application = conversation.application
    programme = application.programme
    return Session(
        conversation=conversation,
        application=application,
        programme=programme,
        questions=questions_of(programme.form.definition),
        context=AskContext(
            conversation_id=conversation.pk,
            today=timezone.localdate(),
            terms=programme.terms,
        ),
    )


def _save(session: Session) -> None:
    session.application.save(update_fields=["answers", "status", "updated_at"])
    session.conversation.save(update_fields=["state", "status", "updated_at"])


# --- Submission ------------------------------------------------------------


def submit_application(application: Application) -> list[Message]:
    """Submit on 送信: copy the answers, match, reserve the payout; atomic.

    Submitting twice is harmless: only an application still in progress is
    submitted, under a lock on its row.
    """
    with translation.override(RESIDENT_LANGUAGE), transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("programme__municipality")
            .get(pk=application.pk)
        )
        if application.status != ApplicationStatus.IN_PROGRESS:
            return [notices.already_done()]
        programme = application.programme
        if not programme.is_open():
            return notices.not_open(programme)
        _mark_submitted(application)
        messages = _decide(application, programme)
    logger.info(
        "application %s submitted: %s",
        application.pk,
        application.status,
        extra={
            "application_id": application.pk,
            "programme_id": programme.pk,
            "outcome": application.status,
        },
    )
    return messages


def _mark_submitted(application: Application) -> None:
    """Copy the normalised answers matching needs; finish the conversation."""
    application.full_name = str(answer_of(application, "full_name") or "")
    application.furigana = to_katakana(str(answer_of(application, "furigana") or ""))
    born = answer_of(application, "birth_date")
    application.birth_date = date.fromisoformat(str(born)) if born else None
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.save()
    Conversation.objects.filter(
        application=application, status=ConversationStatus.ACTIVE
    ).update(status=ConversationStatus.FINISHED, updated_at=timezone.now())


def _decide(application: Application, programme: Programme) -> list[Message]:
    """Match, then pay or hand to staff; sets the status, returns the reply."""
    result = match_applicant(application)
    application.match_note = result.reason[:200]
    if result.outcome == "ambiguous":
        return _conclude(
            application, ApplicationStatus.NEEDS_REVIEW, notices.needs_review(programme)
        )
    if result.outcome != "matched" or result.person is None:
        return _conclude(
            application, ApplicationStatus.NOT_ELIGIBLE, _refused(application)
        )
    # Locking the person makes two accounts applying for them take turns.
    application.eligible_person = EligiblePerson.objects.select_for_update().get(
        pk=result.person.pk
    )
    if _applied_before(application):
        return _conclude(
            application, ApplicationStatus.DUPLICATE, notices.duplicate(programme)
        )
    if not programme.auto_payout:
        return _conclude(
            application, ApplicationStatus.MATCHED, notices.to_be_reviewed()
        )
    _conclude(application, ApplicationStatus.MATCHED, [])
    return _pay(application, programme)


def _conclude(
    application: Application, status: str, messages: list[Message]
) -> list[Message]:
    application.status = status
    application.save(update_fields=["status", "eligible_person", "match_note"])
    return messages


def _applied_before(application: Application) -> bool:
    return (
        Application.objects.filter(
            programme_id=application.programme_id,
            eligible_person_id=application.eligible_person_id,
            status__in=HOLDS_THE_PERSON,
        )
        .exclude(pk=application.pk)
        .exists()
    )


def _pay(application: Application, programme: Programme) -> list[Message]:
    try:
        create_payout(application)
    except AlreadyPaid:
        return _conclude(
            application, ApplicationStatus.DUPLICATE, notices.duplicate(programme)
        )
    except BudgetExceeded:
        logger.warning(
            "application %s matched but the budget is used up",
            application.pk,
            extra={"application_id": application.pk, "programme_id": programme.pk},
        )
        application.match_note = "budget_exhausted"
        return _conclude(
            application,
            ApplicationStatus.NEEDS_REVIEW,
            notices.budget_reached(programme),
        )
    return notices.paying()


def _refused(application: Application) -> list[Message]:
    """Not eligible, with a way to correct a typo while attempts remain."""
    programme = application.programme
    attempts = Application.objects.filter(
        programme=programme,
        line_user_id=application.line_user_id,
        status=ApplicationStatus.NOT_ELIGIBLE,
    ).count()
    if application.line_user_id is None or attempts + 1 >= MAX_NOT_ELIGIBLE_ATTEMPTS:
        return notices.not_eligible(programme)
    return [*notices.not_eligible(programme), notices.retry(programme)]
