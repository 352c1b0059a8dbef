"""Which examples each update of a run on data uses: the shuffled batches of every epoch."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np

__all__ = ["BatchSchedule"]


class BatchSchedule:
    """Which examples each update uses, recomputed on demand from the seed.

    Epoch e (1, 2, ...) visits the examples in the order ``default_rng([seed, e]).permutation``
    (the file order when the batch is the whole set), cut into consecutive batches; the last
    batch of an epoch is smaller when the batch size does not divide the number of examples.
    Nothing but a few recent permutations is stored, and any update's batch can be asked for
    in any order, from any thread.
    """

    def __init__(self, n_examples: int, batch_size: int | None, seed: int) -> None:
        self.n_examples = n_examples
        self.batch_size = batch_size or n_examples
        self.seed = seed
        self.shuffled = self.batch_size < n_examples
        self.updates_per_epoch = math.ceil(n_examples / self.batch_size)
        self._orders: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def epoch_of(self, update: int) -> int:
        """The epoch (1, 2, ...) that update ``update`` belongs to; 0 for the start."""
        return 0 if update <= 0 else (update - 1) // self.updates_per_epoch + 1

    def order(self, epoch: int) -> np.ndarray:
        """The order in which epoch ``epoch`` visits the examples (read-only)."""
        with self._lock:
            if epoch in self._orders:
                self._orders.move_to_end(epoch)
                return self._orders[epoch]
        if self.shuffled:
            order = np.random.default_rng([self.seed, epoch]).permutation(self.n_examples)
        else:
            order = np.arange(self.n_examples)
        order.flags.writeable = False
        with self._lock:
            self._orders[epoch] = order
            while len(self._orders) > 4:
                self._orders.popitem(last=False)
        return order

    def locate(self, update: int) -> tuple[int, int]:
        """``(epoch, position)``: update ``update``'s batch starts at ``order(epoch)[position]``."""
        epoch = self.epoch_of(update)
        return epoch, (update - 1 - (epoch - 1) * self.updates_per_epoch) * self.batch_size

    def batch_indices(self, update: int) -> np.ndarray:
        """The example indices (0-based rows of the data) that update ``update`` uses."""
        if update < 1:
            raise ValueError("updates are numbered from 1")
        epoch, start = self.locate(update)
        return self.order(epoch)[start : start + self.batch_size]
