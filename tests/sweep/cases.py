# ruff: noqa: E501  (each case is one line of user code where it fits)
"""The sweep's cases: each is a few lines of user code that misuses scratchnet, hits a fault or reads a crafted file.

``Case(id, area, code, expected, ...)``:
    expected  the class the case should have today (see ``child.py``): "works", "clear", "misleading", "raw",
              "silent", "hang", "lost" or "security". ``run.py`` reports a case that does worse as a regression.
    refuse    True when the input must be refused: finishing without an error is then "silent".
    names     strings a clear error must contain (the user's path, the argument's name).
    no_hints  True for a healthy run: a TrainingHint is then "misleading" (a false alarm).
The names defined in ``PRELUDE`` are available to every case; each case runs in its own empty temporary folder.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    id: str
    area: str
    code: str
    expected: str = "clear"
    refuse: bool = False
    names: tuple[str, ...] = ()
    no_hints: bool = False
    timeout: float | None = None
    memory_mb: int | None = None


PRELUDE = r'''
import io, json, os, sys, stat, struct, threading, time, warnings, zipfile, zlib, pathlib, subprocess
import numpy as np
import scratchnet as sn
from scratchnet import layers as L
from scratchnet import callbacks as C

rng = np.random.default_rng(0)
X = rng.random((64, 4)).astype("float32")
Y = rng.integers(0, 3, 64)


def model(optimizer="adam", compile=True):
    m = sn.Sequential([L.Input((4,)), L.Dense(8, activation="relu"), L.Dense(3, activation="softmax")])
    if compile:
        m.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def fitted(**kw):
    m = model(**kw)
    m.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    return m


def fit(m=None, **kw):
    m = m or model()
    kw.setdefault("epochs", 2)
    kw.setdefault("verbose", 0)
    return m.fit(X, Y, batch_size=16, **kw)


def jbytes(obj):
    return np.frombuffer(json.dumps(obj).encode(), dtype=np.uint8)


def saved(path="m.npz"):
    fitted().save(path)
    return path


def rewrite(path, **replace):
    """Rewrite the .npz at path with some arrays replaced (None removes one)."""
    with np.load(path) as d:
        arrays = {k: d[k] for k in d.files}
    for k, v in replace.items():
        if v is None:
            arrays.pop(k, None)
        else:
            arrays[k] = v
    np.savez(path, **arrays)


def with_config(path, change):
    with np.load(path) as d:
        spec = json.loads(d["model_config"].tobytes())
    change(spec)
    rewrite(path, model_config=jbytes(spec))


def npy_header(shape, dtype="<f4"):
    header = repr({"descr": dtype, "fortran_order": False, "shape": tuple(shape)}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def serve(body=b"", status=200, headers=None, trickle=None):
    """A local HTTP server on 127.0.0.1 answering every GET the same way; returns its base URL."""
    import http.server
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(status)
            for k, v in (headers or {"Content-Type": "application/octet-stream", "Content-Length": str(len(body))}).items():
                self.send_header(k, v)
            self.end_headers()
            try:
                if trickle:
                    for _ in range(10000):
                        self.wfile.write(b"\x1f"); self.wfile.flush(); time.sleep(trickle)
                else:
                    self.wfile.write(body)
            except OSError:
                pass
        def log_message(self, *a):
            pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{srv.server_address[1]}/"


def mnist_from(url, **env):
    os.environ["SCRATCHNET_MNIST_URLS"] = url
    os.environ.pop("SCRATCHNET_OFFLINE", None)
    os.environ.update(env)
    from scratchnet.datasets import _download
    _download.BACKOFF = 0.01
    return sn.datasets.mnist.load_data(data_dir=os.path.join(WORK, "data"), verbose=0)


def png(path, a):
    from PIL import Image
    Image.fromarray(np.asarray(a, dtype=np.uint8)).save(path)
    return path
'''

CASES: list[Case] = []


def add(area: str, id: str, code: str, expected: str = "clear", **kw) -> None:
    CASES.append(Case(f"{area}.{id}", area, code.strip(), expected, **kw))


# --- fit / evaluate / predict arguments ----------------------------------------------------------------------------
R = {"refuse": True}
add("fit", "x_none", "model().fit(None, Y, verbose=0)", **R)
add("fit", "y_none_supervised", "model().fit(X, None, verbose=0)", **R)
add("fit", "x_string", "model().fit('data.csv', Y, verbose=0)", **R)
add("fit", "x_wrong_features", "model().fit(X[:, :3], Y, verbose=0)", **R)
add("fit", "xy_different_lengths", "model().fit(X, Y[:10], verbose=0)", **R)
add("fit", "epochs_zero", "h = model().fit(X, Y, epochs=0, verbose=0); assert h.history.get('loss', []) == []", "works")
add("fit", "epochs_negative", "model().fit(X, Y, epochs=-1, verbose=0)", **R)
add("fit", "epochs_float", "model().fit(X, Y, epochs=2.5, verbose=0)", **R)
add("fit", "batch_size_zero", "model().fit(X, Y, batch_size=0, verbose=0)", **R)
add("fit", "batch_size_str", "model().fit(X, Y, batch_size='32', verbose=0)", **R)
add("fit", "batch_size_huge", "model().fit(X, Y, batch_size=10**9, verbose=0)", "works")
add("fit", "validation_split_1", "model().fit(X, Y, validation_split=1.0, verbose=0)", **R)
add("fit", "validation_split_neg", "model().fit(X, Y, validation_split=-0.1, verbose=0)", **R)
add("fit", "validation_data_1tuple", "model().fit(X, Y, validation_data=(X,), verbose=0)", **R)
add("fit", "validation_data_bad_shape", "model().fit(X, Y, validation_data=(X[:, :2], Y), verbose=0)", **R)
add("fit", "nan_in_x", "x = X.copy(); x[0, 0] = np.nan; model().fit(x, Y, verbose=0)", **R)
add("fit", "inf_in_x", "x = X.copy(); x[0, 0] = np.inf; model().fit(x, Y, verbose=0)", **R)
add("fit", "labels_out_of_range", "model().fit(X, Y + 5, verbose=0)", **R)
add("fit", "labels_negative", "model().fit(X, Y - 1, verbose=0)", **R)
add("fit", "labels_float_fraction", "model().fit(X, Y + 0.5, verbose=0)", **R)
add("fit", "onehot_with_sparse_loss", "model().fit(X, np.eye(3)[Y], verbose=0)", "clear")
add("fit", "not_compiled", "model(compile=False).fit(X, Y, verbose=0)", **R)
add("fit", "complex_x", "model().fit(X.astype(complex), Y, verbose=0)", **R)
add("fit", "object_x", "model().fit(np.array([[1, 2, 3, 'a']] * 64, dtype=object), Y, verbose=0)", **R)
add("fit", "shuffle_str", "model().fit(X, Y, shuffle='yes', verbose=0)", **R)
add("fit", "verbose_str", "model().fit(X, Y, verbose='loud')", **R)
add("fit", "initial_epoch_past", "h = model().fit(X, Y, epochs=2, initial_epoch=5, verbose=0)", "works")
add("fit", "steps_per_epoch_zero", "model().fit(X, Y, steps_per_epoch=0, verbose=0)", **R)
add("fit", "class_weight_negative", "model().fit(X, Y, class_weight={0: -1.0, 1: 1.0, 2: 1.0}, verbose=0)", **R)
add("fit", "class_weight_nan", "model().fit(X, Y, class_weight={0: float('nan'), 1: 1.0, 2: 1.0}, verbose=0)", **R)
add("fit", "class_weight_list", "model().fit(X, Y, class_weight=[1.0, 2.0, 3.0], verbose=0)", **R)
add("fit", "class_weight_unknown_class", "model().fit(X, Y, class_weight={7: 2.0}, verbose=0)", **R)
add("fit", "class_weight_ok", "model().fit(X, Y, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, verbose=0)", "works")
add("fit", "sample_weight_wrong_length", "model().fit(X, Y, sample_weight=np.ones(5), verbose=0)", **R)
add("fit", "sample_weight_nan", "w = np.ones(64); w[3] = np.nan; model().fit(X, Y, sample_weight=w, verbose=0)", **R)
add("fit", "sample_weight_negative", "model().fit(X, Y, sample_weight=-np.ones(64), verbose=0)", **R)
add(
    "evaluate",
    "sample_weight_ok",
    "m = fitted(); r = m.evaluate(X, Y, sample_weight=np.ones(64), verbose=0); assert np.isfinite(r[0])",
    "works",
)
add(
    "evaluate",
    "sample_weight_halves",
    """
