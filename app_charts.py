"""The Council and National pages' charts, as Altair specifications built from app_history's rows.

Grades keep one colour everywhere (app_history.GRADE_COLOURS), best first in every legend.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from app_history import GRADE_COLOURS, KIND_LABELS, OTHER_GRADE

LANE = 46  # pixels per kind of letter on the timeline
LEGEND_AND_AXIS = 110


def _grade_scale(grades) -> alt.Scale:
    present = [g for g in GRADE_COLOURS if g in set(grades)] + sorted(set(grades) - set(GRADE_COLOURS))
    return alt.Scale(domain=present, range=[GRADE_COLOURS.get(g, OTHER_GRADE) for g in present])


def timeline(rows: list[dict]) -> alt.Chart:
    """Every visit and inspection of a council on one time axis: a lane per kind of letter, coloured by grade."""
    frame = pd.DataFrame(rows, columns=["ended", "kind", "grade", "title", "date", "visit", "grades", "doc id"])
    lanes = [k for k in KIND_LABELS.values() if k in set(frame["kind"])]
    lanes += sorted(set(frame["kind"]) - set(lanes))
    # Streamlit fits the whole chart, axis and legend included, into its height: room for both as well
    return alt.Chart(frame, height=LEGEND_AND_AXIS + LANE * len(lanes)).mark_point(
        filled=True, size=220, opacity=0.95, stroke="#333", strokeWidth=0.6,
    ).encode(
        x=alt.X("ended:T", title="Visit or inspection ended", scale=alt.Scale(padding=16),
                  axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("kind:N", title=None, sort=lanes),
        color=alt.Color("grade:N", title="Grade", scale=_grade_scale(frame["grade"]),
                        legend=alt.Legend(orient="top", direction="horizontal", labelLimit=320)),
        tooltip=[alt.Tooltip("title:N", title="Letter"), alt.Tooltip("visit:N", title="Visit"),
                 alt.Tooltip("date:N", title="Date"), alt.Tooltip("grades:N", title="Grades")],
    )


def grades_by_year(rows: list[dict], area: str) -> alt.Chart:
    """Reports per year, stacked by the grade given for `area`."""
    frame = pd.DataFrame(rows, columns=["year", "grade", "reports", "order"])
    return alt.Chart(frame, height=320).mark_bar().encode(
        x=alt.X("year:O", title="Year the inspection ended", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(reports):Q", title="Reports", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("grade:N", title=area, scale=_grade_scale(frame["grade"]),
                        legend=alt.Legend(orient="bottom", labelLimit=320)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("grade:N", title="Grade"),
                 alt.Tooltip("reports:Q", title="Reports")],
    )
