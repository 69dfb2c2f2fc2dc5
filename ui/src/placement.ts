// The signature box's geometry, as pure functions: the page as pdf.js shows it (its visible box,
// which need not start at 0,0, and its /Rotate) against PDF default user space, where the core
// takes the rectangle (`kyso::layout`). Everything the person does with the box happens in
// "display points" — the page as shown, at scale 1, origin top-left — and is converted back,
// so the rectangle sent to the core is exactly the one on the screen.

/** `[x1, y1, x2, y2]` in PDF points, default user space (origin bottom-left). */
export type Rect = [number, number, number, number];

/** A box on the page as shown, in display points (scale 1), origin top-left. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The page as pdf.js shows it: its view box (CropBox ∩ MediaBox) and rotation. */
export interface PageFrame {
  view: Rect;
  /** 0, 90, 180 or 270, clockwise (anything else is normalised). */
  rotate: number;
}

/** Points in a millimetre. */
export const PT_PER_MM = 72 / 25.4;
/** The box is never narrower or lower than this (10 mm): an image smaller is not readable. */
export const MIN_SIDE = 10 * PT_PER_MM;
/** One arrow-key step, in points. */
export const KEY_STEP = 10;
/** One Shift+arrow-key resize step, in points. */
export const RESIZE_STEP = 5;

function rotation(frame: PageFrame): 0 | 90 | 180 | 270 {
  const r = (((Math.round(frame.rotate / 90) * 90) % 360) + 360) % 360;
  return r as 0 | 90 | 180 | 270;
}

/** Whether the page is shown turned a quarter (width and height swap). */
export function quarterTurned(frame: PageFrame): boolean {
  const r = rotation(frame);
  return r === 90 || r === 270;
}

/** The page's size as shown, in display points. */
export function displaySize(frame: PageFrame): { width: number; height: number } {
  const [x0, y0, x1, y1] = frame.view;
  const w = x1 - x0;
  const h = y1 - y0;
  return quarterTurned(frame) ? { width: h, height: w } : { width: w, height: h };
}

/** A PDF point to display points: the same mapping as pdf.js's `PageViewport` at scale 1. */
export function pointToDisplay(frame: PageFrame, x: number, y: number): [number, number] {
  const [x0, y0, x1, y1] = frame.view;
  switch (rotation(frame)) {
    case 90:
      return [y - y0, x - x0];
    case 180:
      return [x1 - x, y - y0];
    case 270:
      return [y1 - y, x1 - x];
    default:
      return [x - x0, y1 - y];
  }
}

/** A display point to PDF default user space (the inverse of [`pointToDisplay`]). */
export function pointToPdf(frame: PageFrame, dx: number, dy: number): [number, number] {
  const [x0, y0, x1, y1] = frame.view;
  switch (rotation(frame)) {
    case 90:
      return [x0 + dy, y0 + dx];
    case 180:
      return [x1 - dx, y0 + dy];
    case 270:
      return [x1 - dy, y1 - dx];
    default:
      return [x0 + dx, y1 - dy];
  }
}

/** A PDF rectangle as the box shown on the page (display points). */
export function toDisplay(frame: PageFrame, rect: Rect): Box {
  const [ax, ay] = pointToDisplay(frame, rect[0], rect[1]);
  const [bx, by] = pointToDisplay(frame, rect[2], rect[3]);
  return { left: Math.min(ax, bx), top: Math.min(ay, by), width: Math.abs(bx - ax), height: Math.abs(by - ay) };
}

/** The box shown on the page as a PDF rectangle, corners ordered as the core wants them. */
export function toPdf(frame: PageFrame, box: Box): Rect {
  const [px, py] = pointToPdf(frame, box.left, box.top);
  const [qx, qy] = pointToPdf(frame, box.left + box.width, box.top + box.height);
  return [Math.min(px, qx), Math.min(py, qy), Math.max(px, qx), Math.max(py, qy)];
}

