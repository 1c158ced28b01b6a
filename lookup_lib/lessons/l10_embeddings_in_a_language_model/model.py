"""The models of lesson 10 and the library's copy of the training loop the notebook writes in its cells.

- :class:`Bigram`: a (V, V) table, looked up by the previous character: the table *is* the logits;
- :class:`CharMLP`: makemore part 2 — a context of ``block`` characters, their D-dimensional rows
  concatenated, one tanh layer, logits over the V characters;
- :class:`TinyLM`: what a GPT does before attention — ``tok_emb(ids) + pos_emb(arange(T))``, a
  per-position layer, a sum over positions (order-blind on its own, hence the position table), and an
  output layer that is either its own ``(V, D)`` matrix or the token table itself (weight tying).

:func:`train` is the loop of the notebook's cells (Adam, minibatches drawn by a seeded ``torch.Generator``
on the CPU, so the same seed gives the same batches on any device); a test checks they agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from lookup_lib.lessons.kit.vocab import Vocab

__all__ = ["Bigram", "CharMLP", "TinyLM", "count_parameters", "held_out_loss", "sample", "train", "tying_runs"]


class Bigram(nn.Module):
    """``logits = table(previous id)``: row k of the (V, V) table holds the scores of every next character."""

    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.table = nn.Embedding(vocab_size, vocab_size)

    def forward(self, context: torch.Tensor) -> torch.Tensor:
        return self.table(context[:, -1])  # (B,) → (B, V)


class CharMLP(nn.Module):
    """makemore part 2: look up ``block`` characters, concatenate their rows, tanh layer, logits."""

    def __init__(self, vocab_size: int, block: int, dim: int, hidden: int) -> None:
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, dim)
        self.hidden = nn.Linear(block * dim, hidden)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, context: torch.Tensor) -> torch.Tensor:
        x = self.tok_emb(context)  # (B, T, D)
        h = torch.tanh(self.hidden(x.flatten(1)))  # (B, T·D) → (B, H)
        return self.out(h)  # (B, V)


class TinyLM(nn.Module):
    """Token + position tables, a per-position layer, a sum over positions, a tied or untied output layer."""

    def __init__(self, vocab_size: int, block: int, dim: int, hidden: int, tied: bool, positions: bool = True) -> None:
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, dim)
        self.pos_emb = nn.Embedding(block, dim) if positions else None
        self.mix = nn.Linear(dim, hidden)
        self.proj = nn.Linear(hidden, dim)
        self.head = None if tied else nn.Linear(dim, vocab_size, bias=False)

    def forward(self, context: torch.Tensor) -> torch.Tensor:
        x = self.tok_emb(context)  # (B, T, D)
        if self.pos_emb is not None:
            x = x + self.pos_emb(torch.arange(context.shape[1], device=context.device))  # (T, D) broadcast
        h = self.proj(torch.tanh(self.mix(x)).sum(dim=1))  # (B, T, H) → (B, H) → (B, D)
        out_weight = self.tok_emb.weight if self.head is None else self.head.weight  # (V, D)
        return h @ out_weight.T  # (B, V)


def count_parameters(model: nn.Module) -> int:
    """Number of parameters; a tied table is one tensor, so it is counted once."""
    return sum(p.numel() for p in model.parameters())


def train(
    model: nn.Module,
    X: torch.Tensor,
    Y: torch.Tensor,
    *,
    steps: int,
    batch_size: int = 256,
    lr: float = 1e-2,
    seed: int = 0,
    device: str = "cpu",
) -> list[float]:
    """Adam on minibatches drawn by ``torch.Generator().manual_seed(seed)``; returns every step's loss."""
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        batch = torch.randint(0, len(X), (batch_size,), generator=gen)  # (B,), drawn on the CPU
        loss = F.cross_entropy(model(X[batch].to(device)), Y[batch].to(device))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@torch.no_grad()
def held_out_loss(model: nn.Module, X: torch.Tensor, Y: torch.Tensor) -> float:
    """Mean cross-entropy (nats per character) on all of (X, Y)."""
    device = next(model.parameters()).device
    return F.cross_entropy(model(X.to(device)), Y.to(device)).item()


@torch.no_grad()
def sample(model: nn.Module, vocab: Vocab, block: int, n: int, generator: torch.Generator,
           max_len: int = 60) -> list[str]:
    """``n`` verses drawn character by character from ``<bos>``, until ``<bos>`` again or ``max_len`` characters."""
    bos = vocab.index("<bos>")
    device = next(model.parameters()).device
    texts = []
    for _ in range(n):
        context, chars = [bos] * block, []
        while len(chars) < max_len:
            probs = F.softmax(model(torch.tensor([context], device=device)), dim=-1).cpu()  # (1, V)
            k = int(torch.multinomial(probs, 1, generator=generator))
            if k == bos:
                break
            chars.append(vocab.words[k])
            context = [*context[1:], k]
        texts.append("".join(chars))
    return texts


def tying_runs(data: tuple[torch.Tensor, ...], vocab_size: int, block: int, seeds: Sequence[int], *,
               dim: int = 16, hidden: int = 64, steps: int = 300
               ) -> tuple[dict[bool, list[float]], dict[tuple[bool, int], TinyLM]]:
    """Held-out loss of TinyLM, tied and untied, one run per seed.

    ``data`` is ``(X_train, Y_train, X_held_out, Y_held_out)``. The seed fixes both the initial weights
    and the batches, so tied and untied runs of one seed see the same batches.

    Returns ``{tied: [held-out loss per seed]}`` and the trained models, ``{(tied, seed): model}``.
    """
    X, Y, X_out, Y_out = data
    losses: dict[bool, list[float]] = {True: [], False: []}
    models: dict[tuple[bool, int], TinyLM] = {}
    for seed in seeds:
        for tied in (True, False):
            torch.manual_seed(seed)
            model = TinyLM(vocab_size, block, dim, hidden, tied=tied)
            train(model, X, Y, steps=steps, seed=seed)
            losses[tied].append(held_out_loss(model, X_out, Y_out))
            models[(tied, seed)] = model
    return losses, models
