// The signature box's geometry and the appearance preview, checked without pdf.js: the same
// numbers the core uses (kyso::layout) and pdf.js's viewport mapping for turned pages.

import { describe, expect, it } from "vitest";
import { type Context, drawAppearance, lineBaseline, pngWidthMm, sealWidthMm } from "./appearance";
import {
  attachmentLines,
  type Box,
  breakLines,
  clampToPage,
  copyLines,
  displayAspect,
  displayMatrix,
  displaySize,
  fitCentred,
  keyAction,
  MIN_SIDE,
  moveBox,
  type PageFrame,
  pointToDisplay,
  type Rect,
  resizeBox,
  sealRect,
  textBoxRect,
  toDisplay,
  toPdf,
  vietnamTime,
  withAspect,
} from "./placement";

const A4: Rect = [0, 0, 595.28, 841.89];
const upright: PageFrame = { view: A4, rotate: 0 };
/** A page whose MediaBox does not start at 0,0 (a cropped scan, a Letter page moved). */
const offset: PageFrame = { view: [100, 200, 712, 992], rotate: 0 };

function close(a: number[], b: number[], digits = 9): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i], digits));
}

describe("points and the page as shown", () => {
  it("maps the page's corners like pdf.js's viewport, for every rotation", () => {
    // pdf.js: rotate 90 shows the bottom-left corner at the top left; 270 the top-right.
    const cases: [number, [number, number], [number, number]][] = [
      [0, [100, 992], [0, 0]],
      [90, [100, 200], [0, 0]],
      [180, [712, 200], [0, 0]],
      [270, [712, 992], [0, 0]],
    ];
    for (const [rotate, [x, y], shown] of cases) {
      close(pointToDisplay({ view: offset.view, rotate }, x, y), shown);
    }
    expect(displaySize({ view: offset.view, rotate: 90 })).toEqual({ width: 792, height: 612 });
    expect(displaySize({ view: offset.view, rotate: -90 })).toEqual({ width: 792, height: 612 });
  });

  it("agrees with pdf.js's convertToViewportPoint (values printed by pdfjs-dist 5 for this page)", () => {
    const measured: [number, [number, number]][] = [
      [0, [332.1, 436.5]],
      [90, [355.5, 332.1]],
      [180, [279.9, 355.5]],
      [270, [436.5, 279.9]],
    ];
    for (const [rotate, shown] of measured) close(pointToDisplay({ view: offset.view, rotate }, 432.1, 555.5), shown);
  });

  it("a rectangle goes to the screen and back unchanged, whatever the rotation and origin", () => {
    const rect: Rect = [345.28, 120, 525.28, 200];
    for (const frame of [upright, offset, ...[90, 180, 270].map((rotate) => ({ view: offset.view, rotate }))]) {
      const r: Rect = frame === upright ? rect : [rect[0] + 100, rect[1] + 200, rect[2] + 100, rect[3] + 200];
      close(toPdf(frame, toDisplay(frame, r)), r);
    }
  });

  it("measures from the view box's corner, not from 0,0", () => {
    expect(toDisplay(upright, [345, 120, 525, 200])).toEqual({ left: 345, top: 841.89 - 200, width: 180, height: 80 });
    // The same place relative to the page on a page starting at (100, 200).
    expect(toDisplay(offset, [445, 320, 625, 400])).toEqual({ left: 345, top: 592, width: 180, height: 80 });
    // A page turned a quarter shows the rectangle turned: width and height swap.
    const turned = toDisplay({ view: A4, rotate: 90 }, [100, 50, 300, 130]);
    expect(turned).toEqual({ left: 50, top: 100, width: 80, height: 200 });
  });

  it("the display matrix agrees with the point mapping", () => {
    for (const rotate of [0, 90, 180, 270]) {
      const frame = { view: offset.view, rotate };
      const [a, b, c, d, e, f] = displayMatrix(frame);
      const [x, y] = [432.1, 555.5];
      close([a * x + c * y + e, b * x + d * y + f], pointToDisplay(frame, x, y));
    }
  });
});