m = fitted()
w = np.r_[np.ones(32), np.zeros(32)]
a = m.evaluate(X, Y, sample_weight=w, verbose=0)[0]
b = m.evaluate(X[:32], Y[:32], verbose=0)[0]
if abs(a - b * 32 / 64) > 1e-5: silent(f"weighted {a} != sum(w * l) / N = {b * 32 / 64}")
""",
    "works",
)
add("evaluate", "sample_weight_wrong_length", "fitted().evaluate(X, Y, sample_weight=np.ones(3), verbose=0)", **R)
add("evaluate", "x_none", "fitted().evaluate(None, Y, verbose=0)", **R)
add("evaluate", "not_compiled", "m = model(compile=False); m.evaluate(X, Y, verbose=0)", **R)
add("evaluate", "batch_size_neg", "fitted().evaluate(X, Y, batch_size=-3, verbose=0)", **R)
add("evaluate", "wrong_features", "fitted().evaluate(X[:, :2], Y, verbose=0)", **R)
add("evaluate", "return_dict", "r = fitted().evaluate(X, Y, return_dict=True, verbose=0); assert 'loss' in r", "works")
add("predict", "wrong_rank", "fitted().predict(X[0], verbose=0)", "clear")
add("predict", "empty", "p = fitted().predict(X[:0], verbose=0); assert p.shape == (0, 3)", "clear")
add("predict", "list_input", "p = fitted().predict(X.tolist(), verbose=0); assert p.shape == (64, 3)", "works")
add("predict", "ragged", "fitted().predict([[1, 2], [1, 2, 3, 4]], verbose=0)", **R)
add("predict", "string", "fitted().predict('image.png', verbose=0)", **R)
add("predict", "unbuilt", "sn.Sequential([L.Dense(3)]).predict(X, verbose=0)", "works")
add("predict", "batch_size_zero", "fitted().predict(X, batch_size=0, verbose=0)", **R)
add("predict", "nan_input", "fitted().predict(np.full((2, 4), np.nan), verbose=0)", "clear")

# --- models ----------------------------------------------------------------------------------------------------------
add(
    "model",
    "functional_one_element_lists",
    """
inp = sn.Input((4,)); out = L.Dense(3, activation="softmax")(L.Dense(8)(inp))
m = sn.Model(inputs=[inp], outputs=[out])
m.compile("adam", "sparse_categorical_crossentropy")
m.fit(X, Y, epochs=1, verbose=0)
""",
    "works",
)
add(
    "model",
    "functional_two_outputs",
    """
inp = sn.Input((4,)); a = L.Dense(3)(inp); b = L.Dense(2)(inp)
sn.Model(inputs=inp, outputs=[a, b])
""",
    **R,
)
add(
    "model",
    "functional_reload_indices",
    """