/** Display points to screen pixels at `scale`, and back. */
export function scaleBox(box: Box, scale: number): Box {
  return { left: box.left * scale, top: box.top * scale, width: box.width * scale, height: box.height * scale };
}

/**
 * The image's width over height as it appears on the page: the core draws it upright in PDF
 * space, so a page shown a quarter turn shows it turned too.
 */
export function displayAspect(frame: PageFrame, aspect: number): number {
  return quarterTurned(frame) ? 1 / aspect : aspect;
}

/** Moves the box by (dx, dy) display points, never past the page's edges. */
export function moveBox(frame: PageFrame, box: Box, dx: number, dy: number): Box {
  const page = displaySize(frame);
  return {
    ...box,
    left: clamp(box.left + dx, 0, Math.max(0, page.width - box.width)),
    top: clamp(box.top + dy, 0, Math.max(0, page.height - box.height)),
  };
}

/**
 * The box with its bottom-right corner moved by (dw, dh) display points (the top-left corner
 * stays), at least [`MIN_SIDE`] each way and never past the page. With `aspect` (width over
 * height as shown) the box keeps it: the larger of the two changes leads.
 */
export function resizeBox(frame: PageFrame, box: Box, dw: number, dh: number, aspect: number | null): Box {
  const page = displaySize(frame);
  const maxW = page.width - box.left;
  const maxH = page.height - box.top;
  if (!aspect || !(aspect > 0) || !Number.isFinite(aspect)) {
    return { ...box, width: clamp(box.width + dw, Math.min(MIN_SIDE, maxW), maxW), height: clamp(box.height + dh, Math.min(MIN_SIDE, maxH), maxH) };
  }
  const wanted = Math.abs(dw) >= Math.abs(dh * aspect) ? box.width + dw : (box.height + dh) * aspect;
  const width = clamp(wanted, ...widthLimits(aspect, maxW, maxH));
  return { ...box, width, height: width / aspect };
}

/** The widths a box of `aspect` may take: both sides at least MIN_SIDE, inside maxW × maxH. */
function widthLimits(aspect: number, maxW: number, maxH: number): [number, number] {
  const max = Math.min(maxW, maxH * aspect);
  const min = Math.max(MIN_SIDE, MIN_SIDE * aspect);
  return [Math.min(min, max), max];
}

/**
 * The box given the image's aspect (when the image is chosen or changed): same width and
 * centre where it fits, else shrunk to fit, then kept on the page.
 */
export function withAspect(frame: PageFrame, box: Box, aspect: number): Box {
  const page = displaySize(frame);
  const width = clamp(box.width, ...widthLimits(aspect, page.width, page.height));
  const height = width / aspect;
  const centred = { left: box.left + (box.width - width) / 2, top: box.top + (box.height - height) / 2, width, height };
  return moveBox(frame, centred, 0, 0);
}

/** The rectangle, kept on the page and at least MIN_SIDE each way (a rectangle from elsewhere). */
export function clampToPage(frame: PageFrame, box: Box): Box {
  const page = displaySize(frame);
  const width = clamp(box.width, Math.min(MIN_SIDE, page.width), page.width);
  const height = clamp(box.height, Math.min(MIN_SIDE, page.height), page.height);
  return moveBox(frame, { ...box, width, height }, 0, 0);
}

/** What a key does to the focused box: arrows move it, Shift+arrows resize it. */
export type KeyAction = { kind: "move"; dx: number; dy: number } | { kind: "resize"; dw: number; dh: number };

/**
 * The action for a key (display points; down is +y as on the screen). Shift+→ and Shift+↓
 * grow the box, Shift+← and Shift+↑ shrink it, as dragging the bottom-right handle would.
 */
export function keyAction(key: string, shift: boolean): KeyAction | null {
  const steps: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const step = steps[key];
  if (!step) return null;
  if (shift) return { kind: "resize", dw: step[0] * RESIZE_STEP, dh: step[1] * RESIZE_STEP };
  return { kind: "move", dx: step[0] * KEY_STEP, dy: step[1] * KEY_STEP };
}

