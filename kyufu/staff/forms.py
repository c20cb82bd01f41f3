"""Forms of the staff UI: list filters and the eligible-list upload."""

from typing import Any, TypeVar

from django import forms
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from kyufu.intake.models import ApplicationStatus
from kyufu.payouts.models import PayoutStatus
from kyufu.programmes.models import Programme
from kyufu.tenants.models import Municipality

from .queries import programmes_of

M = TypeVar("M", bound=Model)


class ListFilterForm(forms.Form):
    """Programme and status filters read from the query string.

    An invalid value (a stale bookmark, a hand-edited URL) drops only that
    filter instead of failing the page.
    """

    status_choices: list[tuple[str, Any]] = []

    programme: forms.ModelChoiceField[Programme] = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, data: Any, *, municipality: Municipality) -> None:
        super().__init__(data)
        programme = self.fields["programme"]
        assert isinstance(programme, forms.ModelChoiceField)
        programme.queryset = programmes_of(municipality)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("All")), *self.status_choices]

    def filters(self) -> dict[str, Any]:
        """The valid, non-empty filters as {field: value}."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value}

    def apply(self, queryset: QuerySet[M]) -> QuerySet[M]:
        return queryset.filter(**self.filters())


class ApplicationFilterForm(ListFilterForm):
    status_choices = ApplicationStatus.choices


class PayoutFilterForm(ListFilterForm):
    status_choices = PayoutStatus.choices


class EligibleImportForm(forms.Form):
    # No blank choice: the newest programme, usually the only one, is chosen.
    programme: forms.ModelChoiceField[Programme] = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("Eligible list (CSV)"),
        help_text=_("UTF-8 or Shift_JIS (cp932) CSV exported from the registry."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programme = self.fields["programme"]
        assert isinstance(programme, forms.ModelChoiceField)
        programme.queryset = programmes_of(municipality)