inp = sn.Input((4,)); h = L.Dense(8, name="h")(inp); out = L.Dense(3, name="out")(h)
m = sn.Model(inp, out); m.compile("adam", "mse"); m.save("f.npz")
m2 = sn.models.load_model("f.npz")
a = [l.name for l in m.layers]; b = [l.name for l in m2.layers]
if a != b: silent(f"layers {a} reload as {b}")
if m2.get_layer(index=1).name != m.get_layer(index=1).name: silent("get_layer(index=1) differs after reload")
""",
    "works",
)
add("model", "layer_not_a_layer", "sn.Sequential([L.Dense(3), 'relu'])", **R)
add("model", "get_layer_missing", "fitted().get_layer('nope')", **R)
add("model", "get_layer_index_out", "fitted().get_layer(index=99)", **R)
add("model", "set_weights_wrong_count", "m = fitted(); m.set_weights(m.get_weights()[:1])", **R)
add("model", "set_weights_wrong_shape", "m = fitted(); w = m.get_weights(); w[0] = w[0].T; m.set_weights(w)", **R)
add("model", "set_weights_nan", "m = fitted(); w = m.get_weights(); w[0][:] = np.nan; m.set_weights(w)", "works")
add("model", "compile_unknown_loss", "model(compile=False).compile('adam', loss='crossentropy_typo')", **R)
add("model", "compile_unknown_optimizer", "model(compile=False).compile('adamm', loss='mse')", **R)
add("model", "compile_unknown_metric", "model(compile=False).compile('adam', loss='mse', metrics=['acuracy'])", **R)
add("model", "summary_unbuilt", "sn.Sequential([L.Dense(3)]).summary()", "clear")
add("model", "train_on_batch_mismatch", "model().train_on_batch(X, Y[:3])", **R)
add("model", "duplicate_layer_names", "sn.Sequential([L.Input((4,)), L.Dense(3, name='a'), L.Dense(3, name='a')])", **R)
add("model", "input_shape_negative", "sn.Sequential([L.Input((-4,)), L.Dense(3)])", **R)
add("model", "explain_labels_wrong_length", "fitted().explain(X[:4], Y[:3])", **R)
add("model", "explain_ok", "fitted().explain(X[:2], Y[:2], print_fn=lambda *a: None)", "works")
add("model", "to_json", "json.loads(fitted().to_json())", "works")

# --- layers' arguments ---------------------------------------------------------------------------------------------
for id, code in [
    ("dense_units_zero", "L.Dense(0)"),
    ("dense_units_negative", "L.Dense(-3)"),
    ("dense_units_float", "L.Dense(2.5)"),
    ("dense_units_str", "L.Dense('10')"),
    ("dense_activation_unknown", "L.Dense(3, activation='relu6x')"),
    ("dense_initializer_unknown", "L.Dense(3, kernel_initializer='glorotx')"),
    ("dropout_rate_one", "L.Dropout(1.0)"),
    ("dropout_rate_negative", "L.Dropout(-0.2)"),
    ("conv_filters_zero", "L.Conv2D(0, 3)"),
    ("conv_kernel_zero", "L.Conv2D(4, 0)"),
    ("conv_strides_zero", "L.Conv2D(4, 3, strides=0)"),
    ("conv_padding_unknown", "L.Conv2D(4, 3, padding='full')"),
    ("pool_size_zero", "L.MaxPooling2D(0)"),
    ("pool_padding_unknown", "L.MaxPooling2D(2, padding='reflect')"),
    ("reshape_negative", "L.Reshape((-2, 2))"),
    ("reshape_two_unknowns", "L.Reshape((-1, -1))"),
    ("activation_unknown", "L.Activation('swishy')"),
    ("normalization_variance_negative", "L.Normalization(mean=0.0, variance=-1.0)"),
    ("normalization_variance_nan", "L.Normalization(mean=0.0, variance=float('nan'))"),
    ("normalization_mean_only", "L.Normalization(mean=0.0)"),
    ("normalization_axis_out_of_range", "n = L.Normalization(axis=5); n.adapt(X)"),
    ("dense_kernel_regularizer_bad", "L.Dense(3, kernel_regularizer='l3')"),
    ("input_shape_str", "L.Input('28,28')"),
]:
    add("layers", id, code, **R)
add("layers", "conv_on_flat_input", "m = sn.Sequential([L.Input((4,)), L.Conv2D(2, 3)]); m.predict(X, verbose=0)", **R)
add(
    "layers",
    "reshape_wrong_size",
    "m = sn.Sequential([L.Input((4,)), L.Reshape((3, 3))]); m.predict(X, verbose=0)",
    **R,
)
add(
    "layers",
    "pool_bigger_than_input",
    "m = sn.Sequential([L.Input((2, 2, 1)), L.MaxPooling2D(3)]); m.predict(np.zeros((1, 2, 2, 1)), verbose=0)",
    **R,
)
add("layers", "normalization_adapt_empty", "L.Normalization().adapt(np.zeros((0, 4)))", **R)
add("layers", "normalization_adapt_nan", "x = X.copy(); x[0, 0] = np.nan; L.Normalization().adapt(x)", **R)
add(
    "layers",
    "normalization_ok",
    "n = L.Normalization(); n.adapt(X); y = n(X); assert abs(float(np.mean(y))) < 1e-3",
    "works",
)
add("layers", "normalization_axis_none", "n = L.Normalization(axis=None); n.adapt(X); n(X)", "works")
add("layers", "dense_call_wrong_features", "d = L.Dense(3); d(X); d(X[:, :2])", **R)

# --- optimizers ---------------------------------------------------------------------------------------------------
for id, code in [
    ("sgd_lr_negative", "sn.optimizers.SGD(learning_rate=-0.1)"),
    ("sgd_lr_nan", "sn.optimizers.SGD(learning_rate=float('nan'))"),
    ("sgd_momentum_one", "sn.optimizers.SGD(momentum=1.5)"),
    ("adam_beta_one", "sn.optimizers.Adam(beta_1=1.0)"),
    ("adam_epsilon_negative", "sn.optimizers.Adam(epsilon=-1e-7)"),
    ("adam_lr_str", "sn.optimizers.Adam(learning_rate='0.01')"),
    ("rmsprop_rho_negative", "sn.optimizers.RMSprop(rho=-0.1)"),
    ("unknown_name", "sn.optimizers.get('adamw2')"),
    ("adagrad_initial_negative", "sn.optimizers.Adagrad(initial_accumulator_value=-1.0)"),
    ("lr_set_negative", "o = sn.optimizers.Adam(); o.learning_rate = -1"),
    ("unknown_kwarg", "sn.optimizers.Adam(decay_rate=0.1)"),
    ("clipnorm_negative", "sn.optimizers.SGD(clipnorm=-1.0)"),
]:
    add("optimizers", id, code, **R)
add(
    "optimizers",
    "schedule_lr",
    "o = sn.optimizers.SGD(learning_rate=sn.schedules.ExponentialDecay(0.1, 10, 0.9)); fit(model(o))",
    "works",
)
add(
    "optimizers",
    "lr_huge_hint",
    """
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    fit(model(sn.optimizers.SGD(learning_rate=1e6)), epochs=2)
if not any(type(x.message).__name__ == "TrainingHint" for x in w): silent("no hint on a diverging run")
""",
    "works",
)

# --- callbacks --------------------------------------------------------------------------------------------------
CB = {"refuse": True}
add("callbacks", "csv_missing_folder", "fit(callbacks=[C.CSVLogger('logs/run.csv')])", names=("logs",), **CB)
add("callbacks", "csv_folder_as_name", "os.mkdir('logs'); fit(callbacks=[C.CSVLogger('logs')])", names=("logs",), **CB)
add("callbacks", "csv_separator_empty", "C.CSVLogger('r.csv', separator='')", **CB)
add("callbacks", "csv_separator_long", "C.CSVLogger('r.csv', separator=';;')", **CB)
add("callbacks", "csv_filename_none", "C.CSVLogger(None)", **CB)
add(
    "callbacks",
    "csv_readonly_folder",
    """