/** The largest rectangle of `aspect` inside `area`, centred: `kyso::layout::placement::fit_centred`. */
export function fitCentred(area: Rect, aspect: number): Rect {
  const w = area[2] - area[0];
  const h = area[3] - area[1];
  const [fw, fh] = w / h > aspect ? [h * aspect, h] : [w, w / aspect];
  const x = area[0] + (w - fw) / 2;
  const y = area[1] + (h - fh) / 2;
  return [x, y, x + fw, y + fh];
}

/** Millimetres to points. */
export function mmToPt(mm: number): number {
  return mm * PT_PER_MM;
}

/** The part of the leader's image the seal covers (`kyso::layout::SEAL_OVERLAP`). */
export const SEAL_OVERLAP = 1 / 3;

/**
 * Where the core puts the issuer's seal (`place_issuer`): `sealMm` wide, its right edge one
 * third into the leader's widget, centred on it vertically.
 */
export function sealRect(leader: Rect, sealMm: number, aspect: number): Rect {
  const width = mmToPt(sealMm);
  const height = width / aspect;
  const right = leader[0] + (leader[2] - leader[0]) * SEAL_OVERLAP;
  const middle = (leader[1] + leader[3]) / 2;
  return [right - width, middle - height / 2, right, middle + height / 2];
}

/** The attachment and copy boxes' text size, margins and padding (`kyso::layout`, in points). */
export const BOX_TEXT_SIZE = 10;
const BOX_MARGIN = 28.35;
const BOX_MARGIN_TOP = 14.17;
export const BOX_PADDING = 3;
/** The copying organisation is broken into lines of at most this width. */
export const BOX_MAX_TEXT_WIDTH = 220;
/** Line spacing in the boxes. */
export const BOX_LEADING = BOX_TEXT_SIZE * 1.1;

/** Measures a text's width in points at `size` (a canvas, or a fixed width in tests). */
export type Measure = (text: string, size: number) => number;

/** Words into lines no wider than `max` (a word longer than a line stands alone). */
export function breakLines(text: string, size: number, max: number, measure: Measure): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next, size) > max) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The lines the attachment box shows: the number, then the signing time. */
export function attachmentLines(number: string, time: string): string[] {
  return [number.trim(), time];
}

/** The lines the copy box shows: the form, the organisation (wrapped), then the signing time. */
export function copyLines(form: string, organisation: string, time: string, measure: Measure): string[] {
  return [form, ...breakLines(organisation, BOX_TEXT_SIZE, BOX_MAX_TEXT_WIDTH, measure), time];
}

/** Where the core puts the attachment or copy box: top right of page 1, sized to its lines. */
export function textBoxRect(view: Rect, lines: string[], measure: Measure): Rect {
  const textWidth = Math.max(0, ...lines.map((l) => measure(l, BOX_TEXT_SIZE)));
  const width = textWidth + 2 * BOX_PADDING;
  const height = BOX_LEADING * lines.length + 2 * BOX_PADDING;
  const right = view[2] - BOX_MARGIN;
  const top = view[3] - BOX_MARGIN_TOP;
  return [right - width, top - height, right, top];
}

/** A time in Vietnam as the boxes show it, `2026-04-26T09:15:02+07:00` (no daylight saving). */
export function vietnamTime(now: number): string {
  return `${new Date(now + 7 * 3600 * 1000).toISOString().slice(0, 19)}+07:00`;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/**
 * The affine map from PDF default user space to display points, `[a, b, c, d, e, f]` as a
 * canvas takes it (display = (a·x + c·y + e, b·x + d·y + f)): appearances are drawn in PDF
 * space with it, so a turned page shows them turned, as a reader will.
 */
export function displayMatrix(frame: PageFrame): [number, number, number, number, number, number] {
  const [e, f] = pointToDisplay(frame, 0, 0);
  const [ax, ay] = pointToDisplay(frame, 1, 0);
  const [cx, cy] = pointToDisplay(frame, 0, 1);
  return [ax - e, ay - f, cx - e, cy - f, e, f];
}