describe("moving and resizing the box", () => {
  const box: Box = { left: 300, top: 600, width: 180, height: 90 };

  it("arrow keys move by 10 pt, Shift+arrows resize by 5 pt from the bottom-right corner", () => {
    expect(keyAction("ArrowLeft", false)).toEqual({ kind: "move", dx: -10, dy: 0 });
    expect(keyAction("ArrowUp", false)).toEqual({ kind: "move", dx: 0, dy: -10 });
    expect(keyAction("ArrowRight", true)).toEqual({ kind: "resize", dw: 5, dh: 0 });
    expect(keyAction("ArrowUp", true)).toEqual({ kind: "resize", dw: 0, dh: -5 });
    expect(keyAction("Enter", true)).toBeNull();
  });

  it("keeps the image's aspect while resizing, the top-left corner fixed", () => {
    const grown = resizeBox(upright, box, 20, 0, 2);
    expect(grown).toEqual({ left: 300, top: 600, width: 200, height: 100 });
    // A vertical step leads when it is the larger change.
    const taller = resizeBox(upright, box, 0, 10, 2);
    expect(taller.height).toBeCloseTo(100);
    expect(taller.width / taller.height).toBeCloseTo(2);
  });

  it("never smaller than 10 mm either way, never past the page", () => {
    const tiny = resizeBox(upright, box, -1000, 0, 2);
    expect(tiny.height).toBeCloseTo(MIN_SIDE);
    expect(tiny.width).toBeCloseTo(2 * MIN_SIDE);
    const huge = resizeBox(upright, box, 5000, 0, 2);
    expect(huge.left + huge.width).toBeCloseTo(595.28);
    expect(huge.width / huge.height).toBeCloseTo(2);
    const free = resizeBox(upright, box, 5000, 5000, null);
    expect(free).toEqual({ left: 300, top: 600, width: 595.28 - 300, height: 841.89 - 600 });
    const moved = moveBox(upright, box, 10_000, -10_000);
    expect(moved).toEqual({ left: 595.28 - 180, top: 0, width: 180, height: 90 });
  });

  it("takes the image's aspect when the image is chosen, centred where the box was", () => {
    const fitted = withAspect(upright, box, 3);
    expect(fitted.width).toBe(180);
    expect(fitted.height).toBeCloseTo(60);
    expect(fitted.top + fitted.height / 2).toBeCloseTo(box.top + box.height / 2);
    // A turned page shows the image turned: its aspect as shown is the inverse.
    expect(displayAspect({ view: A4, rotate: 270 }, 3)).toBeCloseTo(1 / 3);
    // A box from a larger page is brought onto a small one.
    const small: PageFrame = { view: [0, 0, 200, 150], rotate: 0 };
    const kept = clampToPage(small, box);
    expect(kept.left + kept.width).toBeLessThanOrEqual(200);
    expect(kept.top + kept.height).toBeLessThanOrEqual(150);
  });

  it("a box with the image's aspect is the rectangle the core draws the image in", () => {
    const box = withAspect(upright, { left: 320, top: 620, width: 170, height: 99 }, 2.4);
    const rect = toPdf(upright, box);
    close(fitCentred(rect, 2.4), rect);
  });
});

describe("what the core draws", () => {
  it("fits the image centred, as fit_centred does", () => {
    close(fitCentred([0, 0, 200, 100], 1), [50, 0, 150, 100]);
    close(fitCentred([10, 10, 110, 210], 2), [10, 85, 110, 135]);
  });

  it("puts the seal over the left third of the leader's widget, its real size", () => {
    const seal = sealRect([300, 100, 450, 160], 36, 1);
    const side = (36 * 72) / 25.4;
    close(seal, [350 - side, 130 - side / 2, 350, 130 + side / 2]);
    expect(sealWidthMm(null, null)).toBe(36);
    expect(sealWidthMm(40, null)).toBe(40);
    expect(sealWidthMm(null, { image: {} as CanvasImageSource, aspect: 1, widthMm: 42 })).toBe(42);
    expect(sealWidthMm(200, null)).toBe(36);
  });

  it("writes the attachment and copy boxes' lines, top right of page 1", () => {
    const time = vietnamTime(Date.UTC(2026, 3, 26, 2, 15, 2));
    expect(time).toBe("2026-04-26T09:15:02+07:00");
    expect(attachmentLines(" 12/QĐ-UBND ", time)).toEqual(["12/QĐ-UBND", time]);
    const measure = (text: string, size: number) => text.length * size * 0.5;
    const lines = copyLines("SAO Y", "Văn phòng Ủy ban nhân dân tỉnh Quảng Nam và các cơ quan khác", time, measure);
    expect(lines[0]).toBe("SAO Y");
    expect(lines[lines.length - 1]).toBe(time);
    expect(lines.length).toBe(4);
    for (const l of lines.slice(1, -1)) expect(measure(l, 10)).toBeLessThanOrEqual(220);
    expect(breakLines("a  b", 10, 220, measure)).toEqual(["a b"]);
    const rect = textBoxRect(A4, ["SAO Y", time], measure);
    close(rect, [595.28 - 28.35 - (125 + 6), 841.89 - 14.17 - (22 + 6), 595.28 - 28.35, 841.89 - 14.17]);
  });

  it("reads the seal's width in mm from pHYs, and nothing from a PNG without it", () => {
    const png = (chunks: [string, number[]][]) => {
      const bytes: number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
      const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
      for (const [type, data] of chunks) bytes.push(...u32(data.length), ...[...type].map((c) => c.charCodeAt(0)), ...data, 0, 0, 0, 0);
      return new Uint8Array(bytes).buffer;
    };
    const ihdr: [string, number[]] = ["IHDR", [0, 0, 2, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0]];
    // 512 px at 11811 px/m (300 dpi) = 43.35 mm.
    const phys: [string, number[]] = ["pHYs", [0, 0, 0x2e, 0x23, 0, 0, 0x2e, 0x23, 1]];
    expect(pngWidthMm(png([ihdr, phys, ["IDAT", []]]))).toBeCloseTo((512 / 11811) * 1000);
    expect(pngWidthMm(png([ihdr, ["IDAT", []], phys]))).toBeNull();
    expect(pngWidthMm(png([ihdr]).slice(0, 20))).toBeNull();
  });
});