os.mkdir('ro'); os.chmod('ro', 0o500)
if os.access('ro', os.W_OK): skip('as root a read-only folder is writable')
fit(callbacks=[C.CSVLogger('ro/r.csv')])
""",
    names=("ro",),
    **CB,
)
add(
    "callbacks",
    "csv_ok",
    "fit(callbacks=[C.CSVLogger('r.csv')]); assert open('r.csv').read().count(chr(10)) == 3",
    "works",
)
add(
    "callbacks",
    "csv_append_keeps",
    """
fit(callbacks=[C.CSVLogger('r.csv')]); fit(callbacks=[C.CSVLogger('r.csv', append=True)])
n = open('r.csv').read().count(chr(10))
if n != 5: lost(f"{n} lines after two appended runs, want 5")
""",
    "works",
)
add("callbacks", "ckpt_folder", "os.mkdir('ck'); fit(callbacks=[C.ModelCheckpoint('ck')])", names=("ck",), **CB)
add("callbacks", "ckpt_trailing_slash", "fit(callbacks=[C.ModelCheckpoint('ck/')])", names=("ck",), **CB)
add("callbacks", "ckpt_broken_format", "fit(callbacks=[C.ModelCheckpoint('cp-{epoch.npz')])", names=("{epoch",), **CB)
add(
    "callbacks",
    "ckpt_unknown_field",
    "fit(callbacks=[C.ModelCheckpoint('cp-{val_acc:.2f}.npz')])",
    names=("val_acc",),
    **CB,
)
add(
    "callbacks",
    "ckpt_bad_format_spec",
    "fit(callbacks=[C.ModelCheckpoint('cp-{epoch:.2q}.npz')])",
    names=("epoch",),
    **CB,
)
add(
    "callbacks",
    "ckpt_readonly_folder",
    """
os.mkdir('ro'); os.chmod('ro', 0o500)
if os.access('ro', os.W_OK): skip('as root a read-only folder is writable')
fit(callbacks=[C.ModelCheckpoint('ro/m.npz')])
""",
    names=("ro",),
    **CB,
)
add(
    "callbacks",
    "ckpt_parent_is_file",
    "open('f', 'w').close(); fit(callbacks=[C.ModelCheckpoint('f/m.npz')])",
    names=("f",),
    **CB,
)
add("callbacks", "ckpt_filepath_none", "C.ModelCheckpoint(None)", **CB)
add("callbacks", "ckpt_save_freq_zero", "C.ModelCheckpoint('m.npz', save_freq=0)", **CB)
add("callbacks", "ckpt_mode_bad", "C.ModelCheckpoint('m.npz', mode='best')", **CB)
add(
    "callbacks",
    "ckpt_ok_format",
    "fit(callbacks=[C.ModelCheckpoint('cp-{epoch:02d}-{loss:.2f}.npz')]); assert len(os.listdir('.')) == 2",
    "works",
)
add(
    "callbacks",
    "ckpt_best_only_missing_monitor",
    "fit(callbacks=[C.ModelCheckpoint('m.npz', monitor='val_loss', save_best_only=True)])",
    "works",
)
add(
    "callbacks",
    "lambda_wrong_arity",
    "fit(callbacks=[C.LambdaCallback(on_epoch_end=lambda logs: None)])",
    names=("on_epoch_end",),
    **CB,
)
add("callbacks", "lambda_not_callable", "C.LambdaCallback(on_epoch_end=5)", **CB)
add("callbacks", "lambda_unknown_hook", "C.LambdaCallback(on_epoch_finish=lambda e, l: None)", **CB)
add(
    "callbacks",
    "lambda_ok",
    "seen = []; fit(callbacks=[C.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))]); assert seen == [0, 1]",
    "works",
)
add("callbacks", "early_stopping_patience_negative", "C.EarlyStopping(patience=-1)", **CB)
add(
    "callbacks",
    "early_stopping_monitor_typo",
    """
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    fit(callbacks=[C.EarlyStopping(monitor='val_los')])
if not w: silent("a monitor that never appears is not mentioned")
""",
    "works",
)
add("callbacks", "reduce_lr_factor_one", "C.ReduceLROnPlateau(factor=1.0)", **CB)
add("callbacks", "scheduler_returns_none", "fit(callbacks=[C.LearningRateScheduler(lambda e, lr: None)])", **CB)
add("callbacks", "scheduler_one_arg", "fit(callbacks=[C.LearningRateScheduler(lambda e: 0.01)])", "works")
add("callbacks", "callbacks_not_list", "fit(callbacks=C.CSVLogger('r.csv'))", "clear")
add("callbacks", "callbacks_class_not_instance", "fit(callbacks=[C.EarlyStopping])", **CB)
add(
    "callbacks",
    "user_callback_raises",
    """
class B(C.Callback):
    def on_epoch_end(self, e, logs=None):
        raise RuntimeError('mine')
try:
    fit(callbacks=[B()])
except RuntimeError as e:
    if str(e) != 'mine': misleading('the callback error was replaced: ' + str(e))
else:
    silent('the callback error was swallowed')
""",
    "works",
)

# --- saving and loading ------------------------------------------------------------------------------------------------
S = {"refuse": True}
add("saving", "save_folder", "os.mkdir('d'); fitted().save('d')", names=("d",), **S)
add("saving", "save_missing_folder", "fitted().save('nope/m.npz')", names=("nope",), **S)
add("saving", "save_unbuilt", "sn.Sequential([L.Dense(3)]).save('m.npz')", **S)
add("saving", "save_none", "fitted().save(None)", **S)
add(
    "saving",
    "roundtrip",
    "m = fitted(); m.save('m.npz'); m2 = sn.models.load_model('m.npz'); assert np.array_equal(m.predict(X, verbose=0), m2.predict(X, verbose=0))",
    "works",
)
add(
    "saving",
    "roundtrip_weights",
    "m = fitted(); m.save_weights('w.npz'); m2 = model(); m2.build((None, 4)) if not m2.built else None; m2.load_weights('w.npz'); assert np.array_equal(m.get_weights()[0], m2.get_weights()[0])",
    "works",
)
add("saving", "load_missing", "sn.models.load_model('nope.npz')", names=("nope.npz",), **S)
add("saving", "load_folder", "os.mkdir('d'); sn.models.load_model('d')", names=("d",), **S)
add("saving", "load_empty", "open('m.npz', 'w').close(); sn.models.load_model('m.npz')", names=("m.npz",), **S)
add("saving", "load_text", "open('m.npz', 'w').write('hello'); sn.models.load_model('m.npz')", names=("m.npz",), **S)
add(
    "saving",
    "load_truncated",
    "p = saved(); b = open(p, 'rb').read(); open(p, 'wb').write(b[: len(b) // 2]); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "load_bitflip",
    "p = saved(); b = bytearray(open(p, 'rb').read()); b[200] ^= 0xFF; open(p, 'wb').write(bytes(b)); sn.models.load_model(p)",
    "clear",
)
add(
    "saving",
    "load_weights_only_file",
    "m = fitted(); m.save_weights('w.npz'); sn.models.load_model('w.npz')",
    names=("w.npz",),
    **S,
)
add(
    "saving", "load_plain_npz", "np.savez('a.npz', a=np.zeros(3)); sn.models.load_model('a.npz')", names=("a.npz",), **S
)
add(
    "saving",
    "load_pickle_payload",
    """
