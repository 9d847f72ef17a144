"""Decode a capture and find the card in it: outline → flat ID-1 face at a fixed resolution.

Decoding is bounded: files over ``MAX_FILE_BYTES`` and images over ``MAX_PIXELS`` are refused
before any pixel is decoded (the header gives the size); large JPEGs are decoded at a reduced
scale by libjpeg itself, so a 50-megapixel phone photo costs no more memory than a 12-megapixel one.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from madoguchi.ids import errors

log = logging.getLogger(__name__)

#: the normalised card face: ID-1 (85.60 × 53.98 mm) at 300 dpi
CARD_WIDTH, CARD_HEIGHT = 1012, 638
CARD_ASPECT = CARD_WIDTH / CARD_HEIGHT

MAX_FILE_BYTES = 80 * 1024 * 1024
#: refused outright above this (a 150-megapixel image is no capture of a card)
MAX_PIXELS = 150_000_000
#: decoded at a reduced scale above this (the card needs far fewer pixels)
REDUCE_ABOVE_PIXELS = 14_000_000

Image = Any  # numpy BGR array


def load_image(image: bytes | str | Path | np.ndarray, source: str = "") -> np.ndarray:
    """A BGR image from a file, its bytes or an array, with bounded memory; raises ImageUnreadable/ImageTooLarge."""
    if isinstance(image, np.ndarray):
        return _from_array(image, source)
    if isinstance(image, (str, Path)):
        path = Path(image)
        source = source or str(path)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise errors.image_unreadable(source, "ファイルがありません", "the file does not exist") from None
        except OSError as exc:
            raise errors.image_unreadable(source, f"開けません（{exc.strerror}）", f"cannot open it ({exc.strerror})") from exc
        if path.is_dir():
            raise errors.image_unreadable(source, "フォルダです", "it is a folder")
        if size > MAX_FILE_BYTES:
            raise _too_large(source, f"{size / 1e6:.0f} MB")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise errors.image_unreadable(source, f"開けません（{exc.strerror}）", f"cannot open it ({exc.strerror})") from exc
    else:
        data = bytes(image)
        source = source or "<bytes>"
    return decode_bytes(data, source)


def _from_array(array: np.ndarray, source: str) -> np.ndarray:
    if array.ndim == 2:
        return cv2.cvtColor(array, cv2.COLOR_GRAY2BGR)
    if array.ndim == 3 and array.shape[2] == 4:
        return cv2.cvtColor(array, cv2.COLOR_BGRA2BGR)
    if array.ndim == 3 and array.shape[2] == 3:
        return array
    raise errors.image_unreadable(source or "<array>", "画像の形式ではありません", "the array is not an image")


def _too_large(source: str, what: str) -> errors.ImageTooLarge:
    return errors.ImageTooLarge(
        f"画像 {source} が大きすぎます（{what}）。カメラやスキャナの解像度を下げて読み取り直してください。",
        f"the image {source} is too large ({what}). Lower the camera or scanner resolution and capture it again.")


def _header_size(data: bytes) -> tuple[int, int, str] | None:
    """(width, height, format) from the header only, without decoding the pixels."""
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            return probe.width, probe.height, (probe.format or "")
    except PILImage.DecompressionBombError:
        return MAX_PIXELS + 1, 1, "bomb"
    except Exception:  # noqa: BLE001 - PIL raises many types for broken headers; OpenCV gets the last word
        return None


def decode_bytes(data: bytes, source: str = "<bytes>") -> np.ndarray:
    if not data:
        raise errors.image_unreadable(source, "空のファイルです", "the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(source, f"{len(data) / 1e6:.0f} MB")
    header = _header_size(data)
    flags = cv2.IMREAD_COLOR
    if header is not None:
        width, height, kind = header
        pixels = width * height
        if pixels > MAX_PIXELS:
            raise _too_large(source, f"{width}×{height}" if kind != "bomb" else "over 150 megapixels")
        if pixels > REDUCE_ABOVE_PIXELS:
            if kind != "JPEG":
                raise _too_large(source, f"{width}×{height}, {kind}")
            flags = cv2.IMREAD_REDUCED_COLOR_2 if pixels <= 4 * REDUCE_ABOVE_PIXELS else cv2.IMREAD_REDUCED_COLOR_4
    buffer = np.frombuffer(data, dtype=np.uint8)
    image = cv2.imdecode(buffer, flags)
    if image is None:
        if header is None:
            raise errors.image_unreadable(source, "画像ファイルではないか、壊れています", "it is not an image file, or it is corrupt")
        raise errors.image_unreadable(source, "画像が壊れています", "the image data is corrupt")
    if header is not None and header[1] > 0 and _looks_truncated(data, header[2]):
        raise errors.image_unreadable(source, "画像が途中で切れています（保存の途中か転送の失敗）",
                                      "the image is truncated (still being written, or a failed transfer)")
    return image


def _looks_truncated(data: bytes, kind: str) -> bool:
    """libjpeg fills a truncated JPEG with grey and only warns: check the end-of-image marker."""
    if kind == "JPEG":
        return not data.rstrip(b"\x00").endswith(b"\xff\xd9")
    if kind == "PNG":
        return b"IEND" not in data[-32:]
    return False


# --- finding the card -------------------------------------------------------------------


def _order_corners(points: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL of four points, with the long side as the width (top edge first)."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    center = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - center[1], pts[:, 0] - center[0])
    pts = pts[np.argsort(angles)]  # clockwise in image coordinates starting from the left-up
    # start at the corner nearest the top-left of the image
    start = int(np.argmin(pts.sum(axis=1)))
    pts = np.roll(pts, -start, axis=0)
    top = np.linalg.norm(pts[1] - pts[0]) + np.linalg.norm(pts[2] - pts[3])
    side = np.linalg.norm(pts[3] - pts[0]) + np.linalg.norm(pts[2] - pts[1])
    if side > top:  # card stands upright in the frame: its top edge is the left or right side
        pts = np.roll(pts, -1, axis=0)  # top edge becomes TR→BR of the old order (turned 90° clockwise)
    return pts


def _background_distance(lab: np.ndarray) -> tuple[np.ndarray, float]:
    """Each pixel's colour distance from the background (estimated on the image border), and
    the distance above which a pixel is not background (from the border's own spread)."""
    height, width = lab.shape[:2]
    border = max(3, min(height, width) // 40)
    strips = np.concatenate([lab[:border].reshape(-1, 3), lab[-border:].reshape(-1, 3),
                             lab[:, :border].reshape(-1, 3), lab[:, -border:].reshape(-1, 3)])
    background = np.median(strips, axis=0).astype(np.float32)
    weights = np.array([0.5, 1.0, 1.0], np.float32)  # light varies across a desk more than colour does

    def distance(values: np.ndarray) -> np.ndarray:
        return np.sqrt((((values.astype(np.float32) - background) * weights) ** 2).sum(axis=-1))

    spread = float(np.percentile(distance(strips), 95))
    return distance(lab), spread


def _candidate_masks(small: np.ndarray) -> list[np.ndarray]:
    """Card masks at a few thresholds: the lowest finds a pale card on a white scanner bed, the
    higher ones cut off a glare or a shadow that a low one joins to the card."""
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (7, 7), 0), cv2.COLOR_BGR2LAB)
    distance, spread = _background_distance(lab)
    size = max(small.shape[:2])
    close = cv2.getStructuringElement(cv2.MORPH_RECT, (max(5, size // 50),) * 2)
    # a wide opening cuts the thin bridges to glare blobs and shadows next to the card
    opening = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (max(5, size // 22),) * 2)
    base = max(3.0, spread * 1.5 + 1.5)
    # faint edges close the outline of a pale card on a white scanner bed (its shadow line);
    # on a desk they would only join the card to the desk's texture
    light_background = float(np.median(lab[:4, :, 0])) > 180
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(grey, 12, 36), np.ones((3, 3), np.uint8))
    masks = []
    for index, threshold in enumerate((base, base, base * 2.0, base * 3.5)):
        mask = (distance > threshold).astype(np.uint8) * 255
        if index == 0 and light_background:
            mask |= edges
        filled = _fill_holes(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, close))
        masks.append(cv2.morphologyEx(filled, cv2.MORPH_OPEN, opening))
    return masks


def _candidate_mask(small: np.ndarray) -> np.ndarray:
    return _candidate_masks(small)[0]


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(mask)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    return filled


def _quad_of(contour: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Four corners of a card-shaped contour and how well it fills them (0–1), or None."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    quad = None
    for epsilon in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            break
    if quad is None:
        quad = cv2.boxPoints(cv2.minAreaRect(contour)).astype(np.float32)
    quad_area = cv2.contourArea(quad)
    if quad_area <= 0:
        return None
    fill = float(cv2.contourArea(contour)) / quad_area
    ordered = _refine_corners(_order_corners(quad), contour.reshape(-1, 2).astype(np.float32))
    width = (np.linalg.norm(ordered[1] - ordered[0]) + np.linalg.norm(ordered[2] - ordered[3])) / 2
    height = (np.linalg.norm(ordered[3] - ordered[0]) + np.linalg.norm(ordered[2] - ordered[1])) / 2
    if height <= 0:
        return None
    aspect = width / height
    if not 1.2 <= aspect <= 2.1:
        return None
    return ordered, min(fill, 1.0)


def _refine_corners(quad: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Corners as intersections of lines fitted to each side's straight middle part: the card's
    rounded corners pull a polygon's vertices inwards, the sides' lines do not."""
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        direction = b - a
        length = float(np.linalg.norm(direction))
        if length < 1:
            return quad
        unit = direction / length
        normal = np.array([-unit[1], unit[0]])
        relative = points - a
        along = relative @ unit / length
        across = np.abs(relative @ normal)
        chosen = points[(along > 0.12) & (along < 0.88) & (across < max(3.0, 0.04 * length))]
        if len(chosen) < 5:
            return quad
        vx, vy, x0, y0 = cv2.fitLine(chosen, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    corners = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        matrix = np.array([d1, -d2]).T
        if abs(np.linalg.det(matrix)) < 1e-6:
            return quad
        t = np.linalg.solve(matrix, p2 - p1)
        corners.append(p1 + t[0] * d1)
    refined = np.array(corners, np.float32)
    if np.abs(refined - quad).max() > 0.1 * np.linalg.norm(quad[2] - quad[0]):
        return quad
    return refined


def _gradient(small: np.ndarray) -> np.ndarray:
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0).astype(np.float32)
    magnitude = cv2.magnitude(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    return cv2.dilate(magnitude, np.ones((7, 7), np.uint8))


def _sharp_part(contour: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """The contour without its soft stretches: a card's edge is sharp, a glare blob or a soft
    shadow that the mask joined to it is not."""
    points = contour.reshape(-1, 2)
    strength = gradient[points[:, 1], points[:, 0]]
    threshold = 0.35 * float(np.percentile(strength, 75))
    sharp = points[strength > threshold]
    if len(sharp) < 0.5 * len(points):
        return contour
    return sharp.reshape(-1, 1, 2).astype(np.int32)


def find_card_outlines(image: np.ndarray, *, max_side: int = 900) -> list[np.ndarray]:
    """Every card-shaped outline in the capture (original coordinates), largest first."""
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    small = cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA) \
        if scale < 1.0 else image
    frame_area = small.shape[0] * small.shape[1]
    gradient = _gradient(small)
    best: tuple[float, list[tuple[float, np.ndarray]]] | None = None
    for mask in _candidate_masks(small):
        found = _outlines_in(mask, gradient, frame_area)
        # the threshold whose largest shape is most card-like wins
        quality = max((fill for _area, _quad, fill in found), default=0.0)
        if best is None or quality > best[0] + 0.02:
            best = (quality, [(area, quad) for area, quad, _fill in found])
    found = best[1] if best else []
    found.sort(key=lambda item: -item[0])
    return [quad / scale for _area, quad in found]


def _outlines_in(mask: np.ndarray, gradient: np.ndarray, frame_area: int) -> list[tuple[float, np.ndarray, float]]:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    found = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < 0.03 * frame_area or area > 0.995 * frame_area:
            continue
        quad = _quad_of(_sharp_part(contour, gradient))
        if quad is None:
            continue
        fit = _overlap(contour, quad[0], mask.shape)
        if fit < 0.8:
            continue
        found.append((area, quad[0], fit))
    return found


def _overlap(contour: np.ndarray, quad: np.ndarray, shape: tuple[int, ...]) -> float:
    """Intersection over union of the shape found and the quadrilateral fitted to it."""
    x, y, w, h = cv2.boundingRect(np.concatenate([contour.reshape(-1, 2), quad.astype(np.int32)]))
    x, y = max(0, x), max(0, y)
    region = np.zeros((y + h + 2, x + w + 2), np.uint8)
    shape_mask, quad_mask = region.copy(), region.copy()
    cv2.drawContours(shape_mask, [contour], -1, 1, thickness=cv2.FILLED)
    cv2.fillConvexPoly(quad_mask, np.round(quad).astype(np.int32), 1)
    union = int((shape_mask | quad_mask).sum())
    return float((shape_mask & quad_mask).sum()) / union if union else 0.0


def find_card_outline(image: np.ndarray, *, max_side: int = 900, quiet: bool = False) -> np.ndarray | None:
    """The one card's corners (TL, TR, BR, BL in the original image).

    Raises CardNotFound / TwoCardsInView, or returns None for either when ``quiet``.
    A scan where the card fills the whole image (cropped by the scanner) is the card itself.
    """
    outlines = find_card_outlines(image, max_side=max_side)
    if len(outlines) >= 2:
        first, second = (cv2.contourArea(o.astype(np.float32)) for o in outlines[:2])
        if second > 0.35 * first:
            if quiet:
                return None
            raise errors.two_cards()
    if outlines:
        return outlines[0]
    height, width = image.shape[:2]
    if 1.45 <= max(width, height) / min(width, height) <= 1.72 and _looks_like_card_face(image):
        corners = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
        return _order_corners(corners)
    if quiet:
        return None
    raise errors.card_not_found()


def _looks_like_card_face(image: np.ndarray) -> bool:
    """An image already cropped to the card: text-like detail over most of it."""
    grey = cv2.cvtColor(cv2.resize(image, (256, 160)), cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(grey, 50, 150)
    return 0.02 < float((edges > 0).mean()) < 0.4


def warp_card(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The card face flattened to CARD_WIDTH × CARD_HEIGHT (top edge = corners[0]→corners[1])."""
    target = np.array([[0, 0], [CARD_WIDTH - 1, 0], [CARD_WIDTH - 1, CARD_HEIGHT - 1], [0, CARD_HEIGHT - 1]],
                      np.float32)
    matrix = cv2.getPerspectiveTransform(np.asarray(corners, np.float32), target)
    return cv2.warpPerspective(image, matrix, (CARD_WIDTH, CARD_HEIGHT), flags=cv2.INTER_AREA,
                               borderMode=cv2.BORDER_REPLICATE)


def whole_frame(image: np.ndarray) -> np.ndarray:
    """The whole capture as the card, for when no outline stands out (a scanner's auto-cropped
    card, a tight photo): scaled so its longer side is the card face's width (a 375-pixel image
    is enlarged; the aspect ratio is kept, so a frame that is not the card is not distorted)."""
    height, width = image.shape[:2]
    factor = CARD_WIDTH / max(height, width)
    if abs(factor - 1.0) < 0.05:
        return image
    return cv2.resize(image, None, fx=factor, fy=factor,
                      interpolation=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA)


def to_card_size(face: np.ndarray) -> np.ndarray:
    """A face of any size at CARD_WIDTH × CARD_HEIGHT (where the fixed-box readers need it)."""
    if face.shape[:2] == (CARD_HEIGHT, CARD_WIDTH):
        return face
    return cv2.resize(face, (CARD_WIDTH, CARD_HEIGHT), interpolation=cv2.INTER_AREA)


def rotate_180(card: np.ndarray) -> np.ndarray:
    return cv2.rotate(card, cv2.ROTATE_180)
