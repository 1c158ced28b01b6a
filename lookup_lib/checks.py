"""Input checks shared by every function of lookup_lib.

Each check either returns a clean NumPy value or raises an error that names the bad
value and what was allowed. None of them changes its argument: callers run all checks
first and only then touch any array in place (torch 2.13 renormalises a row before it
notices index -1; lookup_lib never does).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def from_torch(x: Any, name: str = "value") -> Any:
    """Turn a torch tensor into a NumPy array (sharing memory on CPU); pass anything else through.

    Detected by duck typing so that lookup_lib never imports torch. A dtype NumPy lacks
    (bfloat16, ...) raises ``TypeError`` naming ``name``.
    """
    if type(x).__module__.startswith("torch") and hasattr(x, "detach"):
        try:
            return x.detach().cpu().numpy()
        except TypeError:
            raise TypeError(
                f"{name} is a tensor of dtype {x.dtype}, which NumPy has no type for; "
                f"convert it first, e.g. {name}.float()"
            ) from None
    return x


def _short(value: Any) -> str:
    """``repr(value)``, cut to 60 characters, for error messages."""
    text = " ".join(repr(value).split())  # on one line
    return text if len(text) <= 60 else text[:57] + "..."


def as_array(value: Any, name: str) -> np.ndarray:
    """``np.asarray`` of ``value`` (a tensor too), or an error naming ``name`` for ragged lists and None."""
    original = from_torch(value, name)
    if original is None:
        raise TypeError(f"{name} must be an array, a list or a tensor, got None")
    try:
        return np.asarray(original)
    except ValueError:  # NumPy: "setting an array element with a sequence ... inhomogeneous shape"
        raise ValueError(f"{name} must be a rectangular (non-ragged) array, got {_short(value)}") from None


INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32))


def as_indices(indices: Any, name: str = "indices") -> np.ndarray:
    """Return ``indices`` as an int64 or int32 NumPy array (what torch accepts), or raise ``TypeError``.

    Python ints become int64; an empty list is an empty int64 array. Any other dtype (bool, float,
    uint8, int16, uint64, ..., or ints too large for int64) is refused, as torch refuses it.
    """
    arr = as_array(indices, name)
    if arr.size == 0 and arr.dtype == np.float64 and not isinstance(from_torch(indices), np.ndarray):
        # np.asarray([]) is float64; an empty Python list is an empty list of indices.
        arr = arr.astype(np.int64)
    if arr.dtype not in INDEX_DTYPES:
        shown = f"dtype {arr.dtype}" if isinstance(indices, np.ndarray) else f"{_short(indices)} (dtype {arr.dtype})"
        hint = " — bools are masks, not indices" if arr.dtype == np.bool_ else ""
        if arr.dtype == object or (arr.dtype.kind == "f" and not isinstance(from_torch(indices), np.ndarray)
                                   and np.all(np.mod(arr, 1) == 0)):
            hint = " — every index must fit in int64"
        raise TypeError(f"{name} must be integers of dtype int64 or int32, as torch requires, got {shown}{hint}")
    return arr


def check_range(indices: np.ndarray, num_rows: int, what: str = "table") -> None:
    """Raise ``IndexError`` for the first index outside ``[0, num_rows)``: its value, position and the range."""
    if indices.size == 0 or (indices.min() >= 0 and indices.max() < num_rows):
        return  # the common case: two passes over the indices, no temporary arrays
    bad = (indices < 0) | (indices >= num_rows)
    position = tuple(int(i) for i in np.argwhere(bad)[0])
    value = int(indices[position])
    where = f"at position {position}" if position else "(a 0-d index)"
    hint = " (negative indices do not wrap around)" if value < 0 else ""
    valid = f"0 to {num_rows - 1}" if num_rows > 0 else "none: the table is empty"
    raise IndexError(
        f"index {value} {where} is out of range for a {what} of {num_rows} rows; "
        f"valid indices are {valid}{hint}"
    )


def as_weight(weight: Any) -> np.ndarray:
    """Return ``weight`` as a 2-D NumPy array (the same object when it already is one)."""
    arr = as_array(weight, "weight")
    if arr.ndim != 2:
        raise ValueError(
            f"weight must be 2-D (num_embeddings, embedding_dim), got {arr.ndim}-D with shape {arr.shape}"
        )
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"weight must hold numbers (float, int), got dtype {arr.dtype}")
    return arr


def as_writable_float_table(weight: Any, purpose: str) -> np.ndarray:
    """Return ``weight`` itself as a writable 2-D float ndarray, for functions that change it in place."""
    arr = as_weight(weight)
    original = from_torch(weight, "weight")
    if not isinstance(original, np.ndarray):
        raise TypeError(
            f"{purpose} changes weight in place, so weight must be a NumPy array or a CPU tensor, "
            f"got {type(weight).__name__}"
        )
    if arr.dtype.kind != "f":
        raise TypeError(f"{purpose} needs a floating-point weight, got dtype {arr.dtype}")
    if not arr.flags.writeable:
        raise ValueError(f"{purpose} changes weight in place, but this weight array is read-only")
    return arr


def normalize_padding_idx(padding_idx: int | None, num_embeddings: int) -> int | None:
    """Map ``padding_idx`` in ``[-V, V)`` to ``[0, V)``, as torch does; ``None`` stays ``None``."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, (bool, np.bool_)) or not isinstance(padding_idx, (int, np.integer)):
        raise TypeError(f"padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"padding_idx={padding_idx} is outside the table: with num_embeddings={num_embeddings} "
            f"it must lie in [{-num_embeddings}, {num_embeddings})"
        )
    return int(padding_idx) % num_embeddings


