"""The reliability sweep's runner classifies outcomes as documented (the sweep itself runs with `make sweep`)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "sweep"))

import child
import run
from cases import CASES


def raised(make):
    try:
        make()
    except BaseException as e:
        return e
    raise AssertionError("nothing raised")


def test_classification_of_exceptions():
    import json

    import numpy as np

    from scratchnet import optimizers

    assert child.classify_exception(raised(lambda: json.loads("[" * 100000)), [])[0] == "raw"
    assert child.classify_exception(raised(lambda: np.zeros(3)[5]), [])[0] == "raw"
    kind, note = child.classify_exception(raised(lambda: optimizers.SGD(learning_rate=-1)), ["learning_rate"])
    assert kind == "clear", note
    assert child.classify_exception(raised(lambda: optimizers.SGD(learning_rate=-1)), ["a-path"])[0] == "misleading"


def test_cases_are_many_and_named_once():
    ids = [case.id for case in CASES]
    assert len(ids) >= 150 and len(set(ids)) == len(ids)
    assert {case.expected for case in CASES} <= set(run.CLASSES)


def test_one_case_runs_in_its_own_process():
    result = run.run_case(next(c for c in CASES if c.id == "optimizers.sgd_lr_negative"), 1500, 60)
    assert result["kind"] == "clear", result