import pickle
class P:
    def __reduce__(self):
        return (open, (os.path.join(WORK, 'PWNED'), 'w'))
np.savez('p.npz', model_config=np.array([P()], dtype=object), weight_names=np.array([1]))
try:
    sn.models.load_model('p.npz')
finally:
    if os.path.exists(os.path.join(WORK, 'PWNED')): security('a pickle ran')
""",
    names=("p.npz",),
    **S,
)
add(
    "saving",
    "load_zip_slip_names",
    """
with zipfile.ZipFile('z.npz', 'w') as z:
    z.writestr('../../evil.npy', b'x')
try:
    sn.models.load_model('z.npz')
finally:
    if os.path.exists(os.path.join(os.path.dirname(WORK), 'evil.npy')): security('a file was written outside')
""",
    **S,
)
add(
    "saving",
    "load_keras_archive",
    "z = zipfile.ZipFile('m.keras', 'w'); z.writestr('config.json', '{}'); z.close(); sn.models.load_model('m.keras')",
    names=("m.keras",),
    **S,
)
add(
    "saving",
    "load_hdf5",
    "open('m.h5', 'wb').write(b'\\x89HDF\\r\\n\\x1a\\n' + bytes(100)); sn.models.load_model('m.h5')",
    names=("m.h5",),
    **S,
)
add(
    "saving",
    "config_not_json",
    "p = saved(); rewrite(p, model_config=np.frombuffer(b'{not json', np.uint8)); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "config_future_version",
    "p = saved(); with_config(p, lambda s: s.update(format_version=99)); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "config_unknown_layer",
    "p = saved(); with_config(p, lambda s: s['config']['layers'][1].update(class_name='Evil')); sn.models.load_model(p)",
    names=("Evil",),
    **S,
)
add(
    "saving",
    "config_layers_not_list",
    "p = saved(); with_config(p, lambda s: s['config'].update(layers=5)); sn.models.load_model(p)",
    **S,
)
add(
    "saving",
    "config_deep_nesting",
    """
p = saved()
deep = b'[' * 200000 + b']' * 200000
rewrite(p, model_config=np.frombuffer(b'{"format_version": 1, "class_name": "Sequential", "config": {"layers": ' + deep + b'}}', np.uint8))
sn.models.load_model(p)
""",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "config_deep_nested_dicts",
    """
p = saved()
inner = '{"a": ' * 5000 + '1' + '}' * 5000
rewrite(p, model_config=jbytes(None)[:0])
rewrite(p, model_config=np.frombuffer(('{"format_version": 1, "class_name": "Sequential", "config": {"name": "x", "layers": [{"class_name": "Dense", "config": ' + inner + '}]}}').encode(), np.uint8))
sn.models.load_model(p)
""",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "config_huge_units",
    """
p = saved()
with_config(p, lambda s: s['config']['layers'][-1]['config'].update(units=2**27))
t = time.time()
sn.models.load_model(p)
""",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "config_units_negative",
    "p = saved(); with_config(p, lambda s: s['config']['layers'][-1]['config'].update(units=-3)); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "config_units_string",
    "p = saved(); with_config(p, lambda s: s['config']['layers'][-1]['config'].update(units='3')); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "config_huge_input_shape",
    """
p = saved()
def change(s):
    s['config']['input_shape'] = [2**40]
    s['config']['layers'][0]['config']['input_shape'] = [2**40]
with_config(p, change)
sn.models.load_model(p)
""",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "npz_deflate_bomb",
    """
p = saved()
with np.load(p) as d:
    arrays = {k: d[k] for k in d.files}
with zipfile.ZipFile(p, 'w', zipfile.ZIP_DEFLATED) as z:
    for k, v in arrays.items():
        b = io.BytesIO(); np.save(b, v); z.writestr(k + '.npy', b.getvalue())
    with z.open('weight_000.npy', 'w', force_zip64=True) if False else z.open('bomb_pad.npy', 'w') as f:
        pass
os.remove(p)
with zipfile.ZipFile(p, 'w', zipfile.ZIP_DEFLATED) as z:
    for k, v in arrays.items():
        if k == 'weight_000':
            with z.open('weight_000.npy', 'w', force_zip64=True) as f:
                f.write(npy_header((2**28,)))
                chunk = bytes(2**24)
                for _ in range(64): f.write(chunk)
        else:
            b = io.BytesIO(); np.save(b, v); z.writestr(k + '.npy', b.getvalue())
sn.models.load_model(p)
""",
    names=("m.npz",),
    timeout=120,
    **S,
)
add(
    "saving",
    "npz_header_lies",
    """
p = saved()
with np.load(p) as d:
    arrays = {k: d[k] for k in d.files}
with zipfile.ZipFile(p, 'w') as z:
    for k, v in arrays.items():
        if k == 'weight_000':
            z.writestr('weight_000.npy', npy_header((2**34,)) + bytes(16))
        else:
            b = io.BytesIO(); np.save(b, v); z.writestr(k + '.npy', b.getvalue())
sn.models.load_model(p)
""",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "npz_complex_weights",
    "p = saved(); m = sn.models.load_model(p); rewrite(p, weight_000=m.get_weights()[0].astype(complex) + 1j); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "npz_int_weights",
    "p = saved(); m = sn.models.load_model(p); rewrite(p, weight_000=m.get_weights()[0].astype(np.int64)); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "npz_string_weights",
    "p = saved(); m = sn.models.load_model(p); rewrite(p, weight_000=np.array(['a', 'b'])); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "npz_wrong_shape",
    "p = saved(); rewrite(p, weight_000=np.zeros((2, 2), np.float32)); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "npz_missing_weight",
    "p = saved(); rewrite(p, weight_001=None); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "npz_many_members",
    """
