"""``flask --app visitplanner privacy record``: the record of processing as a Markdown file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from .markdown import render_markdown
from .record import build_record


@click.group(cls=AppGroup, help="Privacy: the record of processing (GDPR Art. 30).")
def privacy() -> None:
    pass


@privacy.command("record", help="Write the record of processing (GDPR Art. 30) as Markdown, built from the models, "
                                "the settings and the configuration as they are now.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The file to write (default: standard output).")
@click.option("--language", type=click.Choice(["nl", "en"]), default=None,
              help="The language of the record (default: the organisation's).")
def processing_record_command(output: Path | None, language: str | None) -> None:
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = render_markdown(build_record())
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Record of processing written to {output}.")
