"""Survey answers for editors: one table per survey, filtered by category and date.

A survey can hold any number of answers, so each table shows ``PER_PAGE`` of them (newest
first) with pages, while its NPS counts every answer matching the filters."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import render_template, request

from pollserver.admin import bp
from pollserver.admin.auth import editor_required
from pollserver.domain.records import SurveyResponse
from pollserver.domain.surveys import CATEGORIES, nps
from pollserver.presenters.moderation import read_page
from pollserver.web.context import get_store

__all__ = ["PER_PAGE", "filter_answers", "read_filters"]

#: Answers per survey table and page.
PER_PAGE = 100


def _date(name: str, errors: dict[str, str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = "Use a date like 2026-03-31."
        return None


def read_filters() -> tuple[dict[str, object], dict[str, str]]:
    """Read ``survey``, ``category``, ``from`` and ``to`` from the query, with field errors."""
    errors: dict[str, str] = {}
    category = request.args.get("category", "")
    if category and category not in CATEGORIES:
        errors["category"] = "Pick promoter, passive or detractor."
        category = ""
    start, end = _date("from", errors), _date("to", errors)
    if start and end and end < start:
        errors["to"] = "The end date must not be before the start date."
    return {"survey": request.args.get("survey", ""), "category": category,
            "from": start, "to": end}, errors


def filter_answers(answers: Iterable[SurveyResponse], filters: dict[str, object]
                   ) -> list[SurveyResponse]:
    """Keep the answers matching the category and the inclusive date range."""
    start, end, category = filters.get("from"), filters.get("to"), filters.get("category")
    return [a for a in answers
            if (not category or a.category == category)
            and (start is None or a.created_at.date() >= start)
            and (end is None or a.created_at.date() <= end)]


@bp.get("/answers")
@editor_required
def answers() -> str:
    """List survey answers (comments autoescaped), newest first, with filters."""
    filters, errors = read_filters()
    store = get_store()
    surveys = store.list_items("survey")
    chosen = [s for s in surveys if not filters["survey"] or s.id == filters["survey"]]
    tables, page, pages = [], read_page(request.args.get("page")), 1
    for item in chosen:
        rows = filter_answers(store.list_responses(item.id), filters)
        pages = max(pages, -(-len(rows) // PER_PAGE))
        newest = rows[::-1][(page - 1) * PER_PAGE:page * PER_PAGE]
        tables.append({"item": item, "rows": newest, "count": len(rows),
                       "nps": nps(r.score for r in rows)})
    return render_template("admin/answers.html", title="Survey answers", surveys=surveys,
                           tables=tables, filters=filters, errors=errors,
                           categories=CATEGORIES, page=page, pages=pages)
