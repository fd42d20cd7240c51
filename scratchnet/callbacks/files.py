"""Callbacks that write files while a model trains: ModelCheckpoint (the model, or its weights) and CSVLogger.

Both write atomically (a temporary file renamed over the target), so a crash never leaves half a file. Import them
from :mod:`scratchnet.callbacks`, like every callback.
"""

from __future__ import annotations

import csv
import io
import os
import string
import tempfile
import warnings

from scratchnet.callbacks.base import Callback, Logs, _auto_mode, _logs, _python_scalar

__all__ = ["CSVLogger", "ModelCheckpoint"]


class ModelCheckpoint(Callback):
    """Saves the model (or only its weights) during training: after every epoch, or every ``save_freq`` batches.

    ``filepath`` may hold ``{epoch}`` (counted from 1) and any metric of the logs, e.g.
    ``"ckpt/cp-{epoch:04d}-{val_loss:.2f}.weights.h5"``; missing folders are created. Files are written with
    ``model.save`` (architecture, compile settings and weights) or, with ``save_weights_only=True``,
    ``model.save_weights``; both write atomically, so a crash never leaves half a checkpoint. The format is always
    scratchnet's ``.npz`` whatever the extension (Keras 3 insists on ``.keras`` / ``.weights.h5``; we accept any
    name, so older tutorials run), and ``scratchnet.models.load_model`` / ``model.load_weights`` read it back.

    >>> checkpoint = ModelCheckpoint("best.keras", monitor="val_accuracy", save_best_only=True)
    >>> # model.fit(x, y, validation_split=0.1, epochs=10, callbacks=[checkpoint])

    Args:
        filepath: where to save; a format string as above.
        monitor: the metric ``save_best_only`` compares, e.g. ``"val_loss"``.
        verbose: 1 prints a line at each save.
        save_best_only: save only when ``monitor`` improves on the best so far.
        save_weights_only: save only the weights (``model.save_weights``).
        mode: ``"min"``, ``"max"`` or ``"auto"`` (``"max"`` if the name holds ``"acc"`` or ``"auc"``).
        save_freq: ``"epoch"``, or an int: save every that many batches.
        initial_value_threshold: with ``save_best_only``, a value the first save must beat.
    """

    def __init__(
        self,
        filepath,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq="epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__()
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(
                f"ModelCheckpoint expected save_freq='epoch' or a positive number of batches. "
                f"Received: save_freq={save_freq!r}."
            )
        self.filepath = _file_name(filepath, "ModelCheckpoint", "filepath", "ckpt/model-{epoch:02d}.keras")
        self._fields = _format_fields(self.filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.mode = _auto_mode(mode, monitor, "ModelCheckpoint")
        self.save_freq = save_freq
        self.best = initial_value_threshold
        self._batches_since_save = 0
        self._epoch = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Check the path now, with the metrics this model reports, rather than after the first epoch."""
        names = ["loss", *getattr(self.model, "metric_names", [])]
        known = {"epoch", "batch", "learning_rate", "lr", *names, *(f"val_{n}" for n in names)}
        unknown = [f for f in self._fields if f not in known]
        if unknown:
            raise KeyError(
                f"ModelCheckpoint: filepath={self.filepath!r} names {{{unknown[0]}}}, which this model's logs will "
                f"not hold. Available: {', '.join(sorted(known))} (val_ ones only with validation data). "
                f"Received: filepath={self.filepath!r}."
            )
        sample = {f: (1 if f in ("epoch", "batch") else 0.5) for f in known}
        try:
            path = self.filepath.format(**sample)
        except (ValueError, TypeError) as e:
            raise ValueError(
                f"ModelCheckpoint: filepath={self.filepath!r} cannot be filled in: {e}. Use formats such as "
                "{epoch:02d} and {val_loss:.2f}."
            ) from None
        _check_target(path, "ModelCheckpoint", "filepath", create_folder=True)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _path(self, epoch: int, batch: int | None, logs: Logs) -> str:
        fields = {**logs, "epoch": epoch + 1}
        if batch is not None:
            fields.setdefault("batch", batch + 1)
        try:
            return self.filepath.format(**fields)
        except KeyError as e:
            raise KeyError(
                f"ModelCheckpoint could not fill in filepath={self.filepath!r}: there is no {e} in this epoch's logs. "
                f"Available: epoch{', batch' if batch is not None else ''}, {', '.join(logs) or 'no metrics'}."
            ) from None

    def _save(self, epoch: int, batch: int | None, logs: Logs | None) -> None:
        logs = _logs(logs)
        path = self._path(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            else:
                current = float(current)
                best = "None" if self.best is None else f"{self.best:.5f}"
                better = self.best is None or (current < self.best if self.mode == "min" else current > self.best)
                if not better:
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
                    return
                if self.verbose > 0:
                    print(
                        f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, "
                        f"saving model to {path}"
                    )
                self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if os.path.isdir(path):
            raise IsADirectoryError(
                f"ModelCheckpoint: filepath {path!r} is a folder. Give a file name, e.g. "
                f"{os.path.join(path, 'model.keras')!r}."
            )
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class CSVLogger(Callback):
    """Writes each epoch's metrics to a CSV file: a header ``epoch,accuracy,loss,...``, then one row per epoch.

    Columns are the sorted metric names of the first epoch (with ``val_`` columns added as ``NA`` if there is no
    validation), epochs counted from 0, as in Keras. The file is rewritten atomically after every epoch, so it is
    complete and readable at any moment, also while training runs.

    Args:
        filename: the CSV file.
        separator: the column separator.
        append: keep the rows already in the file (and its header) instead of starting afresh.
    """

    def __init__(self, filename, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.filename = _file_name(filename, "CSVLogger", "filename", "training.csv")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(
                "CSVLogger expected separator to be one character, e.g. ',' or ';' or '\\t'. "
                f"Received: separator={separator!r}."
            )
        self.sep = separator
        self.append = append
        self.keys: list[str] | None = None
        self._text = ""

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.keys = None
        self._text = ""
        _check_target(self.filename, "CSVLogger", "filename", create_folder=False)
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8", newline="") as f:
                self._text = f.read()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = _logs(logs)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.sep)
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
            if not self._text:
                writer.writerow(["epoch", *self.keys])
        writer.writerow([epoch, *(_python_scalar(logs.get(k, "NA")) for k in self.keys)])
        self._text += out.getvalue()
        _atomic_write_text(self.filename, self._text)


def _file_name(path, who: str, name: str, example: str) -> str:
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{who} expected {name} to be a file path (a str or a pathlib.Path), e.g. {who}({example!r}). "
            f"Received: {name}={path!r} of type {type(path).__name__}."
        )
    path = os.fspath(path)
    if not path.strip():
        raise ValueError(f"{who} needs a file name, e.g. {who}({example!r}). Received: {name}={path!r}.")
    return path


def _format_fields(path: str) -> list[str]:
    """The field names of a ``{epoch:02d}``-style path; a broken format string is refused here, when it is made."""
    try:
        parsed = list(string.Formatter().parse(path))
    except ValueError as e:
        raise ValueError(
            f"ModelCheckpoint: filepath={path!r} is not a valid format string ({e}). Fields are written in braces, "
            "e.g. 'ckpt/model-{epoch:02d}.keras'; write a literal brace as {{ or }}."
        ) from None
    fields = []
    for _, field, _, _ in parsed:
        if field is None:
            continue
        base = field.split(".")[0].split("[")[0]
        if not base or base.isdigit():
            raise ValueError(
                f"ModelCheckpoint: filepath={path!r} has a field {{{field}}} without a name; name the value, e.g. "
                "{epoch} or {val_loss:.2f}."
            )
        fields.append(base)
    return fields


def _check_target(path: str, who: str, name: str, create_folder: bool) -> None:
    """Refuse a path that cannot be written, naming it, before training starts (not after an epoch)."""
    if os.path.isdir(path) or path.endswith(("/", os.sep)):
        example = os.path.join(
            path.rstrip("/" + os.sep) or ".", "model.keras" if who == "ModelCheckpoint" else "log.csv"
        )
        raise IsADirectoryError(f"{who}: {name}={path!r} is a folder; a file name is needed, e.g. {example!r}.")
    folder = os.path.dirname(os.path.abspath(path))
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise NotADirectoryError(
            f"{who}: cannot write {name}={path!r}: {existing!r} is a file, not a folder. Choose another path."
        )
    if existing != folder and not create_folder:
        raise FileNotFoundError(
            f"{who}: cannot write {name}={path!r}: the folder {os.path.dirname(path)!r} does not exist. Create it "
            f"first with os.makedirs({os.path.dirname(path)!r}, exist_ok=True), or choose another path."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(
            f"{who}: cannot write {name}={path!r}: no permission to write in the folder {existing!r}. Choose a "
            "folder you can write to."
        )


def _atomic_write_text(path: str, text: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
