"""The organisation's house style (issue 23, part 9): its name, logo and colours come from the settings, on NL Design
System tokens in a generated, cacheable stylesheet (no inline style), and contrast stays at WCAG AA whatever colours
an organisation sets."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.app import make_app

from visitplanner.extensions import db
from visitplanner.theme import (
    BLACK,
    DEFAULT_PRIMARY,
    LIGHT_BACKGROUNDS,
    WHITE,
    ThemeError,
    build_theme,
    contrast,
    parse_colour,
    stylesheet,
    tokens,
)

colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


# ---- contrast, as WCAG 2.1 computes it ---------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second", "ratio"), [
    (WHITE, BLACK, 21.0),
    (WHITE, WHITE, 1.0),
    ("#767676", WHITE, 4.54),  # the lightest grey that passes AA on white
    ("#0000ff", WHITE, 8.59),  # pure blue, as the WebAIM checker gives it
])
def test_contrast_is_computed_as_wcag_does(first, second, ratio):
    assert contrast(first, second) == pytest.approx(ratio, abs=0.05)


@pytest.mark.parametrize(("written", "read"), [("#154273", "#154273"), ("154273", "#154273"), ("#ABC", "#aabbcc"),
                                               (" #00605A ", "#00605a")])
def test_a_colour_is_read_as_people_write_it(written, read):
    assert parse_colour(written, "X") == read


@pytest.mark.parametrize("written", ["blue", "#12345", "rgb(1,2,3)", "#1234567", "", "#ggg"])
def test_what_is_no_colour_is_refused_with_the_setting_named(written):
    with pytest.raises(ThemeError, match="ORGANISATION_PRIMARY_COLOUR"):
        parse_colour(written, "ORGANISATION_PRIMARY_COLOUR")


# ---- AA whatever the organisation chooses ------------------------------------------------------------------------


def _pairs(values: dict[str, str]):
    """Every pair of the tokens that stands as text (or a control's line) on a background, with the ratio it needs."""
    inverse = "--basis-color-accent-1-inverse-"
    for state in ("default", "hover", "active"):
        yield values[f"{inverse}color-{state}"], values[f"{inverse}bg-{state}"], 4.5  # the band, primary buttons
    yield values[f"{inverse}color-default"], values["--basis-color-action-1-inverse-bg-default"], 4.5
    for background in LIGHT_BACKGROUNDS:
        for name in ("accent-1-color-default", "accent-1-color-hover", "action-2-color-default",
                     "action-2-color-hover"):
            yield values[f"--basis-color-{name}"], background, 4.5  # links, secondary buttons, checked controls
        yield values["--basis-heading-color"], background, 4.5
        yield values["--basis-color-accent-1-border-default"], background, 3.0  # a control's border
        yield values["--basis-color-action-2-border-default"], background, 3.0


@settings(max_examples=300, deadline=None)
@given(primary=colours, link=colours)
def test_every_text_colour_keeps_aa_contrast_whatever_colours_are_set(primary, link):
    for text, background, needed in _pairs(tokens(primary, link)):
        assert contrast(text, background) >= needed, (primary, link, text, background)


@pytest.mark.parametrize("primary", ["#ffdd00", "#ffffff", "#e17000", "#8fcae7"])
def test_a_light_brand_colour_keeps_its_band_with_black_text_and_is_darkened_as_text(primary):
    values = tokens(primary, "#01689b")
    assert values["--basis-color-accent-1-inverse-bg-default"] == primary, "the band shows the brand as it is"
    assert values["--basis-color-accent-1-inverse-color-default"] == BLACK
    assert values["--basis-color-accent-1-color-default"] != primary, "as text on white it is darkened"


def test_the_default_is_a_sober_dark_blue_not_the_example_themes_purple():
    values = tokens(DEFAULT_PRIMARY, "#01689b")
    assert values["--basis-color-accent-1-inverse-bg-default"] == "#154273"
    assert values["--basis-color-accent-1-inverse-color-default"] == WHITE
    assert values["--basis-color-action-1-inverse-bg-default"] == "#154273", "primary buttons: not violet"
    assert values["--basis-heading-color"] == "#154273"
    css = stylesheet(DEFAULT_PRIMARY, "#01689b")
    assert css.count("{") == 1 and ".vp-theme {" in css
    assert "violet" not in css and "5115ef" not in css


# ---- the settings ------------------------------------------------------------------------------------------------


def test_the_settings_build_the_theme(tmp_path):
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "ours.css").write_text(".vp-theme { --utrecht-button-border-radius: 0; }")
    style = build_theme({"ORGANISATION_NAME": "Gemeente Zeestad", "ORGANISATION_LOGO": "logo.svg",
                         "ORGANISATION_PRIMARY_COLOUR": "#00605a", "ORGANISATION_LINK_COLOUR": "#005a9c",
                         "ORGANISATION_STYLESHEET": "ours.css"}, str(tmp_path))
    assert style.name == "Gemeente Zeestad"
    assert style.logo_file == tmp_path / "logo.svg" and style.logo_type == "image/svg+xml"
    assert "--basis-color-accent-1-inverse-bg-default: #00605a;" in style.css
    assert style.css.rstrip().endswith(".vp-theme { --utrecht-button-border-radius: 0; }"), "its own tokens last"
    assert re.fullmatch(r"[0-9a-f]{12}", style.version)
    other = build_theme({"ORGANISATION_PRIMARY_COLOUR": "#00605b"}, str(tmp_path))
    assert other.version != style.version, "another look, another address: no browser keeps the old one"


