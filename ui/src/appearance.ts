// The preview of a visible signature's appearance: what the core will draw (`kyso::layout`),
// drawn on a canvas over the page before anything is signed. Drawing happens in PDF default
// user space through the page's display matrix, so sizes are the core's (10 pt text, the
// image fitted with its aspect) at the page's zoom, and a turned page shows them turned.

import { BOX_LEADING, BOX_PADDING, BOX_TEXT_SIZE, type Box, displayMatrix, fitCentred, type Measure, type PageFrame, type Rect } from "./placement";

/** A Times-like font: the core draws with Liberation Serif (metric-compatible with Times). */
export const PREVIEW_FONT = `"Liberation Serif", "Times New Roman", Times, serif`;

/** A decoded PNG, its width over height in pixels (as `PngImage::aspect`) and its `pHYs` width. */
export interface LoadedImage {
  image: CanvasImageSource;
  aspect: number;
  widthMm: number | null;
}

/** The core's seal width when neither the person nor the PNG gives one (`DEFAULT_SEAL_MM`). */
export const DEFAULT_SEAL_MM = 36;

/** The seal's width in mm as the core chooses it (`IssuerLayout::seal_width_mm`). */
export function sealWidthMm(given: number | null, seal: LoadedImage | null): number {
  const w = given ?? seal?.widthMm ?? null;
  return w !== null && Number.isFinite(w) && w > 5 && w < 100 ? w : DEFAULT_SEAL_MM;
}

/** Chunks looked at for `pHYs` before giving up (it must come before the image data). */
const MAX_CHUNKS = 64;

/**
 * The image's width in millimetres from its `pHYs` chunk (pixels per metre), as the core reads
 * it; `null` when the PNG does not say. Bounded: at most MAX_CHUNKS chunks, inside the bytes.
 */
export function pngWidthMm(bytes: ArrayBuffer): number | null {
  const view = new DataView(bytes);
  if (view.byteLength < 24) return null;
  const width = view.getUint32(16);
  let at = 8;
  for (let i = 0; i < MAX_CHUNKS && at + 8 <= view.byteLength; i++) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...new Uint8Array(bytes, at + 4, 4));
    if (type === "IDAT" || type === "IEND") return null;
    if (type === "pHYs" && len === 9 && at + 17 <= view.byteLength) {
      const perMetre = view.getUint32(at + 8);
      const unit = view.getUint8(at + 16);
      return unit === 1 && perMetre > 0 ? (width / perMetre) * 1000 : null;
    }
    at += 12 + len;
  }
  return null;
}

/** What is drawn in a rectangle: an image fitted and centred, or the framed lines of a box. */
export type Drawn = { kind: "image"; image: LoadedImage } | { kind: "lines"; lines: string[] };

/** The parts of a 2D context the preview uses (a canvas's, or a recorder in tests). */
export type Context = Pick<
  CanvasRenderingContext2D,
  "save" | "restore" | "setTransform" | "transform" | "drawImage" | "fillText" | "fillRect" | "strokeRect" | "clearRect" | "measureText"
> & { font: string; fontKerning: CanvasFontKerning; fillStyle: string | CanvasGradient | CanvasPattern; strokeStyle: string | CanvasGradient | CanvasPattern; lineWidth: number; textBaseline: CanvasTextBaseline };

/**
 * Draws `drawn` for the PDF rectangle `rect` on a context whose canvas covers `box` (display
 * points) at `scale` pixels per point.
 */
export function drawAppearance(ctx: Context, frame: PageFrame, box: Box, scale: number, rect: Rect, drawn: Drawn): void {
  const [a, b, c, d, e, f] = displayMatrix(frame);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, box.width * scale, box.height * scale);
  // From here on, units are PDF points in default user space.
  ctx.setTransform(a * scale, b * scale, c * scale, d * scale, (e - box.left) * scale, (f - box.top) * scale);
  if (drawn.kind === "image") {
    const r = fitCentred(rect, drawn.image.aspect);
    upright(ctx, r[0], r[3], () => ctx.drawImage(drawn.image.image, 0, 0, r[2] - r[0], r[3] - r[1]));
    return;
  }
  const [x1, y1, x2, y2] = rect;
  // The core's box: a white ground, a 0.5 pt frame, 10 pt black lines.
  ctx.fillStyle = "#fff";
  ctx.fillRect(x1, y1, x2 - x1, y2 - y1);
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 0.5;
  ctx.strokeRect(x1 + 0.25, y1 + 0.25, x2 - x1 - 0.5, y2 - y1 - 0.5);
  ctx.fillStyle = "#000";
  // Set large and scaled down: at a few pixels a browser rounds glyph advances to whole pixels
  // (hinting), and the lines would come out wider than the core's.
  ctx.font = `${UNHINTED_SIZE}px ${PREVIEW_FONT}`;
  // The core adds up the glyphs' advances (no kerning): so does the preview.
  ctx.fontKerning = "none";
  const shrink = BOX_TEXT_SIZE / UNHINTED_SIZE;
  ctx.textBaseline = "alphabetic";
  drawn.lines.forEach((line, i) => {
    upright(ctx, x1 + BOX_PADDING, y1 + lineBaseline(y2 - y1, i), () => {
      ctx.transform(shrink, 0, 0, shrink, 0, 0);
      ctx.fillText(line, 0, 0);
    });
  });
}

/** The baseline of line `i`, from the box's bottom, as the core sets it (`place_box`). */
export function lineBaseline(height: number, i: number): number {
  return height - BOX_PADDING - BOX_TEXT_SIZE - BOX_LEADING * i + 1.5;
}

/** Runs `draw` with y pointing down from (x, y) in PDF space, as images and text expect. */
function upright(ctx: Context, x: number, y: number, draw: () => void): void {
  ctx.save();
  ctx.transform(1, 0, 0, -1, x, y);
  draw();
  ctx.restore();
}

/** The font size text is set and measured at before scaling (large enough not to be hinted). */
const UNHINTED_SIZE = 200;

/** Text widths in the preview font, from a canvas; a rough serif average where none exists. */
export function canvasMeasure(ctx: Pick<CanvasRenderingContext2D, "measureText" | "font" | "fontKerning"> | null): Measure {
  return (text, size) => {
    if (!ctx) return text.length * size * 0.5;
    ctx.font = `${UNHINTED_SIZE}px ${PREVIEW_FONT}`;
    ctx.fontKerning = "none";
    return (ctx.measureText(text).width * size) / UNHINTED_SIZE;
  };
}

/**
 * A context to measure text with, off screen; `null` where there is none (unit tests), and
 * [`canvasMeasure`] estimates.
 */
export function measuringContext(): OffscreenCanvasRenderingContext2D | null {
  return typeof OffscreenCanvas === "undefined" ? null : new OffscreenCanvas(1, 1).getContext("2d");
}

/** Decodes PNG bytes for the preview (the app checked them as the core will). */
export async function loadImage(bytes: ArrayBuffer): Promise<LoadedImage> {
  const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
  return { image: bitmap, aspect: bitmap.width / bitmap.height, widthMm: pngWidthMm(bytes) };
}
