"""Principal component analysis in plain NumPy: the 2-D pictures of learned embeddings.

Used by lesson 07 (products by department) and lesson 08 (words by meaning); no torch here,
so the figures and widgets can use it without importing torch.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pca"]


def pca(vectors: np.ndarray, n_components: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Project rows onto their first principal components (centre, then SVD), in NumPy.

    Each component's sign is fixed so that its largest-magnitude coefficient is positive:
    the same data always gives the same picture, not a mirror image of it.

    Parameters
    ----------
    vectors : array, shape (N, D)
    n_components : int, <= min(N, D)

    Returns
    -------
    points : numpy.ndarray of float64, shape (N, n_components)
    explained : numpy.ndarray of float64, shape (n_components,)
        The fraction of the total variance each component keeps.

    Examples
    --------
    >>> points, explained = pca(np.array([[0.0, 0.0], [2.0, 0.1], [4.0, 0.0]]), 1)
    >>> points.ravel().round(3).tolist(), explained.round(3).tolist()
    ([-2.0, 0.0, 2.0], [0.999])
    """
    x = np.asarray(vectors, dtype=np.float64)
    centred = x - x.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)  # components: (min(N, D), D)
    components = components[:n_components]
    flip = np.sign(components[np.arange(n_components), np.abs(components).argmax(axis=1)])
    components = components * flip[:, None]
    variance = singular**2
    return centred @ components.T, variance[:n_components] / variance.sum()