with zipfile.ZipFile('m.npz', 'w') as z:
    for i in range(20000):
        z.writestr(f'weight_{i}.npy', npy_header((1,)) + bytes(4))
    z.writestr('weight_names.npy', npy_header((2,), '|u1') + b'[]')
sn.models.load_model('m.npz')
""",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "weight_names_not_json",
    "p = saved(); rewrite(p, weight_names=np.frombuffer(b'\\xff\\xfe', np.uint8)); sn.models.load_model(p)",
    names=("m.npz",),
    **S,
)
add(
    "saving",
    "load_weights_mismatch",
    "m = fitted(); m.save_weights('w.npz'); m2 = sn.Sequential([L.Input((4,)), L.Dense(5)]); m2.load_weights('w.npz')",
    names=("w.npz",),
    **S,
)
add("saving", "load_max_bytes", "p = saved(); sn.models.load_model(p, max_bytes=100)", names=("m.npz",), **S)
add(
    "saving",
    "optimizer_state_resumes",
    """
def run(epochs, resume):
    np.random.seed(0)
    m = sn.Sequential([L.Input((4,)), L.Dense(8, activation='relu', dtype='float64'), L.Dense(3, activation='softmax', dtype='float64')], )
    m.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
    m.set_weights([np.full_like(w, 0.1) * (i + 1) for i, w in enumerate(m.get_weights())])
    x = X.astype('float64')
    if resume:
        m.fit(x, Y, epochs=2, batch_size=16, verbose=0, shuffle=False); m.save('r.npz')
        m = sn.models.load_model('r.npz'); m.fit(x, Y, epochs=3, initial_epoch=2, batch_size=16, verbose=0, shuffle=False)
    else:
        m.fit(x, Y, epochs=3, batch_size=16, verbose=0, shuffle=False)
    return m.get_weights()
a, b = run(3, False), run(3, True)
if not all(np.array_equal(u, v) for u, v in zip(a, b)): lost("resuming from a saved model does not continue the same training (optimizer state lost)")
""",
    "works",
)
add(
    "saving",
    "kill_during_save",
    """
code = "import numpy as np, scratchnet as sn, os, signal\\nfrom scratchnet import layers as L\\nm = sn.Sequential([L.Input((400,)), L.Dense(2000)])\\nm.build((None, 400)) if not m.built else None\\nos.kill(os.getpid(), signal.SIGKILL) if False else None\\nwhile True: m.save('k.npz')\\n"
fitted().save('k.npz')
before = open('k.npz', 'rb').read()
p = subprocess.Popen([sys.executable, '-c', code]); time.sleep(3); p.kill(); p.wait()
m = sn.models.load_model('k.npz') if open('k.npz', 'rb').read() != before else None
""",
    "works",
    timeout=60,
)

# --- gradcheck --------------------------------------------------------------------------------------------------------
from_g = "from scratchnet import gradcheck as G\n"
add(
    "gradcheck",
    "relu_at_zero",
    from_g
    + """
r = G.check_layer(L.ReLU(), np.array([[0.0, 1.0, -1.0, 0.0]]))
if not r.passed and 'kink' not in str(r).lower(): misleading('a correct ReLU at 0 is blamed: ' + str(r)[:200])
""",
    "works",
)
add(
    "gradcheck",
    "maxpool_ties",
    from_g
    + """
r = G.check_layer(L.MaxPooling2D(2), np.ones((1, 4, 4, 1)))
if not r.passed and not any(w in str(r).lower() for w in ('kink', 'tie')): misleading('a correct max-pool on ties is blamed: ' + str(r)[:200])
""",
    "works",
)
add(
    "gradcheck",
    "nan_input",
    from_g + "G.check_layer(L.Dense(3), np.array([[np.nan, 1.0]]))",
    names=("NaN",),
    refuse=True,
)
add(
    "gradcheck",
    "inf_input",
    from_g + "G.check_layer(L.Dense(3), np.array([[np.inf, 1.0]]))",
    names=("inf",),
    refuse=True,
)
add("gradcheck", "eps_zero", from_g + "G.check_layer(L.Dense(3), X[:2], eps=0)", names=("eps",), refuse=True)
add("gradcheck", "eps_negative", from_g + "G.check_layer(L.Dense(3), X[:2], eps=-1e-6)", names=("eps",), refuse=True)
add("gradcheck", "eps_huge", from_g + "G.check_layer(L.Dense(3), X[:2], eps=10.0)", names=("eps",), refuse=True)
add(
    "gradcheck",
    "forward_returns_none",
    from_g
    + """
class Mine(L.Layer):
    def build(self, shape, rng=None, dtype=np.float32):
        self.built = True
    def forward(self, x, training=False):
        y = 2 * x
    def backward(self, dy):
        return 2 * dy
G.check_layer(Mine(), X[:2])
""",
    names=("forward",),
    refuse=True,
)
add(
    "gradcheck",
    "wrong_backward_found",
    from_g
    + """
class Mine(L.Layer):
    def build(self, shape, rng=None, dtype=np.float32):
        self.built = True
    def forward(self, x, training=False):
        return x ** 2
    def backward(self, dy):
        return dy * self_x if False else dy
r = G.check_layer(Mine(), X[:2] + 1.0)
if r.passed: silent('a wrong backward passes')
""",
    "works",
)
add(
    "gradcheck",
    "correct_dense_passes",
    from_g + "r = G.check_layer(L.Dense(3), X[:4])\nif not r.passed: misleading(str(r))",
    "works",
)
add(
    "gradcheck",
    "check_model_ok",
    from_g + "r = G.check_model(fitted(), X[:8], Y[:8])\nif not r.passed: misleading(str(r))",
    "works",
)
add("gradcheck", "check_model_uncompiled", from_g + "G.check_model(model(compile=False), X[:8], Y[:8])", refuse=True)
add("gradcheck", "x_empty", from_g + "G.check_layer(L.Dense(3), np.zeros((0, 4)))", refuse=True)
add("gradcheck", "max_checks_zero", from_g + "G.check_layer(L.Dense(3), X[:2], max_checks=0)", refuse=True)
add("gradcheck", "not_a_layer", from_g + "G.check_layer('dense', X[:2])", refuse=True)

# --- exercises ---------------------------------------------------------------------------------------------------
from_e = "from scratchnet import exercises as E\n"
add(
    "exercises",
    "infinite_loop",
    from_e
    + """
def relu_backward(dy, y):
    while True:
        pass
