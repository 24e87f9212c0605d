"""Load once (issue 22, part 4; docs/engineers.md, "The request shell"): every id a page's address names becomes an
object, or a 404, in one place, the request shell's loaders (``shell.LOADERS``, through ``@loads``). A view that
loads by hand ("load-or-404") drifts from the loader: it forgets a check the loader makes, as the outcome form of a
removed meeting once did. Read from the source, so that a new view loading by hand fails here before it ships."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

#: The project: the folder above this file that holds pyproject.toml (wherever in tests/ this file is).
ROOT = next(folder for folder in Path(__file__).resolve().parents if (folder / "pyproject.toml").exists())
PACKAGE = ROOT / "visitplanner"

#: Every module that declares routes.
VIEW_MODULES = sorted(p for p in PACKAGE.rglob("*.py") if ".route(" in p.read_text(encoding="utf-8"))

#: Views that answer 404 for something other than an id: a value the address or the query names that does not exist
#: (a sign-off role, a checklist item), or a state in which the page has nothing to do. What they load, they load
#: through ``@loads``.
NOT_AN_ID = {
    ("main/views.py", "logo"): "no logo is set",
    ("readiness/views.py", "sign"): "no such sign-off role (?role=)",
    ("readiness/views.py", "confirm"): "no such checklist item (<key>)",
    ("itinerary/views.py", "release"): "the item is not kept out of calendars: nothing to release",
    ("library/views.py", "retire"): "the entry is retired already",
}


_ARGUMENT = re.compile(r"<(?:[a-z]+:)?(\w+)>")


def _name(module: Path) -> str:
    """The module as NOT_AN_ID names it: its path in the package."""
    return module.relative_to(PACKAGE).as_posix() if module.is_relative_to(PACKAGE) else module.name


def _calls(node: ast.AST, name: str) -> list[ast.Call]:
    """The calls in ``node`` of a function called ``name`` (``name(...)`` or ``x.name(...)``)."""
    return [c for c in ast.walk(node) if isinstance(c, ast.Call)
            and (getattr(c.func, "id", None) == name or getattr(c.func, "attr", None) == name)]


def _strings(call: ast.Call) -> set[str]:
    return {a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}


def routes(module: Path) -> list[tuple[ast.FunctionDef, set[str]]]:
    """Each view of the module with the arguments of its address (of all its routes)."""
    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        rules = [d for d in node.decorator_list if isinstance(d, ast.Call) and getattr(d.func, "attr", None) == "route"]
        if rules:
            found.append((node, {a for rule in rules for s in _strings(rule) for a in _ARGUMENT.findall(s)}))
    return found


def hand_loading(module: Path) -> list[str]:
    """Where the module turns an id of its address into an object by hand, or answers 404 itself."""
    wrong = []
    for view, arguments in routes(module):
        loaded = {n for d in view.decorator_list if isinstance(d, ast.Call) and getattr(d.func, "id", None) == "loads"
                  for n in _strings(d)}
        # A nested id (a member of *this* mission) is looked up among what the loaded object holds: shell.among.
        among = {a.id for c in _calls(view, "among") for a in c.args[1:] if isinstance(a, ast.Name)}
        for argument in sorted(a for a in arguments if a.endswith("_id")):
            if argument[:-3] not in loaded and argument not in among:
                wrong.append(f"{view.name}: <{argument}> is not loaded through @loads({argument[:-3]!r})")
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for call in _calls(node, "get_or_404") + _calls(node, "first_or_404"):
            wrong.append(f"{node.name}: {ast.unparse(call)}")
        for call in _calls(node, "abort"):
            if [ast.unparse(a) for a in call.args] == ["404"] and (_name(module), node.name) not in NOT_AN_ID:
                wrong.append(f"{node.name}: abort(404), line {call.lineno}")
    return wrong


@pytest.mark.parametrize("module", VIEW_MODULES, ids=_name)
def test_a_view_loads_what_its_address_names_through_the_shell(module):
    assert hand_loading(module) == []


def test_the_check_sees_every_view_that_takes_an_id(app):
    """The source read above is the application's: every route with an id in its address is a view it read."""
    read = {(_name(m), view.name) for m in VIEW_MODULES for view, arguments in routes(m)
            if any(a.endswith("_id") for a in arguments)}
    served = set()
    for rule in app.url_map.iter_rules():
        if any(a.endswith("_id") for a in rule.arguments):
            view = inspect.unwrap(app.view_functions[rule.endpoint])
            served.add((_name(Path(inspect.getfile(view))), view.__name__))
    assert len(served) > 60
    assert served == read


def test_the_check_fails_on_a_view_that_loads_by_hand(tmp_path):
    """The check can fail: the shapes of hand loading seen in this code base are each caught."""
    module = tmp_path / "views.py"
    module.write_text('''
@bp.route("/contacts/<int:contact_id>")
def show(contact_id: int):
    contact = db.session.get(Contact, contact_id) or abort(404)

@bp.route("/missions/<int:mission_id>/members/<int:member_id>/remove")
@loads("mission")
def remove(mission, member_id: int):
    member = db.session.get(DelegationMember, member_id)

@bp.route("/themes/<int:theme_id>")
@loads("theme")
def theme(theme):
    return FocalTheme.query.get_or_404(1)
''')
    assert hand_loading(module) == [
        "show: <contact_id> is not loaded through @loads('contact')",
        "remove: <member_id> is not loaded through @loads('member')",
        "show: abort(404), line 4",
        "theme: FocalTheme.query.get_or_404(1)",
    ]
