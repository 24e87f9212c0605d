"""Forms a screen reader can trust (issue 13, part 1, in part): no attribute is ever written as the text "None"
(``aria-invalid="None"`` announced every field as invalid), and a refused form lists every invalid field at the top,
each linked to its input."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from support.dataset import ROUTES, VISITORS, sign_in_as, with_feed_of

from visitplanner.auth.models import Role


@pytest.mark.parametrize("who", VISITORS, ids=str)
def test_no_page_of_any_role_writes_an_attribute_as_none(app, client, account, dataset, who):
    dataset = with_feed_of(app, dataset, sign_in_as(client, account, dataset, who))
    pages, wrong = 0, []
    for rule in ROUTES:
        if "GET" not in rule.methods or rule.endpoint == "auth.logout":
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **dataset.url_values(rule))
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages += 1
            found = re.findall(r'[\w-]+="None"', response.get_data(as_text=True))
            if found:
                wrong.append(f"{url}: {sorted(set(found))}")
    assert pages >= 1, "the crawl reached no page"
    assert not wrong, "\n".join(wrong)


def test_a_refused_form_lists_every_invalid_field_at_the_top_linked_to_it(client, ctx, login):
    login(Role.ADVISOR)
    response = client.post("/participants/new", data={"real_name": "", "alias": "x" * 81, "kind": "nonsense",
                                                      "organisation": "", "residence": "", "contact": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    summary = body[body.index('role="alert"'):body.index("</div>", body.index('role="alert"'))]
    for field in ("real_name", "alias", "kind"):  # all three found in one pass, each linked to its input
        assert f'href="#{field}"' in summary, field
        assert f'id="{field}"' in body
    assert 'aria-invalid="true"' in body and 'aria-invalid="None"' not in body
