"""The PyTorch (CPU, eager) run of ``benchmarks/peers.py``: the Keras models as nn.Modules, trained by hand.

Started by peers.py in its own venv (benchmarks/.venvs/torch). To compare like with like, each module starts the
way Keras does (glorot_uniform weights, zero biases; an LSTM's recurrent weights orthogonal and its forget-gate
bias 1; embeddings uniform in [-0.05, 0.05]) and the optimizers take Keras's hyper-parameters. The last Dense's
softmax (sigmoid) is folded into the loss, as PyTorch code does: ``cross_entropy`` on logits. Each step also counts
correct predictions, the running accuracy that Keras's and scratchnet's ``fit`` keep. PyTorch picks its own
threads (``torch.get_num_threads()``: the cores).
"""

from __future__ import annotations

import common
import numpy as np


def build(model: str, torch):
    nn = torch.nn

    class TextClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(common.VOCAB, 16)
            self.lstm = nn.LSTM(16, 32, batch_first=True, bidirectional=True)
            self.out = nn.Linear(64, 1)

        def forward(self, tokens):
            _, (h, _) = self.lstm(self.embedding(tokens))
            # h: (2, batch, 32), the forward direction's last state and the backward one's, as Bidirectional
            # concatenates them.
            return self.out(torch.cat([h[0], h[1]], dim=1)).squeeze(1)

    if model in ("mlp", "tape"):
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    elif model == "dlwp":
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    elif model == "cnn":
        net = nn.Sequential(
            nn.Conv2d(1, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2, 2),
            nn.Conv2d(64, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2, 2),
            nn.Flatten(),
            nn.Linear(64 * 5 * 5, 128),
            nn.ReLU(),
            nn.Linear(128, 10),
        )
    elif model == "bilstm":
        net = TextClassifier()
    else:
        raise ValueError(model)
    keras_initializers(net, torch)
    return net


def keras_initializers(net, torch) -> None:
    init = torch.nn.init
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, (torch.nn.Linear, torch.nn.Conv2d)):
                # xavier_uniform_ computes fan_in/fan_out as Keras's glorot_uniform does for both layouts.
                init.xavier_uniform_(module.weight)
                init.zeros_(module.bias)
            elif isinstance(module, torch.nn.Embedding):
                init.uniform_(module.weight, -0.05, 0.05)
            elif isinstance(module, torch.nn.LSTM):
                for name, p in module.named_parameters():
                    if name.startswith("weight_ih"):
                        init.xavier_uniform_(p)
                    elif name.startswith("weight_hh"):
                        # Keras: one orthogonal (units, 4 units) recurrent kernel; this is its transpose.
                        init.orthogonal_(p)
                    elif name.startswith("bias_ih"):
                        init.zeros_(p)
                        p[module.hidden_size : 2 * module.hidden_size] = 1.0  # gates i, f, g, o: unit_forget_bias
                    else:
                        init.zeros_(p)


def optimizer_for(model: str, net, torch):
    if model == "dlwp":
        rms = common.RMSPROP
        # PyTorch adds eps outside the square root, Keras inside: 1e-7 either way is far below sqrt(v).
        return torch.optim.RMSprop(net.parameters(), lr=rms["lr"], alpha=rms["rho"], eps=rms["epsilon"])
    a = common.ADAM
    return torch.optim.Adam(net.parameters(), lr=a["lr"], betas=(a["beta_1"], a["beta_2"]), eps=a["epsilon"])


def shape_inputs(model: str, x: np.ndarray) -> np.ndarray:
    if model == "dlwp":
        return x.reshape(len(x), 784)
    if model == "cnn":
        return x.reshape(len(x), 1, 28, 28)  # PyTorch's channels-first layout; a view, no copy
    return x


def main() -> None:
    args = common.parse_args("torch")
    result = common.Result("torch", args)
    import torch
    import torch.nn.functional as F

    build_flags = torch.__config__.show()
    capability = next(
        (line.split(":", 1)[1].strip() for line in build_flags.splitlines() if "CPU capability" in line), "?"
    )
    blas = "MKL" if "BLAS_INFO=mkl" in build_flags else "see torch.__config__.show()"
    result.data["version"] = (
        f"PyTorch {torch.__version__} (CUDA {torch.version.cuda or 'none'}), NumPy {np.__version__}"
    )
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = common.load(args.model, args.data_dir, args.n_train)
    result.data_loaded(x_train, y_train, x_test, y_test)
    # torch.from_numpy shares the arrays' memory: no copy.
    x = torch.from_numpy(shape_inputs(args.model, x_train))
    y = torch.from_numpy(y_train)
    xt = torch.from_numpy(shape_inputs(args.model, x_test))
    yt = torch.from_numpy(y_test)
    if args.model == "bilstm":
        x, xt = x.long(), xt.long()  # nn.Embedding wants int64 indices: one copy of the token arrays
        y, yt = y.float(), yt.float()

    net = build(args.model, torch)
    optimizer = optimizer_for(args.model, net, torch)
    batch = common.MODELS[args.model]["batch"]
    binary = args.model == "bilstm"
    loss_fn = F.binary_cross_entropy_with_logits if binary else F.cross_entropy
    clock = common.Clock()
    rng = np.random.default_rng(0)

    result.before_fit()
    net.train()
    for _ in range(args.epochs):
        clock.start()
        correct = torch.zeros((), dtype=torch.int64)
        for rows in common.batches(len(x), batch, rng):
            index = torch.from_numpy(rows)
            xb, yb = x[index], y[index]
            optimizer.zero_grad()
            out = net(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                correct += (((out > 0).float() == yb) if binary else (out.argmax(1) == yb)).sum()
        clock.stop()
    result.after_fit(clock.times)

    net.eval()
    with torch.no_grad():
        out = torch.cat([net(xt[i : i + 1000]) for i in range(0, len(xt), 1000)])
        hits = ((out > 0).float() == yt) if binary else (out.argmax(1) == yt)
        accuracy = hits.float().mean().item()
    result.finish(
        accuracy,
        threads=f"torch.get_num_threads()={torch.get_num_threads()}, interop {torch.get_num_interop_threads()}; "
        f"BLAS {blas}, oneDNN {torch.backends.mkldnn.is_available()}, CPU capability {capability}",
    )


if __name__ == "__main__":
    main()