def check_max_norm(max_norm: float | None, norm_type: float) -> None:
    """Raise ``ValueError`` unless ``max_norm`` is None or > 0 and ``norm_type`` > 0 (inf allowed)."""
    if not isinstance(norm_type, (int, float, np.integer, np.floating)) or not norm_type > 0:
        raise ValueError(f"norm_type must be a positive number (1, 2, inf, ...), got {norm_type!r}")
    if max_norm is None:
        return
    if not isinstance(max_norm, (int, float, np.integer, np.floating)) or not max_norm > 0:
        raise ValueError(f"max_norm must be a positive number or None, got {max_norm!r}")
    if math.isnan(max_norm):  # pragma: no cover - nan > 0 is already False
        raise ValueError(f"max_norm must be a positive number or None, got {max_norm!r}")


def check_positive_int(value: Any, name: str, allow_zero: bool = False) -> int:
    """Return ``value`` as an int if it is a whole number > 0 (or >= 0), else raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    low = 0 if allow_zero else 1
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)


def check_sparse_without_scaling(sparse: bool, scale_grad_by_freq: bool) -> None:
    """torch has no sparse gradient for ``scale_grad_by_freq``; neither do we."""
    if sparse and scale_grad_by_freq:
        raise ValueError("scale_grad_by_freq is not supported with sparse gradients (torch refuses it too)")


def as_table(weight: Any, max_norm: float | None, purpose: str, need_float: bool = False) -> np.ndarray:
    """The one rule for a lookup's table: itself, writable and float when ``max_norm`` will change it.

    Without ``max_norm`` any 2-D array of numbers will do (``need_float``: only float ones).
    """
    if max_norm is not None:
        return as_writable_float_table(weight, f"{purpose} with max_norm")
    table = as_weight(weight)
    if need_float and table.dtype.kind != "f":
        raise TypeError(f"{purpose} needs a floating-point weight, got dtype {table.dtype}")
    return table


def as_grad(grad_output: Any) -> np.ndarray:
    """``grad_output`` as a floating-point NumPy array, or an error that names it."""
    grad = as_array(grad_output, "grad_output")
    if grad.dtype.kind != "f":
        shown = _short(grad_output)
        raise TypeError(f"grad_output must hold floating-point numbers, got {shown} (dtype {grad.dtype})")
    return grad


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as a bool if it is a ``bool`` or ``np.bool_``; like torch, refuse "False" and the rest."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool (True or False), got {value!r} of type {type(value).__name__}")
    return bool(value)
