"""Living in Jupyter: know when we are in a kernel, and show every figure once.

A figure made through pyplot in a notebook cell is shown by the inline backend when the cell ends. If the cell's
last line also *returns* that Figure (``sn.plotting.plot_history(history)``), IPython displays the returned value
too, and the learner sees the figure twice. :func:`show_once` gives the Figure an IPython display hook: whoever
displays it first (the cell's result, or the inline backend at the end of the cell) shows it, and the figure is
then closed in pyplot, so the inline backend does not show it a second time. Displaying it again later (``fig`` in
another cell) shows it again, once. The Figure itself is returned unchanged, so ``fig.savefig(...)`` and
``fig.axes`` work as before.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["in_jupyter", "show_once"]


def in_jupyter() -> bool:
    """Whether this code runs inside a Jupyter kernel (a notebook, JupyterLab, Colab), not a terminal."""
    if "ipykernel" not in sys.modules:
        return False
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get_ipython() if get_ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def show_once(fig: Any) -> Any:
    """Give ``fig`` (a pyplot-managed Figure) an IPython display hook so a notebook shows it once; returns it."""

    def _ipython_display_() -> None:
        import matplotlib
        import matplotlib.pyplot as plt
        from IPython.display import display

        # Display it as IPython would without this hook.
        del fig._ipython_display_
        try:
            display(fig)
        finally:
            fig._ipython_display_ = _ipython_display_
        if "inline" in matplotlib.get_backend() and plt.fignum_exists(fig.number):
            plt.close(fig)  # shown: the inline backend must not show it again when the cell ends

    fig._ipython_display_ = _ipython_display_
    return fig