r = E.check('relu_backward', relu_backward, timeout=2)
if r.passed: silent('an infinite loop passes')
if 'did not return' not in str(r): misleading('the report does not say it did not return: ' + str(r)[:200])
""",
    "works",
    timeout=30,
)
add("exercises", "unknown_name", from_e + "E.check('relu_backwards', lambda dy, y: dy)", **R)
add(
    "exercises",
    "not_callable",
    from_e + "r = E.check('relu_backward', 5)\nassert not r.passed and 'expected a function' in str(r)",
    "works",
)
add("exercises", "wrong_arity", from_e + "r = E.check('relu_backward', lambda dy: dy)\nassert not r.passed", "works")
add("exercises", "raises", from_e + "r = E.check('relu_backward', lambda dy, y: 1 / 0)\nassert not r.passed", "works")
add(
    "exercises",
    "returns_string",
    from_e + "r = E.check('relu_backward', lambda dy, y: 'x')\nassert not r.passed",
    "works",
)
add(
    "exercises",
    "returns_none",
    from_e + "r = E.check('relu_backward', lambda dy, y: None)\nassert not r.passed",
    "works",
)
add(
    "exercises",
    "correct",
    from_e + "r = E.check('relu_backward', lambda dy, y: dy * (y > 0))\nassert r.passed, str(r)",
    "works",
)
add(
    "exercises",
    "prints_a_lot",
    from_e + "r = E.check('relu_backward', lambda dy, y: (print('x' * 10000), dy * (y > 0))[1])\nassert r.passed",
    "works",
)
add(
    "exercises",
    "mutates_input",
    from_e + "def f(dy, y):\n    dy *= (y > 0)\n    return dy\nr = E.check('relu_backward', f)",
    "works",
)
add("exercises", "check_layer_not_class", from_e + "r = E.check_layer(5)\nassert not r.passed, str(r)", "works")
add(
    "exercises",
    "huge_allocation",
    from_e + "r = E.check('relu_backward', lambda dy, y: np.zeros((2**40,)))\nassert not r.passed",
    "works",
)

# --- port tool -------------------------------------------------------------------------------------------------------
P = "from scratchnet import port\n"
add(
    "port",
    "notebook_is_list",
    P + "open('n.ipynb', 'w').write('[1, 2]'); port.main(['n.ipynb'])",
    names=("n.ipynb",),
    **R,
)
add(
    "port",
    "cell_source_number",
    P
    + "open('n.ipynb', 'w').write(json.dumps({'cells': [{'cell_type': 'code', 'source': 5}]})); port.main(['n.ipynb'])",
    names=("n.ipynb",),
    **R,
)
add(
    "port",
    "cells_not_list",
    P + "open('n.ipynb', 'w').write(json.dumps({'cells': 'abc'})); port.main(['n.ipynb'])",
    names=("n.ipynb",),
    **R,
)
add(
    "port",
    "cell_not_dict",
    P + "open('n.ipynb', 'w').write(json.dumps({'cells': [5]})); port.main(['n.ipynb'])",
    names=("n.ipynb",),
    **R,
)
add("port", "folder", P + "os.mkdir('d'); port.main(['d'])", names=("d",), **R)
add("port", "missing", P + "port.main(['nope.py'])", names=("nope.py",), **R)
add(
    "port",
    "bad_output_path",
    P + "open('a.py', 'w').write('import tensorflow as tf\\n'); port.main(['a.py', '-o', 'no/such/dir/b.py'])",
    names=("no/such/dir",),
    **R,
)
add(
    "port",
    "output_is_folder",
    P + "open('a.py', 'w').write('import tensorflow as tf\\n'); os.mkdir('out'); port.main(['a.py', '-o', 'out'])",
    names=("out",),
    **R,
)
add("port", "binary_file", P + "open('a.py', 'wb').write(bytes(range(256))); port.main(['a.py'])", names=("a.py",), **R)
add("port", "invalid_json", P + "open('n.ipynb', 'w').write('{'); port.main(['n.ipynb'])", names=("n.ipynb",), **R)
add(
    "port",
    "ok_py",
    P
    + "open('a.py', 'w').write('import tensorflow as tf\\nm = tf.keras.Sequential()\\n'); port.main(['a.py', '-o', 'b.py']); assert 'scratchnet' in open('b.py').read()",
    "works",
)
add(
    "port",
    "ok_notebook",
    P
    + "open('n.ipynb', 'w').write(json.dumps({'cells': [{'cell_type': 'code', 'source': ['import tensorflow as tf']}], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5})); port.main(['n.ipynb', '-o', 'o.ipynb'])",
    "works",
)
add(
    "port",
    "in_place_keeps_on_error",
    P
    + """
open('n.ipynb', 'w').write('[1]')
try:
    port.main(['n.ipynb', '--in-place'])
finally:
    if open('n.ipynb').read() != '[1]': lost('the notebook was overwritten')
""",
    names=("n.ipynb",),
    **R,
)

# --- images ----------------------------------------------------------------------------------------------------------
IMG = "from scratchnet.images import prepare_image\n"
add(
    "images",
    "truncated_png",
    IMG
    + "p = png('a.png', np.full((40, 40), 200)); b = open(p, 'rb').read(); open(p, 'wb').write(b[:60]); prepare_image(p)",
    names=("a.png",),
    **R,
)
add("images", "empty_array", IMG + "prepare_image(np.zeros((0, 0)))", **R)
add("images", "nan_array", IMG + "a = np.zeros((28, 28)); a[3, 3] = np.nan; prepare_image(a)", **R)
add(
    "images",
    "huge_image_file",
    IMG
    + """
