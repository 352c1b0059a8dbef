"""A GIF written frame by frame, with one global palette that keeps chosen colours exact.

Why not ``Image.save(save_all=True)``: Pillow keeps every frame until it writes (300 frames at
800x600 are 144 MB), gives each frame its own palette unless told otherwise (50x bigger), and a
median-cut palette from one frame can turn a thin red path grey. Here:

- the palette is built once, before the first frame, from a sample frame (the film's last one,
  where the whole path is drawn): first the colours that must stay exact (the path, the
  markers, each run's colour), then the sample's most common colours (background, text), then
  a median cut of the rest of the sample;
- every pixel goes to its nearest palette colour, so a colour in the palette stays itself, bit
  for bit (Pillow's own mapping works on a 6-bit cache and may not);
- each frame stores only the rectangle that changed since the previous frame (frames are not
  disposed), and a frame equal to the previous one only lengthens its delay ("optimize");
- frames are written as they come: the writer holds two frames, whatever the film's length.

Pillow encodes each rectangle (its LZW encoder, through ``GifImagePlugin.getdata``); the file
structure around it is written here.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import BinaryIO

import numpy as np

RGB = tuple[int, int, int]
PALETTE_SIZE = 256
TRANSPARENT = 255
"""The palette index kept for "unchanged since the previous frame": inside a frame's changed
rectangle, pixels that did not change are written as this index, which LZW compresses to
almost nothing (a film grows a thin path: most of the rectangle is unchanged)."""
COLOURS = PALETTE_SIZE - 1
COMMON_COLOURS = 96
"""Palette entries given to the sample's most common colours, exact (backgrounds, text, axes)."""
NEAREST_CHUNK = 2048
"""New colours matched to the palette at a time (bounds the distance table's memory)."""


def build_palette(samples: Sequence[np.ndarray], exact: Sequence[RGB] = ()) -> np.ndarray:
    """A ``(256, 3)`` uint8 palette of 255 colours (the last index is :data:`TRANSPARENT`):
    ``exact`` colours first, then the samples' common
    colours, then a median cut of the samples (see the module docstring)."""
    from PIL import Image

    colours: list[RGB] = list(dict.fromkeys((int(r), int(g), int(b)) for r, g, b in exact))
    colours = colours[:COLOURS]
    pixels = np.concatenate([np.asarray(s, dtype=np.uint8).reshape(-1, 3) for s in samples])
    packed, counts = np.unique(_pack(pixels), return_counts=True)
    common = packed[np.argsort(counts, kind="stable")[::-1][:COMMON_COLOURS]]
    _add(colours, (_unpack_one(c) for c in common))
    room = COLOURS - len(colours)
    if room > 0 and len(packed) > len(colours):
        image = Image.fromarray(pixels.reshape(1, -1, 3), "RGB")
        cut = image.quantize(colors=room, method=Image.Quantize.MEDIANCUT).getpalette() or []
        _add(colours, (tuple(cut[i : i + 3]) for i in range(0, min(len(cut), 3 * room), 3)))
    palette = np.zeros((PALETTE_SIZE, 3), dtype=np.uint8)
    palette[: len(colours)] = np.asarray(colours, dtype=np.uint8).reshape(-1, 3)
    palette[TRANSPARENT] = palette[0]  # never chosen by the mapper: it is not a colour
    return palette


class PaletteMapper:
    """Maps RGB pixels to palette indices: exact colours exactly, others to the nearest entry.

    Colours already seen are remembered (a sorted table of packed RGB), so a film's frames,
    which share almost all their colours, are mapped with one ``searchsorted``.
    """

    def __init__(self, palette: np.ndarray) -> None:
        self.palette = np.asarray(palette, dtype=np.int32).reshape(-1, 3)[:COLOURS]
        packed = _pack(self.palette.astype(np.uint8))
        first = np.unique(packed, return_index=True)[1]  # a colour listed twice: its first entry
        self._known = packed[first]
        self._index = first.astype(np.uint8)

    def indices(self, pixels: np.ndarray) -> np.ndarray:
        """``(h, w)`` uint8 palette indices of ``(h, w, 3)`` uint8 pixels."""
        packed = _pack(pixels)
        where = np.minimum(np.searchsorted(self._known, packed), len(self._known) - 1)
        hit = self._known[where] == packed
        if not hit.all():
            self._learn(np.unique(packed[~hit]))
            where = np.searchsorted(self._known, packed)
        return self._index[where]

    def _learn(self, fresh: np.ndarray) -> None:
        """Remember the nearest palette entry of each new colour."""
        nearest = np.empty(len(fresh), dtype=np.uint8)
        rgb = _unpack(fresh)
        for start in range(0, len(fresh), NEAREST_CHUNK):
            part = rgb[start : start + NEAREST_CHUNK, None, :] - self.palette[None, :, :]
            nearest[start : start + NEAREST_CHUNK] = np.argmin((part * part).sum(axis=2), axis=1)
        known = np.concatenate([self._known, fresh])
        order = np.argsort(known, kind="stable")
        self._known = known[order]
        self._index = np.concatenate([self._index, nearest])[order]


