"""Click's usage errors ("No such option", "Missing argument", "Invalid value") said from marklint's own
catalogue (``messages.ERRORS``), in the user's language, through click's own hooks: the command group
turns a ``click.UsageError`` raised while the command line is parsed into one that shows the catalogue's
words. Click itself is not patched.

The language is known before anything is parsed: ``--lang`` on the command line, else the ``lang`` of the
configuration file nearest the working folder, else Chinese (the default of every command).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import IO, Any

import click

from marklint.messages import ERRORS, Both, did_you_mean, in_both, listed
from marklint.output import OutputError
from marklint.stopping import StoppableGroup


def usage_lang(args: list[str]) -> str:
    """The language of a usage error: ``--lang`` (``--lang en``, ``--lang=en``), else the ``lang`` of the
    configuration file given (``--config``) or nearest, else Chinese."""
    for index, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            args[index + 1] if arg == "--lang" and index + 1 < len(args) else None)
        if value in ("zh", "en"):
            return value
    given = [arg.partition("=")[2] if arg.startswith("--config=") else args[index + 1]
             for index, arg in enumerate(args)
             if arg.startswith("--config=") or (arg == "--config" and index + 1 < len(args))]
    try:
        from marklint.config import _read_toml, find_config

        found = Path(given[-1]) if given else find_config(Path.cwd())
        data = _read_toml(found) if found is not None else {}
        if found is not None and found.name == "pyproject.toml":
            data = data.get("tool", {}).get("marklint", {})
        return data.get("lang") if data.get("lang") in ("zh", "en") else "zh"
    except Exception:  # a configuration that cannot be read says so itself later; here it only chooses a language
        return "zh"


def _param_name(param: click.Parameter | None, hint: object) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)  # --jobs, not -j
    if param is not None:
        return param.human_readable_name
    return str(hint or "")


def catalogue_words(error: click.UsageError) -> Both:
    """What ``error`` says, in both languages, from the catalogue."""
    def said(key: str, **values: object) -> Both:
        return in_both(ERRORS[key], **values)

    if isinstance(error, (click.NoSuchOption, click.NoSuchCommand)):
        hint = did_you_mean(list(error.possibilities or ()))
        if isinstance(error, click.NoSuchOption):
            return said("usage.no such option", option=error.option_name, hint=hint)
        return said("usage.no such command", name=error.command_name, hint=hint)
    if isinstance(error, click.MissingParameter):
        name = _param_name(error.param, error.param_hint)
        return said("usage.missing option" if isinstance(error.param, click.Option) else "usage.missing argument",
                    name=name)
    if isinstance(error, click.BadParameter):
        name = _param_name(error.param, error.param_hint)
        quoted = re.match(r"'(.*?)'", error.message) or re.search(r"'(.*?)'", error.message)
        value = repr(quoted[1]) if quoted else ""
        if error.param is not None and isinstance(error.param.type, click.Choice):
            choices = listed([str(choice) for choice in error.param.type.choices])
            return said("usage.choice", param=name, value=value, choices=choices)
        return said("usage.invalid" if value else "usage.invalid value", param=name, value=value)
    if isinstance(error, click.BadOptionUsage) and "requires an argument" in error.message:
        return said("usage.needs value", option=error.option_name)
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)$", error.message)
    if extra:
        return said("usage.extra", args=extra[1])
    return said("usage.other")


class SaidUsageError(click.UsageError):
    """A usage error shown in the catalogue's words: ``marklint: <what>`` and how to get the usage."""

    def __init__(self, original: click.UsageError, lang: str) -> None:
        super().__init__(catalogue_words(original).say(lang), original.ctx)
        self.lang = lang

    def show(self, file: IO[Any] | None = None) -> None:
        command = self.ctx.command_path if self.ctx is not None else "marklint"
        help_line = ERRORS["usage.help"].say(self.lang, command=command)
        click.echo(f"marklint: {self.message}\n{help_line}", file=file or sys.stderr)


class CatalogueGroup(StoppableGroup):
    """The command group whose usage errors, its own and its commands', are said from the catalogue."""

    def stopped_words(self, signal_name: str) -> str:
        return ERRORS["stopped"].say(usage_lang(sys.argv[1:]), signal=signal_name)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        self._usage_lang = usage_lang(list(args))
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            raise SaidUsageError(error, self._usage_lang) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (SaidUsageError, click.exceptions.NoArgsIsHelpError):
            raise
        except OutputError as error:  # a report that cannot be written, said in the run's language
            error.lang = error.lang or getattr(self, "_usage_lang", "zh")
            raise
        except click.UsageError as error:
            raise SaidUsageError(error, getattr(self, "_usage_lang", "zh")) from None
