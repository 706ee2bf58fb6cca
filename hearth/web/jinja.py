"""The Jinja environment: GOV.UK Frontend macros, Django helpers and Hearth's globals."""

import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, PrefixLoader
from markupsafe import Markup, escape

from hearth.core.identifiers import format_nhs_number, format_ni_number
from hearth.web.govuk_fields import govuk_field
from hearth.web.once import submit_once_field
from hearth.web.refusals import error_list


def url(viewname: str, /, *args, **kwargs) -> str:
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def uk_date(value, fmt: str = "%-d %B %Y") -> str:
    return value.strftime(fmt) if value else ""


def uk_datetime(value) -> str:
    if not value:
        return ""
    return timezone.localtime(value).strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")


_BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs(value, classes: str = "govuk-body") -> Markup:
    """Explanatory text wrapped at fixed widths in its source (a council's profile) as GOV.UK paragraphs.

    A blank line separates paragraphs; single line breaks inside a paragraph are joined with a space. For text
    whose line breaks are the writer's own (case notes, minutes), keep `hearth-pre-line` instead.
    """
    if not value:
        return Markup("")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    blocks = _BLANK_LINES.split(text)
    parts = (" ".join(line.strip() for line in block.splitlines() if line.strip()) for block in blocks)
    return Markup("\n").join(
        Markup('<p class="{}">{}</p>').format(classes, escape(part)) for part in parts if part
    )


def _today():
    return timezone.localdate()


def environment(**options) -> Environment:
    loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")})]
    )
    # govuk-frontend-jinja's page template needs ChainableUndefined.
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    options["extensions"] = ["jinja2.ext.do"]
    env = Environment(autoescape=True, **options)
    env.globals.update(
        url=url,
        govuk_field=govuk_field,
        error_list=error_list,
        static=static,
        get_messages=get_messages,
        DEMO_MODE=settings.DEMO_MODE,
        today=_today,
        submit_once_field=submit_once_field,
    )
    env.filters.update(
        uk_date=uk_date,
        uk_datetime=uk_datetime,
        nhs=format_nhs_number,
        nino=format_ni_number,
        paragraphs=paragraphs,
    )
    return env