class GifStream:
    """Writes an animated GIF to ``handle`` one frame at a time.

    Parameters
    ----------
    handle:
        A binary file open for writing.
    size:
        ``(width, height)`` of every frame.
    palette:
        The global palette, ``(256, 3)`` uint8 (:func:`build_palette`).
    fps:
        Frames per second; GIF delays are in hundredths of a second, so delays are rounded
        along the film's timeline, not frame by frame (no drift).
    loop:
        Play forever (True) or once.
    """

    def __init__(
        self, handle: BinaryIO, size: tuple[int, int], palette: np.ndarray, fps: float, loop: bool
    ) -> None:
        self._handle = handle
        self._width, self._height = size
        self._mapper = PaletteMapper(palette)
        self._fps = fps
        self._frames = 0
        self._previous: np.ndarray | None = None
        self._pending: tuple[np.ndarray, tuple[int, int], int, bool] | None = None
        self._palette_bytes = np.asarray(palette, dtype=np.uint8).tobytes()
        self._write_header(loop)

    @property
    def frames(self) -> int:
        """Frames added so far (identical frames included)."""
        return self._frames

    def add(self, frame: np.ndarray) -> None:
        """Add the next ``(height, width, 3)`` uint8 frame."""
        frame = np.asarray(frame, dtype=np.uint8)
        if frame.shape != (self._height, self._width, 3):
            expected = (self._height, self._width, 3)
            raise ValueError(f"a frame of shape {frame.shape}, not {expected}")
        ticks = self._ticks(self._frames)
        self._frames += 1
        changed = None if self._previous is None else _changed(self._previous, frame)
        box = _changed_box(changed, frame.shape)
        if box is None and self._pending is not None:
            indices, corner, before, see_through = self._pending
            self._pending = (indices, corner, before + ticks, see_through)
            return
        self._flush()
        top, bottom, left, right = box if box is not None else (0, 1, 0, 1)
        indices = self._mapper.indices(frame[top:bottom, left:right])
        if changed is not None:
            indices[~changed[top:bottom, left:right]] = TRANSPARENT
        self._pending = (indices, (left, top), ticks, changed is not None)
        self._previous = frame

    def close(self) -> None:
        """Write the last frame and the trailer (the file is complete after this)."""
        self._flush()
        self._handle.write(b";")

    def _ticks(self, index: int) -> int:
        """Frame ``index``'s delay in hundredths of a second, rounded on the timeline."""
        return max(round(100 * (index + 1) / self._fps) - round(100 * index / self._fps), 1)

    def _write_header(self, loop: bool) -> None:
        screen = struct.pack("<HHBBB", self._width, self._height, 0xF7, 0, 0)
        self._handle.write(b"GIF89a" + screen + self._palette_bytes)
        if loop:  # the NETSCAPE2.0 extension: repeat forever (count 0)
            self._handle.write(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")

    def _flush(self) -> None:
        """Encode the frame held back (its delay is final once the next frame differs)."""
        if self._pending is None:
            return
        from PIL import GifImagePlugin, Image

        indices, corner, ticks, see_through = self._pending
        image = Image.fromarray(indices, "P")
        extra = {"transparency": TRANSPARENT} if see_through else {}
        for chunk in GifImagePlugin.getdata(
            image, offset=corner, duration=10 * ticks, disposal=1, **extra
        ):
            self._handle.write(chunk)
        self._pending = None


def _changed(previous: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """``(h, w)`` True where a pixel differs (three ORs: ~10x faster than ``any(axis=2)``)."""
    differs = previous != frame
    return differs[..., 0] | differs[..., 1] | differs[..., 2]


def _changed_box(
    changed: np.ndarray | None, shape: tuple[int, ...]
) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` around the ``changed`` pixels, the whole frame for the
    first one (``changed`` None), None when nothing changed."""
    if changed is None:
        return 0, shape[0], 0, shape[1]
    rows = np.flatnonzero(changed.any(axis=1))
    if not len(rows):
        return None
    columns = np.flatnonzero(changed[rows[0] : rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(columns[0]), int(columns[-1]) + 1


def _add(colours: list[RGB], candidates) -> None:
    """Append the candidates not in ``colours`` yet, while there is room."""
    present = set(colours)
    for colour in candidates:
        if len(colours) >= COLOURS:
            return
        if colour not in present:
            present.add(colour)
            colours.append(colour)


def _pack(pixels: np.ndarray) -> np.ndarray:
    """RGB pixels as one uint32 each (``0xRRGGBB``), for sorting and lookups."""
    p = np.asarray(pixels, dtype=np.uint8)
    return (p[..., 0].astype(np.uint32) << 16) | (p[..., 1].astype(np.uint32) << 8) | p[..., 2]


def _unpack(packed: np.ndarray) -> np.ndarray:
    packed = np.asarray(packed, dtype=np.uint32)
    return np.stack([(packed >> 16) & 255, (packed >> 8) & 255, packed & 255], axis=-1).astype(
        np.int32
    )


def _unpack_one(packed: np.uint32) -> RGB:
    value = int(packed)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255