@pytest.mark.parametrize(("settings_", "why"), [
    ({"ORGANISATION_LINK_COLOUR": "teal"}, "ORGANISATION_LINK_COLOUR"),
    ({"ORGANISATION_LOGO": "missing.svg"}, "no file"),
    ({"ORGANISATION_LOGO": "https://example.org/logo.svg"}, "other sites"),
    ({"ORGANISATION_LOGO": "notes.txt"}, "not an image"),
    ({"ORGANISATION_STYLESHEET": "missing.css"}, "no file"),
])
def test_a_setting_that_cannot_be_used_stops_the_start_and_says_why(tmp_path, settings_, why):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ThemeError, match=why):
        build_theme(settings_, str(tmp_path))


def test_a_logo_address_on_this_site_is_used_as_it_is(tmp_path):
    style = build_theme({"ORGANISATION_LOGO": "/huisstijl/logo.svg"}, str(tmp_path))
    assert style.logo_file is None and style.logo_address == "/huisstijl/logo.svg"


# ---- served and shown --------------------------------------------------------------------------------------------


def test_the_stylesheet_is_served_as_css_to_anyone_and_cached_by_its_version(app, client):
    style = app.extensions["visitplanner.theme"]
    page = client.get("/login").get_data(as_text=True)
    assert f'href="/organisation/theme.css?v={style.version}"' in page
    assert page.index("vendor/utrecht/theme.css") < page.index("/organisation/theme.css"), "after the example theme"
    assert ' style="' not in page and "<style" not in page, "no inline style"

    response = client.get(f"/organisation/theme.css?v={style.version}")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.get_data(as_text=True) == style.css
    assert client.get(f"/organisation/theme.css?v={style.version}",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get("/organisation/theme.css?v=old").headers["Cache-Control"] == "public, max-age=3600"


def test_the_header_shows_the_organisation_beside_the_application(app, en):
    page = en.get("/login").get_data(as_text=True)
    brand = re.search(r'<a class="vp-brand".*?</a>', page, re.DOTALL).group(0)
    assert '<span class="vp-brand__organisation">Gemeente Voorbeeldstad</span>' in brand
    assert '<span class="vp-brand__app">Visit planner</span>' in brand
    assert "<img" not in brand, "no logo unless one is set"
    assert en.get("/organisation/logo").status_code == 404


def test_a_logo_from_the_settings_is_served_and_shown_beside_the_name(app, tmp_path):
    logo = tmp_path / "wapen.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    styled = make_app(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, ORGANISATION_LOGO=str(logo),
                      ORGANISATION_NAME="Gemeente Zeestad", ORGANISATION_PRIMARY_COLOUR="#00605a")
    try:
        browser = styled.test_client()
        page = browser.get("/login").get_data(as_text=True)
        version = styled.extensions["visitplanner.theme"].logo_version
        assert f'<img class="vp-brand__logo" src="/organisation/logo?v={version}" alt="">' in page, \
            "decorative: the name beside it says who"
        assert '<span class="vp-brand__organisation">Gemeente Zeestad</span>' in page
        image = browser.get(f"/organisation/logo?v={version}")
        assert image.status_code == 200 and image.mimetype == "image/png"
        assert image.data == logo.read_bytes()
        assert "immutable" in image.headers["Cache-Control"]
        css = browser.get("/organisation/theme.css").get_data(as_text=True)
        assert "--basis-color-accent-1-inverse-bg-default: #00605a;" in css
    finally:
        with styled.app_context():
            db.engine.dispose()