from PIL import Image
Image.new('L', (1, 1)).save('big.png')
data = bytearray(open('big.png', 'rb').read())
i = data.index(b'IHDR')
data[i + 4 : i + 12] = struct.pack('>II', 8000, 8000)
data[i + 17 : i + 21] = struct.pack('>I', zlib.crc32(bytes(data[i : i + 17])))
open('big.png', 'wb').write(bytes(data))
prepare_image('big.png')
""",
    names=("big.png",),
    memory_mb=2500,
    timeout=90,
    **R,
)
add("images", "huge_array", IMG + "prepare_image(np.zeros((30000, 30000), np.uint8))", memory_mb=2500, **R)
add("images", "missing_file", IMG + "prepare_image('nope.png')", names=("nope.png",), **R)
add("images", "text_file", IMG + "open('a.png', 'w').write('hello'); prepare_image('a.png')", names=("a.png",), **R)
add("images", "folder", IMG + "os.mkdir('d'); prepare_image('d')", names=("d",), **R)
add("images", "box_zero", IMG + "prepare_image(np.ones((28, 28)), box=0)", **R)
add("images", "center_unknown", IMG + "prepare_image(np.ones((28, 28)), center='middle')", **R)
add("images", "blank_image", IMG + "prepare_image(np.zeros((28, 28)))", "clear")
add(
    "images",
    "rgb_ok",
    IMG
    + "a = np.zeros((50, 50, 3)); a[10:40, 20:30] = 255; r = prepare_image(a); assert r.shape[-2:] == (28, 28) or r.size == 784",
    "works",
)
add("images", "complex_array", IMG + "prepare_image(np.ones((28, 28), complex))", **R)
add("images", "four_dims", IMG + "prepare_image(np.ones((2, 28, 28, 3)))", **R)

# --- datasets and downloads (a local server on 127.0.0.1) ------------------------------------------------------------
D = {"refuse": True}
add("datasets", "server_404", "mnist_from(serve(b'no', status=404))", **D)
add("datasets", "server_html", "mnist_from(serve(b'<html>hi</html>', headers={'Content-Type': 'text/html'}))", **D)
add("datasets", "server_garbage", "mnist_from(serve(bytes(1000)))", **D)
add("datasets", "server_500", "mnist_from(serve(b'', status=500))", **D)
add("datasets", "server_refused", "mnist_from('http://127.0.0.1:9/')", **D)
add(
    "datasets",
    "server_trickle",
    "mnist_from(serve(trickle=0.5, headers={'Content-Length': '9999999'}), SCRATCHNET_DOWNLOAD_DEADLINE='3')",
    **D,
    timeout=45,
)
add("datasets", "server_huge_length", "mnist_from(serve(b'', headers={'Content-Length': str(10**12)}))", **D)
add("datasets", "url_not_https", "mnist_from('http://example.com/')", **D)
add(
    "datasets",
    "offline",
    "os.environ['SCRATCHNET_OFFLINE'] = '1'; sn.datasets.mnist.load_data(data_dir='data', verbose=0)",
    **D,
)
add(
    "datasets",
    "data_dir_is_file",
    "open('f', 'w').close(); os.environ['SCRATCHNET_MNIST_URLS'] = 'http://127.0.0.1:9/'; sn.datasets.mnist.load_data(data_dir='f', verbose=0)",
    names=("f",),
    **D,
)
add(
    "datasets",
    "keras_path_bad_npz",
    "np.savez('mnist.npz', a=np.zeros(3)); os.environ['SCRATCHNET_OFFLINE'] = '1'; sn.datasets.mnist.load_data(path=os.path.abspath('mnist.npz'), data_dir='data', verbose=0)",
    **D,
)
add(
    "datasets",
    "idx_truncated",
    "from scratchnet.datasets import idx\nopen('a.idx', 'wb').write(b'\\x00\\x00\\x08\\x03\\x00\\x00\\x00\\x10'); idx.read_idx('a.idx') if hasattr(idx, 'read_idx') else idx.parse(open('a.idx', 'rb').read())",
    **D,
)

# --- utils, metrics, losses --------------------------------------------------------------------------------------
add("utils", "to_categorical_negative", "sn.utils.to_categorical([-1, 2], 3)", **R)
add("utils", "to_categorical_too_few", "sn.utils.to_categorical([0, 5], 3)", **R)
add("utils", "to_categorical_float", "sn.utils.to_categorical([0.5, 1], 3)", **R)
add("losses", "unknown_reduction", "sn.losses.SparseCategoricalCrossentropy(reduction='avg')", **R)
add(
    "losses",
    "mse_shape_mismatch",
    "m = sn.Sequential([L.Input((4,)), L.Dense(3)]); m.compile('sgd', 'mse'); m.fit(X, np.zeros((64, 2)), verbose=0)",
    **R,
)
add(
    "losses",
    "binary_labels_out_of_range",
    "m = sn.Sequential([L.Input((4,)), L.Dense(1, activation='sigmoid')]); m.compile('sgd', 'binary_crossentropy'); m.fit(X, Y * 3.0, verbose=0)",
    **R,
)
add("losses", "from_logits_str", "sn.losses.SparseCategoricalCrossentropy(from_logits='yes')", **R)
add(
    "metrics",
    "metric_not_a_name",
    "model(compile=False).compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy', 5])",
    **R,
)

# --- hints: silent on healthy runs, heard on their traps -------------------------------------------------------
add("hints", "healthy_dense", "fit(epochs=5)", "works", no_hints=True)
add(
    "hints",
    "healthy_l2_penalty",
    """
m = sn.Sequential([L.Input((4,)), L.Dense(64, activation='relu', kernel_regularizer=sn.regularizers.l2(0.01)), L.Dense(3, activation='softmax', kernel_regularizer=sn.regularizers.l2(0.01))])
m.compile('adam', 'sparse_categorical_crossentropy'); m.fit(X, Y, epochs=3, verbose=0)
""",
    "works",
    no_hints=True,
)
add(
    "hints",
    "healthy_fit_once_per_epoch_cnn",
    """
r = np.random.default_rng(1)
x = r.random((512, 12, 12, 1)).astype('float32'); y = (x[:, :6].mean(axis=(1, 2, 3)) > x[:, 6:].mean(axis=(1, 2, 3))).astype(int)
m = sn.Sequential([L.Input((12, 12, 1)), L.Conv2D(8, 3, activation='relu'), L.MaxPooling2D(2), L.Flatten(), L.Dense(32, activation='relu'), L.Dense(2, activation='softmax')])
m.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])
for epoch in range(6):
    m.fit(x, y, epochs=1, batch_size=32, verbose=0)
""",
    "works",
    no_hints=True,
    timeout=90,
)
add(
    "hints",
    "healthy_sgd_small_batches",
    """
m = model('sgd'); m.fit(X, Y, epochs=4, batch_size=1, verbose=0)
""",
    "works",
    no_hints=True,
)
add(
    "hints",
    "trap_unscaled_input",
    """
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter('always')
    m = model(); m.fit(X * 255, Y, epochs=1, verbose=0); m.predict(X, verbose=0)
if not w: silent('no hint on a model trained on 0..255 and asked about 0..1')
""",
    "works",
)
add(
    "hints",
    "trap_softmax_with_from_logits",
    """
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter('always')
    m = model(compile=False); m.compile('adam', sn.losses.SparseCategoricalCrossentropy(from_logits=True))
if not w: silent('no hint on softmax + from_logits=True')
""",
    "works",
)
