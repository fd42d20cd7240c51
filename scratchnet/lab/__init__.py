"""A teacher's kit: the lab folder to hand out, and grades from the notebooks students hand back.

::

    python -m scratchnet.lab build lab/ --answers lab-answers/      # the hand-out, and the answers kept apart
    python -m scratchnet.lab grade submissions/*.ipynb --csv grades.csv [--gradescope results.json]

``build`` (:func:`scratchnet.lab.handout.build`) writes the learner notebooks, the wheel their first cell installs
from, a data note and the teacher's guide (:mod:`scratchnet.lab.guide`, generated from the lesson plan in
:mod:`scratchnet.lab.lessons` and the exercise registry). ``grade`` (:mod:`scratchnet.lab.grading`) runs each
notebook in a fresh kernel and counts the checks that passed while it ran.
"""

from __future__ import annotations

from scratchnet.lab.grading import Grade, grade, write_csv, write_gradescope
from scratchnet.lab.handout import build
from scratchnet.lab.lessons import LESSONS, Lesson, lesson

__all__ = ["LESSONS", "Grade", "Lesson", "build", "grade", "lesson", "write_csv", "write_gradescope"]
