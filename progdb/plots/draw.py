"""Pictures of programs: what is drawn is computed first (a small dataclass per figure), then drawn.

  pair_plot     one program's example pairs as arrows from input to output, in a 2-D PCA of word
                space (vector programs) or key space (fewshot programs), the mean offset in bold and
                the pairs that disagree most with it labelled
  compare_plot  two vector programs' offsets, dimension by dimension and in a shared PCA of their pairs
  map_plot      every program's key centroid in a 2-D PCA of key space, coloured by kind; with a
                query, its key, the programs it retrieved (weights on the lines) and the threshold

The compute functions take plain data (pairs, vectors, an `embed` function), so tests can check
what a figure shows without looking at pixels. Drawing uses matplotlib's Figure and the Agg canvas
directly (no pyplot, no global state) and is imported only when a figure is drawn.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from progdb.errors import ProgdbError

DEFAULT_LIMIT = 40   # pairs drawn per program: more arrows than this are a smear
OUTLIERS = 5         # pairs labelled as disagreeing with the mean offset, at most
TEXT_POOL = 400      # a text program's pairs embedded for the plot (the first ones): encoding is slow
LABEL_CHARS = 28     # a pair's label is cut to this many characters
DPI = 100
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

# Okabe & Ito's colour-blind-safe palette; kinds also differ by marker shape.
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000"}
KIND_STYLE = {"vector": (OKABE_ITO["blue"], "o"), "fewshot": (OKABE_ITO["orange"], "s"),
              "intent": (OKABE_ITO["green"], "^"), "negative": (OKABE_ITO["purple"], "X")}
PAIR_COLOUR, MEAN_COLOUR, OUTLIER_COLOUR = OKABE_ITO["sky"], OKABE_ITO["black"], OKABE_ITO["vermillion"]
COMPARE_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"])

Point = tuple[float, float]


# -- projection ----------------------------------------------------------------------------------
@dataclass
class Projection:
    """A 2-D PCA: points are centred on `mean` and projected on the two `axes` (rows)."""
    mean: np.ndarray
    axes: np.ndarray
    explained: tuple[float, float]  # share of the fitted points' variance along each axis

    def points(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.mean) @ self.axes.T

    def direction(self, v: np.ndarray) -> np.ndarray:
        """A difference of points (an offset) projected: no centring."""
        return np.asarray(v, dtype=np.float64) @ self.axes.T

    def axis_labels(self) -> tuple[str, str]:
        return tuple(f"PC{i + 1} ({share:.0%} of variance)" for i, share in enumerate(self.explained))


def fit_pca(x: np.ndarray) -> Projection:
    """PCA by SVD of the centred points. Each axis is signed so that its largest loading is
    positive, so the same data always gives the same picture (SVD's signs are arbitrary)."""
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    axes = np.zeros((2, x.shape[1]))
    axes[: min(2, len(vt))] = vt[:2]  # fewer than 2 axes (one or two points): the rest stay 0
    for row in axes:
        if row.any() and row[np.argmax(np.abs(row))] < 0:
            row *= -1
    var = s ** 2
    total = var.sum()
    shares = [float(var[i] / total) if total > 0 and i < len(var) else 0.0 for i in range(2)]
    return Projection(mean, axes, (shares[0], shares[1]))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na and nb else 0.0


# -- pairs of one program --------------------------------------------------------------------------
@dataclass
class Arrow:
    pair: tuple[str, str]
    start: Point
    end: Point
    cosine: float  # of this pair's offset with the program's mean offset

    @property
    def label(self) -> str:
        return f"{_short(self.pair[0])} → {_short(self.pair[1])}"


@dataclass
class PairPlot:
    program: str
    kind: str
    space: str
    title: str
    axis_labels: tuple[str, str]
    arrows: list[Arrow]          # one per pair drawn, in the program's order
    mean: Arrow                  # the mean offset, from the drawn inputs' centroid
    outliers: list[int]          # indexes into arrows: the labelled pairs, least agreeing first
    n_pairs: int                 # the program's pairs
    n_usable: int                # of them, the ones in the space (the mean and outliers are over these)
    offset: np.ndarray           # the mean offset in the full space
    kept: float                  # share of the mean offset's length that the plane shows
    note: str

    def summary(self) -> dict:
        return {"program": self.program, "kind": self.kind, "space": self.space, "pairs": self.n_pairs,
                "usable": self.n_usable, "arrows": len(self.arrows),
                "outliers": [{"input": self.arrows[i].pair[0], "output": self.arrows[i].pair[1],
                              "cosine": round(self.arrows[i].cosine, 4)} for i in self.outliers],
                "axes": list(self.axis_labels), "mean_offset_kept": round(self.kept, 4)}


def choose_pairs(cosines: np.ndarray, limit: int, n_outliers: int) -> tuple[list[int], list[int]]:
    """Which pairs to draw: the outliers (lowest cosine with the mean, ties by position), then the
    first pairs until `limit`. Returns (drawn, outliers), indexes into `cosines`; deterministic."""
    order = np.argsort(cosines, kind="stable")
    outliers = [int(i) for i in order[: min(n_outliers, limit)]]
    drawn = set(outliers)
    for i in range(len(cosines)):
        if len(drawn) >= limit:
            break
        drawn.add(i)
    return sorted(drawn), outliers


def outlier_count(n: int) -> int:
    """One in five pairs at most, never more than OUTLIERS; a lone pair is the mean itself."""
    return 0 if n < 2 else min(OUTLIERS, max(1, n // 5))


def _the_pairs(n: int) -> str:
    return "the pair" if n == 1 else f"the {n} pairs"


def pair_plot(program: str, kind: str, pairs: list[tuple[str, str]], embed: Callable, space: str,
              limit: int = DEFAULT_LIMIT, n_pairs: int | None = None, pool: str = "in the space") -> PairPlot:
    """`pairs`: the program's pairs that `embed` (texts -> one row per text) can place; the mean
    offset and the outliers are over all of them, `limit` of them are drawn. `pool` says in the
    figure's note which pairs those are."""
    if limit < 1:
        raise ProgdbError("--limit must be at least 1")
    inputs, outputs = embed([a for a, _ in pairs]), embed([b for _, b in pairs])
    offsets = np.asarray(outputs, dtype=np.float64) - inputs
    mean = offsets.mean(axis=0)
    cosines = np.array([cosine(d, mean) for d in offsets])
    drawn, outliers = choose_pairs(cosines, limit, outlier_count(len(pairs)))
    proj = fit_pca(np.vstack([inputs[drawn], outputs[drawn]]))
    starts, ends = proj.points(inputs[drawn]), proj.points(outputs[drawn])
    arrows = [Arrow(pairs[i], tuple(s), tuple(e), float(cosines[i])) for i, s, e in zip(drawn, starts, ends)]
    origin = proj.points(inputs[drawn].mean(axis=0, keepdims=True))[0]
    mean_2d = proj.direction(mean)
    kept = float(np.linalg.norm(mean_2d) / (np.linalg.norm(mean) or 1.0))
    mean_arrow = Arrow(("mean", "offset"), tuple(origin), tuple(origin + mean_2d), 1.0)
    position = {i: n for n, i in enumerate(drawn)}
    total = len(pairs) if n_pairs is None else n_pairs
    title = f"{program} ({kind}): {len(arrows)} of {total} pairs, input → output, in {space}"
    note = (f"Thin arrows: pairs, from input to output. Bold: the mean offset over {_the_pairs(len(pairs))} "
            f"{pool}, drawn from the drawn inputs' centroid; this "
            f"plane shows {kept:.0%} of its length. Labelled: {_the_pairs(len(outliers))} whose offset agrees "
            "least with the mean (lowest cosine). Axes: PCA of the drawn inputs and outputs.")
    return PairPlot(program, kind, space, title, proj.axis_labels(), arrows, mean_arrow,
                    [position[i] for i in outliers], total, len(pairs), mean.astype(np.float32), kept, note)


# -- two programs ----------------------------------------------------------------------------------
@dataclass
class ComparePlot:
    names: tuple[str, str]
    offsets: np.ndarray           # 2 × dimensions: the stored offsets
    cosine: float
    title: str
    axis_labels: tuple[str, str]
    arrows: dict[str, list[Arrow]]
    means: dict[str, Arrow]       # each program's offset, from its drawn inputs' centroid
    note: str

    def summary(self) -> dict:
        return {"programs": list(self.names), "cosine": round(self.cosine, 4),
                "norms": [round(float(np.linalg.norm(v)), 4) for v in self.offsets],
                "arrows": {name: len(a) for name, a in self.arrows.items()}, "axes": list(self.axis_labels)}


def compare_plot(names: tuple[str, str], offsets: np.ndarray, pairs: dict[str, list[tuple[str, str]]],
                 embed: Callable, space: str, limit: int = DEFAULT_LIMIT) -> ComparePlot:
    """`offsets`: the programs' stored offsets (rows); `pairs`: each program's usable pairs, of
    which the first `limit` are drawn in one PCA fitted on both programs' drawn pairs."""
    if limit < 1:
        raise ProgdbError("--limit must be at least 1")
    ends = {n: (embed([a for a, _ in pairs[n][:limit]]), embed([b for _, b in pairs[n][:limit]])) for n in names}
    proj = fit_pca(np.vstack([v for n in names for v in ends[n]]))
    arrows, means = {}, {}
    for name, offset in zip(names, offsets):
        inputs, outputs = ends[name]
        arrows[name] = [Arrow(p, tuple(s), tuple(e), cosine(o - i, offset)) for p, s, e, i, o in
                        zip(pairs[name], proj.points(inputs), proj.points(outputs), inputs, outputs)]
        origin = proj.points(inputs.mean(axis=0, keepdims=True))[0]
        means[name] = Arrow((name, "offset"), tuple(origin), tuple(origin + proj.direction(offset)), 1.0)
    cos = cosine(offsets[0], offsets[1])
    title = f"{names[0]} vs {names[1]}: cosine of their offsets {cos:.2f}"
    note = (f"Left: each stored offset (the mean of output − input over the program's pairs) by dimension of "
            f"{space}. Right: up to {limit} pairs of each program in a PCA fitted on both programs' drawn pairs; "
            "bold, each program's offset from its drawn inputs' centroid.")
    return ComparePlot(names, np.asarray(offsets), cos, title, proj.axis_labels(), arrows, means, note)


# -- the map of programs ---------------------------------------------------------------------------
@dataclass
class MapPoint:
    name: str
    kind: str
    xy: Point


@dataclass
class MapLine:
    name: str
    end: Point
    score: float
    weight: float
    retrieved: bool  # False: a candidate shown because nothing was retrieved
    label: str       # written on the line: the weight, the step of a chain, or the candidate's score


@dataclass
class MapQuery:
    """What a query decided, as the map needs it (built from a QueryResult and its key's vector)."""
    prompt: str
    key: str
    vector: np.ndarray
    mode: str
    threshold: float
    programs: list[tuple[str, float, float]]    # retrieved: name, score, weight
    candidates: list[tuple[str, float]]         # the nearest programs: name, score
    scores: dict[str, float]                    # every program's closest-key cosine to the key
    threshold_is_cosine: bool = True            # False under the classifier router (a probability)


@dataclass
class MapPlot:
    title: str
    axis_labels: tuple[str, str]
    points: list[MapPoint]
    note: str
    query: Point | None = None
    query_text: str = ""
    mode: str = ""
    lines: list[MapLine] = field(default_factory=list)
    radius: float | None = None  # the abstention circle's radius in plot units (see abstention_radius)
    misplaced: int | None = None  # programs the circle puts on the wrong side of the threshold
    clearing: list[str] = field(default_factory=list)  # programs whose closest key clears the threshold
    threshold: float | None = None

    def summary(self) -> dict:
        kinds: dict[str, int] = {}
        for p in self.points:
            kinds[p.kind] = kinds.get(p.kind, 0) + 1
        out = {"programs": len(self.points), "kinds": kinds, "labels": [p.name for p in self.points],
               "axes": list(self.axis_labels)}
        if self.query is not None:
            out["query"] = {"prompt": self.query_text, "mode": self.mode, "threshold": self.threshold,
                            "radius": None if self.radius is None else round(self.radius, 4),
                            "misplaced": self.misplaced, "clearing": self.clearing,
                            "lines": [{"name": ln.name, "weight": ln.weight, "score": ln.score,
                                       "retrieved": ln.retrieved} for ln in self.lines]}
        return out


def centroids(labels: list[str], vectors: np.ndarray, names: list[str]) -> np.ndarray:
    """Each program's key centroid: the normalised mean of its key vectors (as the store keeps it)."""
    rows = []
    labels = np.asarray(labels)
    for name in names:
        v = np.asarray(vectors[labels == name], dtype=np.float64).mean(axis=0)
        rows.append(v / (np.linalg.norm(v) or 1.0))
    return np.vstack(rows)


RADIUS_NEIGHBOURS = 5  # programs whose shrink factor sets the circle: the query's nearest


def abstention_radius(flat: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    """The threshold is a cosine in 384 dimensions, which no plane holds exactly. For unit vectors
    a cosine c is the distance sqrt(2 − 2c); the plane shrinks distances, by a different factor for
    each point, so the radius is sqrt(2 − 2·threshold) times the median factor (2-D distance /
    full distance) of the RADIUS_NEIGHBOURS programs closest to the query, the neighbourhood the
    circle is about. `flat`: each program's 2-D distance from the query; `scores`: its closest-key
    cosine to the query (what the threshold is compared with). A guide, not a boundary."""
    near = np.argsort(-scores, kind="stable")[:RADIUS_NEIGHBOURS]
    full = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * scores[near]))
    ratios = flat[near][full > 1e-6] / full[full > 1e-6]
    return float(np.median(ratios) * math.sqrt(max(0.0, 2.0 - 2.0 * threshold))) if len(ratios) else 0.0


def map_plot(programs: list[tuple[str, str]], centroid_rows: np.ndarray, query: MapQuery | None = None) -> MapPlot:
    """`programs`: (name, kind) per row of `centroid_rows`. The PCA is fitted on the centroids
    alone, so a query moves nothing but its own star."""
    if not programs:
        raise ProgdbError("the database holds no programs to map")
    proj = fit_pca(centroid_rows)
    xy = proj.points(centroid_rows)
    points = [MapPoint(n, k, (float(x), float(y))) for (n, k), (x, y) in zip(programs, xy)]
    title = f"{len(points)} programs in key space (each at its keys' centroid)"
    note = ("Points: each program's centroid (the mean of its key embeddings, all-MiniLM-L6-v2); "
            "axes: PCA of the centroids.")
    plot = MapPlot(title, proj.axis_labels(), points, note)
    if query is None:
        return plot
    where = {p.name: p.xy for p in points}
    plot.query = tuple(float(v) for v in proj.points(query.vector[None])[0])
    plot.query_text, plot.mode, plot.threshold = query.prompt, query.mode, query.threshold
    if query.mode == "none":
        plot.lines = [MapLine(n, where[n], s, 0.0, False, f"cos {s:.2f}") for n, s in query.candidates[:3]
                      if n in where]
    elif query.mode == "composed":  # a chain runs every program whole: its lines say the order
        plot.lines = [MapLine(n, where[n], s, w, True, f"step {i}")
                      for i, (n, s, w) in enumerate(query.programs, 1) if n in where]
    else:
        plot.lines = [MapLine(n, where[n], s, w, True, f"{w:.2f}") for n, s, w in query.programs if n in where]
    plot.title = _query_title(query)
    plot.note += f" Star: the query's key \"{_short(query.key, 40)}\"."
    if query.threshold_is_cosine:
        flat = np.linalg.norm(xy - np.array(plot.query), axis=1)
        scores = np.array([query.scores.get(n, -1.0) for n, _ in programs])
        plot.radius = abstention_radius(flat, scores, query.threshold)
        plot.misplaced = int(((flat <= plot.radius) != (scores >= query.threshold)).sum())
        plot.clearing = [n for (n, _), s in zip(programs, scores) if s >= query.threshold]
        plot.note += (f" Dashed circle: the threshold, cosine {query.threshold:.2f}, drawn as the distance "
                      f"sqrt(2 − 2·cos) times the median factor by which this plane shrinks the distances from "
                      f"the query to its {RADIUS_NEIGHBOURS} nearest programs: an approximation, which puts "
                      f"{plot.misplaced} of {len(programs)} programs on the wrong side of the threshold. " +
                      ("Ringed: the programs whose closest key does clear it." if plot.clearing else
                       "No program's closest key clears it."))
    else:
        plot.note += " The classifier router's threshold is a probability, not a distance: no circle drawn."
    if query.mode == "none":
        plot.note += " Dotted lines: the nearest programs (none retrieved), with their scores."
    else:
        plot.note += " Lines: the programs retrieved, with their interpolation weights."
    return plot


def _query_title(query: MapQuery) -> str:
    asked = f"\"{_short(query.prompt, 48)}\""
    if query.mode == "none":
        best = f" (best {query.candidates[0][0]} at {query.candidates[0][1]:.2f})" if query.candidates else ""
        return f"{asked} → none: nothing retrieved{best}, threshold {query.threshold:.2f}"
    names = ", ".join(f"{n} {w:.2f}" for n, _, w in query.programs)
    if query.mode == "composed":
        names = " then ".join(n for n, _, _ in query.programs)
    return f"{asked} → {query.mode}: {names}"


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# -- drawing -----------------------------------------------------------------------------------------
def _figure(size: tuple[float, float]):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _finish_axes(ax, labels: tuple[str, str]) -> None:
    """PCA coordinates have no units worth reading: the axes say what they are, not their numbers."""
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.tick_params(labelbottom=False, labelleft=False, length=0)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


NOTE_SIZE = 7.5  # points


def _one_panel(size: tuple[float, float], plot):
    """A figure of one axes with the plot's title, axis labels and note."""
    fig = _figure(size)
    ax = fig.add_subplot()
    ax.set_title(plot.title, fontsize=11)
    _finish_axes(ax, plot.axis_labels)
    _note_and_layout(fig, plot.note)
    return fig, ax


def _note_and_layout(fig, text: str) -> None:
    """The explanatory note at the bottom, wrapped by hand so its height is known, and the axes
    laid out above it. Must come before the limits and labels: it moves the axes."""
    import textwrap

    width_pt = fig.get_figwidth() * 72
    lines = textwrap.wrap(text, width=int(width_pt / (NOTE_SIZE * 0.5)))
    fig.text(0.01, 0.008, "\n".join(lines), fontsize=NOTE_SIZE, color="#444444", va="bottom", ha="left")
    bottom = (len(lines) * NOTE_SIZE * 1.25 + 8) / (fig.get_figheight() * 72)
    fig.tight_layout(rect=(0, bottom, 1, 1))


def _equal_limits(ax, xy: np.ndarray, pad: float = 0.1) -> None:
    """Limits around the points with equal units on both axes (arrows keep their directions and a
    circle stays round), for the axes' final size: call after the layout is done."""
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1e-9) * (1 + 2 * pad)
    centre = (lo + hi) / 2
    box = ax.get_window_extent()
    units_per_px = max(span[0] / box.width, span[1] / box.height)
    half = np.array([box.width, box.height]) * units_per_px / 2
    ax.set_xlim(centre[0] - half[0], centre[0] + half[0])
    ax.set_ylim(centre[1] - half[1], centre[1] + half[1])


def _marker_boxes(ax, xy: np.ndarray, size_pt: float = 8.0) -> list:
    """Pixel boxes of markers drawn at `xy` (data units), for labels to keep off."""
    from matplotlib.transforms import Bbox

    half = size_pt / 2 * ax.figure.dpi / 72
    px = ax.transData.transform(np.asarray(xy, dtype=float).reshape(-1, 2))
    return [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in px]


# Label candidates around a point: 8 directions (text aligned to grow away from the point), rings
# further out; the first position that overlaps nothing wins.
_DIRECTIONS = [(1, 0, "left", "center"), (0, 1, "center", "bottom"), (-1, 0, "right", "center"),
               (0, -1, "center", "top"), (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
               (-1, -1, "right", "top"), (1, -1, "left", "top")]
_RINGS = (5, 11, 18, 27, 38, 52, 70, 92)  # points
LABEL_GAP = 2.0  # pixels kept between two labels


def _overlap(a, b, gap: float = LABEL_GAP) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0) + gap
    h = min(a.y1, b.y1) - max(a.y0, b.y0) + gap
    return w * h if w > 0 and h > 0 else 0.0


def _outside(box, frame) -> float:
    """Area of `box` outside `frame` (a label must stay inside the axes)."""
    inside_w = max(0.0, min(box.x1, frame.x1) - max(box.x0, frame.x0))
    inside_h = max(0.0, min(box.y1, frame.y1) - max(box.y0, frame.y0))
    return box.width * box.height - inside_w * inside_h


def _candidates(centred: bool, toward=None):
    """(offset in points, ha, va), nearest first; `centred`: on the point itself first; `toward`:
    a direction (pixels) tried first in each ring, e.g. onward from an arrow's head."""
    directions = _DIRECTIONS
    if toward is not None and np.any(toward):
        directions = sorted(_DIRECTIONS, key=lambda d: -(d[0] * toward[0] + d[1] * toward[1]) / math.hypot(*d[:2]))
    if centred:
        yield (0.0, 0.0), "center", "center"
    for ring in _RINGS:
        for dx, dy, ha, va in directions:
            scale = ring if dx == 0 or dy == 0 else ring * 0.85  # diagonals: about as far
            yield (dx * scale, dy * scale), ha, va


def place_labels(ax, xy: np.ndarray, texts: list[str], obstacles=(), gid: str = "label", centred: bool = False,
                 markers: bool = True, toward: np.ndarray | None = None, **style) -> list:
    """Greedy label placement: labels of crowded points choose first, each takes the nearest of the
    candidate positions whose box overlaps no placed label, marker (`markers`: one at each point)
    or obstacle and stays inside the axes; failing that, the least overlapping one. `toward`: per
    point, a data-space direction to try first. A label moved well away from its point gets a thin
    leader line. Positions are checked in pixels, so this needs the final layout and limits."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    px = ax.transData.transform(xy)
    own = _marker_boxes(ax, xy) if markers else []
    placed = list(obstacles)
    crowd = [int((np.linalg.norm(px - p, axis=1) < 60).sum()) for p in px]
    if toward is not None:  # data directions to pixel directions
        toward = ax.transData.transform(np.asarray(xy) + toward) - px
    labels = [None] * len(texts)
    for i in sorted(range(len(texts)), key=lambda i: (-crowd[i], texts[i])):
        ann = ax.annotate(texts[i], xy=tuple(xy[i]), xytext=(0, 0), textcoords="offset points",
                          gid=gid, annotation_clip=False, **style)
        others = placed + [m for j, m in enumerate(own) if j != i]
        best = None
        for offset, ha, va in _candidates(centred, None if toward is None else toward[i]):
            ann.xyann = offset
            ann.set(ha=ha, va=va)
            box = ann.get_window_extent(renderer)
            cost = 10 * _outside(box, frame) + sum(_overlap(box, o) for o in others)
            if best is None or cost < best[0]:
                best = (cost, offset, ha, va)
            if cost == 0:
                break
        _, offset, ha, va = best
        ann.xyann = offset
        ann.set(ha=ha, va=va)
        box = ann.get_window_extent(renderer)
        placed.append(box)
        if math.hypot(*offset) > 15:  # beyond the first rings, say whose label it is
            _leader(ax, px[i], box, style.get("color", "#555555"))
        labels[i] = ann
    return labels


def _leader(ax, point_px: np.ndarray, box, colour: str) -> None:
    """A thin line from a point to the nearest edge of its displaced label."""
    x = min(max(point_px[0], box.x0), box.x1)
    y = min(max(point_px[1], box.y0), box.y1)
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([point_px, (x, y)])
    ax.plot([x0, x1], [y0, y1], color=colour, linewidth=0.5, alpha=0.6, gid="leader", zorder=1)


def _legend_box(ax):
    return ax.get_legend().get_window_extent(ax.figure.canvas.get_renderer())


BOLD_ARROW = dict(arrowstyle="-|>,head_width=0.5,head_length=1.0", lw=3.5, shrinkA=0, shrinkB=0)
WHITE_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85)


def draw_pairs(plot: PairPlot):
    fig, ax = _one_panel((9, 7.5), plot)
    starts = np.array([a.start for a in plot.arrows])
    ends = np.array([a.end for a in plot.arrows])
    _equal_limits(ax, np.vstack([starts, ends, [plot.mean.start, plot.mean.end]]))
    outlier = np.zeros(len(plot.arrows), dtype=bool)
    outlier[plot.outliers] = True
    d = ends - starts
    ax.quiver(starts[:, 0], starts[:, 1], d[:, 0], d[:, 1], color=np.where(outlier, OUTLIER_COLOUR, PAIR_COLOUR),
              angles="xy", scale_units="xy", scale=1, width=0.0022, headwidth=5, headlength=6, alpha=0.9,
              gid="pairs", zorder=2)
    ax.scatter(starts[:, 0], starts[:, 1], s=10, color=np.where(outlier, OUTLIER_COLOUR, PAIR_COLOUR), zorder=3)
    ax.annotate("", xy=plot.mean.end, xytext=plot.mean.start, gid="mean", zorder=4,
                arrowprops=dict(color=MEAN_COLOUR, **BOLD_ARROW))
    _legend_pairs(ax, len(plot.outliers))
    if plot.outliers:
        # Each label onward from its arrow's head, off the legend and the mean offset's shaft.
        texts = [f"{plot.arrows[i].label}  ({plot.arrows[i].cosine:.2f})" for i in plot.outliers]
        shaft = np.linspace(plot.mean.start, plot.mean.end, 12)
        place_labels(ax, ends[plot.outliers], texts, obstacles=[_legend_box(ax)] + _marker_boxes(ax, shaft, 10),
                     gid="outlier", toward=d[plot.outliers], fontsize=8.5, color=OUTLIER_COLOUR, bbox=WHITE_BOX)
    return fig


def _legend_pairs(ax, n_outliers: int) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=PAIR_COLOUR, lw=1.5, marker="o", markersize=3,
                      label="a pair: input • → output"),
               Line2D([], [], color=MEAN_COLOUR, lw=3.5, label="mean offset (from the inputs' centroid)")]
    if n_outliers:
        handles.append(Line2D([], [], color=OUTLIER_COLOUR, lw=1.5, marker="o", markersize=3,
                              label="least like the mean (its cosine)"))
    ax.legend(handles=handles, loc="upper left", fontsize=8.5, framealpha=0.9)


def draw_compare(plot: ComparePlot):
    from matplotlib.lines import Line2D

    fig = _figure((13, 6))
    bars, ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    fig.suptitle(plot.title, fontsize=12)
    dims = np.arange(plot.offsets.shape[1])
    for k, (name, colour) in enumerate(zip(plot.names, COMPARE_COLOURS)):
        bars.bar(dims + (k - 0.5) * 0.4, plot.offsets[k], width=0.4, color=colour, label=name, gid=f"bars-{k}")
    bars.axhline(0, color="#888888", linewidth=0.6)
    bars.set_xlabel("dimension of the word space")
    bars.set_ylabel("offset component")
    bars.set_title("offsets by dimension", fontsize=10)
    bars.legend(fontsize=8.5)
    bars.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    bars.set_axisbelow(True)
    ax.set_title("pairs and offsets in a shared PCA", fontsize=10)
    _finish_axes(ax, plot.axis_labels)
    _note_and_layout(fig, plot.note)
    every = [np.array([a.start for a in plot.arrows[n]] + [a.end for a in plot.arrows[n]] +
                      [plot.means[n].start, plot.means[n].end]) for n in plot.names]
    _equal_limits(ax, np.vstack(every))
    for name, colour in zip(plot.names, COMPARE_COLOURS):
        s = np.array([a.start for a in plot.arrows[name]])
        d = np.array([a.end for a in plot.arrows[name]]) - s
        ax.quiver(s[:, 0], s[:, 1], d[:, 0], d[:, 1], color=colour, angles="xy", scale_units="xy", scale=1,
                  width=0.002, headwidth=5, alpha=0.45, gid=f"pairs-{name}")
        m = plot.means[name]
        ax.annotate("", xy=m.end, xytext=m.start, gid=f"mean-{name}", arrowprops=dict(color=colour, **BOLD_ARROW))
    ax.legend(handles=[Line2D([], [], color=colour, lw=w, alpha=a, label=f"{name}: {what}")
                       for name, colour in zip(plot.names, COMPARE_COLOURS)
                       for w, a, what in ((1, 0.6, "a pair"), (3.5, 1, "its offset"))],
              loc="upper left", fontsize=8, framealpha=0.9, ncols=2)
    return fig


def draw_map(plot: MapPlot):
    fig, ax = _one_panel((11, 8.8), plot)
    xy = np.array([p.xy for p in plot.points])
    _equal_limits(ax, xy if plot.query is None else np.vstack([xy, [plot.query]]))
    order = list(KIND_STYLE) + sorted({p.kind for p in plot.points} - set(KIND_STYLE))
    for kind in [k for k in order if any(p.kind == k for p in plot.points)]:
        colour, marker = KIND_STYLE.get(kind, (OKABE_ITO["black"], "D"))
        mine = np.array([p.xy for p in plot.points if p.kind == kind])
        ax.scatter(mine[:, 0], mine[:, 1], s=42, color=colour, marker=marker, edgecolor="white",
                   linewidth=0.6, label=kind, zorder=3)
    if plot.query is not None:
        _draw_query_marks(ax, plot)
    ax.legend(loc="upper left", fontsize=8.5, title="kind", title_fontsize=8.5, framealpha=0.9)
    fixed = [_legend_box(ax)]
    if plot.query is not None:
        # Weights first, on their lines and off the points; the programs' labels then avoid them.
        fixed += _marker_boxes(ax, np.array([plot.query]), 16)
        fixed += _marker_boxes(ax, np.array([p.xy for p in plot.points if p.name in set(plot.clearing)]), 14)
        for line in plot.lines:
            middle = (np.array(plot.query) + line.end) / 2
            colour = OKABE_ITO["vermillion"] if line.retrieved else "#555555"
            placed = place_labels(ax, middle[None], [line.label], obstacles=fixed + _marker_boxes(ax, xy),
                                  gid="weight", centred=True, markers=False, fontsize=9, color=colour,
                                  fontweight="bold", bbox=WHITE_BOX, zorder=6)
            fixed.append(placed[0].get_window_extent(fig.canvas.get_renderer()))
    place_labels(ax, xy, [p.name for p in plot.points], obstacles=fixed, fontsize=8, color="#222222")
    return fig


def _draw_query_marks(ax, plot: MapPlot) -> None:
    """The query's star (under the program points, which it must not hide), its lines, the circle."""
    from matplotlib.patches import Circle

    q = plot.query
    if plot.radius:
        ax.add_patch(Circle(q, plot.radius, fill=False, linestyle="--", linewidth=1.0,
                            edgecolor="#777777", gid="threshold", zorder=1))
    for line in plot.lines:
        style = dict(color=OKABE_ITO["vermillion"], linewidth=2.0) if line.retrieved else \
            dict(color="#777777", linewidth=1.2, linestyle=":")
        ax.plot([q[0], line.end[0]], [q[1], line.end[1]], gid="query-line", zorder=2, **style)
    ax.scatter([q[0]], [q[1]], marker="*", s=240, color=OKABE_ITO["black"], zorder=2.5, label="query", gid="query")
    ringed = np.array([p.xy for p in plot.points if p.name in set(plot.clearing)])
    if len(ringed):
        ax.scatter(ringed[:, 0], ringed[:, 1], s=170, facecolors="none", edgecolors=OKABE_ITO["black"],
                   linewidths=1.0, zorder=2.6, label="clears the threshold", gid="clearing")


def label_boxes(fig, gid: str = "label") -> list:
    """The pixel boxes of the labels drawn with `gid` (what the tests check for overlaps)."""
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for ax in fig.axes for t in ax.texts if t.get_gid() == gid]


# -- files ---------------------------------------------------------------------------------------------
def check_out(path: str | Path) -> Path:
    """Refuse, before any work, a suffix we cannot write or a directory that is not there."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ProgdbError(f"{path}: unknown image format '{path.suffix or '(none)'}'; use .png, .svg or .pdf")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ProgdbError(f"{path}: cannot write: the directory {parent} does not exist")
    if path.is_dir():
        raise ProgdbError(f"{path}: cannot write: it is a directory")
    if not os.access(parent, os.W_OK):
        raise ProgdbError(f"{path}: cannot write: the directory {parent} is not writable")
    return path


def save(fig, path: str | Path) -> Path:
    """Write the figure whole or not at all: to a temporary file beside `path`, then renamed.
    The format follows the suffix; dates are left out so the same data give the same file."""
    path = check_out(path)
    fmt = FORMATS[path.suffix.lower()]
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt, {})
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fig.savefig(fh, format=fmt, dpi=DPI, metadata=metadata)
        os.replace(tmp, path)
    except OSError as exc:
        raise ProgdbError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path