/** A 2D context that records where things land in pixels (jsdom has no canvas). */
function recorder() {
  let m = [1, 0, 0, 1, 0, 0];
  const stack: number[][] = [];
  const apply = (x: number, y: number) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
  const multiply = (a: number, b: number, c: number, d: number, e: number, f: number) => {
    m = [m[0] * a + m[2] * b, m[1] * a + m[3] * b, m[0] * c + m[2] * d, m[1] * c + m[3] * d, m[0] * e + m[2] * f + m[4], m[1] * e + m[3] * f + m[5]];
  };
  const images: number[][] = [];
  const texts: { text: string; at: number[]; font: string; size: number }[] = [];
  const ctx = {
    font: "",
    fontKerning: "auto",
    fillStyle: "",
    strokeStyle: "",
    lineWidth: 1,
    textBaseline: "alphabetic",
    save: () => stack.push([...m]),
    restore: () => (m = stack.pop() ?? m),
    setTransform: (a: number, b: number, c: number, d: number, e: number, f: number) => (m = [a, b, c, d, e, f]),
    transform: multiply,
    clearRect: () => {},
    fillRect: () => {},
    strokeRect: () => {},
    measureText: (text: string) => ({ width: text.length * 5 }),
    drawImage: (_: unknown, x: number, y: number, w: number, h: number) => {
      const [ax, ay] = apply(x, y);
      const [bx, by] = apply(x + w, y + h);
      images.push([ax, ay, bx, by]);
    },
    fillText: (text: string, x: number, y: number) => {
      // The text's size on screen: how long 1 unit of its vertical axis is.
      texts.push({ text, at: apply(x, y), font: ctx.font, size: Math.hypot(m[2], m[3]) });
    },
  };
  return { ctx: ctx as unknown as Context, images, texts };
}

describe("the appearance preview", () => {
  it("draws the image fitted and centred in the box, upright, at the zoom", () => {
    const { ctx, images } = recorder();
    const rect: Rect = [300, 100, 500, 200];
    const box = toDisplay(upright, rect);
    drawAppearance(ctx, upright, box, 1.5, rect, { kind: "image", image: { image: {} as CanvasImageSource, aspect: 1, widthMm: null } });
    // A square image in a 200×100 box: 100×100, 50 pt in from each side, top row at the top.
    close(images[0], [75, 0, 225, 150]);
  });

  it("draws a turned page's image turned, inside the box", () => {
    const { ctx, images } = recorder();
    const frame: PageFrame = { view: A4, rotate: 90 };
    const rect: Rect = [300, 100, 500, 200];
    const box = toDisplay(frame, rect);
    drawAppearance(ctx, frame, box, 1, rect, { kind: "image", image: { image: {} as CanvasImageSource, aspect: 2, widthMm: null } });
    const [ax, ay, bx, by] = images[0];
    expect(Math.min(ax, bx)).toBeCloseTo(0);
    expect(Math.max(ax, bx)).toBeCloseTo(box.width);
    expect(Math.min(ay, by)).toBeCloseTo(0);
    expect(Math.max(ay, by)).toBeCloseTo(box.height);
  });

  it("writes the box's lines in a Times-like 10 pt font, scaled to the zoom, on the core's baselines", () => {
    const { ctx, texts } = recorder();
    const lines = ["12/QĐ-UBND", "2026-04-26T09:15:02+07:00"];
    const rect: Rect = [400, 780, 560, 808];
    const box = toDisplay(upright, rect);
    drawAppearance(ctx, upright, box, 2, rect, { kind: "lines", lines });
    expect(texts.map((t) => t.text)).toEqual(lines);
    // Set at 200 px and scaled to 10 pt: 2 px per point at this zoom.
    expect(texts[0].font).toMatch(/^200px .*Liberation Serif.*serif$/);
    expect(texts[0].size * 200).toBeCloseTo(10 * 2);
    // First baseline: from the top, padding + text size − 1.5 pt; then 11 pt apart.
    expect(texts[0].at[0]).toBeCloseTo(3 * 2);
    expect(texts[0].at[1]).toBeCloseTo((28 - lineBaseline(28, 0)) * 2);
    expect(texts[1].at[1] - texts[0].at[1]).toBeCloseTo(11 * 2);
  });
});
