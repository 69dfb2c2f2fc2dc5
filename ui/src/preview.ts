// Page previews with pdf.js, loaded on first use so the app starts without it. The document is
// read by the app (`read_pdf`) and rendered in a worker; nothing is fetched from a network.
// On the Sign screen the preview also shows where the visible signature goes and what it will
// look like (`appearance.ts`); the geometry is `placement.ts`'s.

import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist";
import { api } from "./api";
import { canvasMeasure, drawAppearance, type Drawn, type LoadedImage, measuringContext } from "./appearance";
import { h } from "./dom";
import { t } from "./i18n";
import { type Box, clampToPage, displayAspect, keyAction, moveBox, type PageFrame, PT_PER_MM, type Rect, resizeBox, scaleBox, sealRect, textBoxRect, toDisplay, toPdf, withAspect } from "./placement";

let pdfjs: typeof import("pdfjs-dist") | null = null;

async function library(): Promise<typeof import("pdfjs-dist")> {
  if (!pdfjs) {
    const [lib, worker] = await Promise.all([
      import("pdfjs-dist"),
      import("pdfjs-dist/build/pdf.worker.min.mjs?url"),
    ]);
    lib.GlobalWorkerOptions.workerSrc = worker.default;
    pdfjs = lib;
  }
  return pdfjs;
}

/** A rectangle on a page in PDF points, origin bottom-left (as the layout API takes it). */
export interface PlaceRect {
  page: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** What the preview shows of the visible signature the Sign screen is set to. */
export type PreviewAppearance =
  | { profile: "none" }
  /** The leader's image in the box the person places; `image` once it is read. */
  | { profile: "leader"; image: LoadedImage | null }
  /** The attachment or copy box's lines (top right of page 1, placed by the core). */
  | { profile: "lines"; lines: string[] }
  /** The issuer's seal, over the left third of the leader's signature widget on the page. */
  | { profile: "issuer"; seal: LoadedImage | null; sealMm: number };

export class Preview {
  private doc: PDFDocumentProxy | null = null;
  private path = "";
  page = 1;
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly box: HTMLElement;
  private readonly boxCanvas: HTMLCanvasElement;
  private readonly handle: HTMLElement;
  private readonly tag: HTMLElement;
  private readonly announce: HTMLElement;
  private readonly note: HTMLElement;
  private scale = 1;
  /** The page shown: its view box and rotation (pdf.js's `view` and `rotate`). */
  private frame: PageFrame | null = null;
  /** Signature widgets on the page shown (the issuer's seal goes over the leader's). */
  private signatureWidgets: Rect[] = [];
  /** Where the leader's signature goes; `null` until a page is shown. */
  place: PlaceRect | null = null;
  private appearance: PreviewAppearance = { profile: "none" };
  /** Whether the appearance is drawn over the page: not over a signed output, which has its own. */
  private overlay = true;

  constructor(private readonly draggable: boolean) {
    this.canvas = h("canvas", { class: "page", "aria-label": "PDF" });
    this.boxCanvas = h("canvas", { class: "sig-appearance", "aria-hidden": "true" });
    this.handle = h("span", { class: "sig-handle", title: t("sigBoxResize"), "aria-hidden": "true" });
    this.tag = h("span", { class: "sig-tag" }, t("previewNotSigned"));
    this.box = h(
      "div",
      { class: "sig-box", hidden: true, tabindex: "0", role: "button", "aria-label": t("sigBoxLabel") },
      this.boxCanvas,
      this.tag,
      this.handle,
    );
    this.announce = h("p", { class: "sr-only", "aria-live": "polite", id: "sig-box-announce" });
    this.note = h("p", { class: "hint sig-note", id: "sig-note", hidden: true });
    this.element = h("div", { class: "page-wrap" }, this.canvas, this.box, this.announce);
    if (draggable) this.enableInteraction();
  }

  /** Shows or hides the leader's box (kept for callers that only place). */
  setPlacing(on: boolean): void {
    this.setAppearance(on ? { profile: "leader", image: null } : { profile: "none" });
  }

  /** What to show of the visible signature; the leader's box takes the image's aspect. */
  setAppearance(appearance: PreviewAppearance): void {
    this.appearance = this.draggable ? appearance : { profile: "none" };
    this.fitPlaceToImage();
    this.drawBox();
  }

  /** Draws the appearance over the page (the document to sign) or not (a signed output). */
  setOverlay(on: boolean): void {
    this.overlay = on;
    this.drawBox();
  }

  /** A line under the page when the appearance cannot be shown (no leader signature). */
  get noteElement(): HTMLElement {
    return this.note;
  }

  get pageCount(): number {
    return this.doc?.numPages ?? 0;
  }

  async open(path: string): Promise<void> {
    if (path === this.path && this.doc) return this.render();
    await this.openBytes(await api.readPdf(path), path);
  }

  /**
   * Shows a document the app sent as bytes (the signed revision of a checked file); `key` names
   * it so that opening the same one again only redraws. `page` is kept when it exists.
   */
  async openBytes(bytes: ArrayBuffer, key: string, page = 1): Promise<void> {
    if (key === this.path && this.doc) return this.show(page);
    const lib = await library();
    const doc = await lib.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false })
      .promise;
    await this.doc?.destroy();
    this.doc = doc;
    this.path = key;
    this.page = Math.min(Math.max(1, page), doc.numPages);
    await this.render();
  }

  async show(page: number): Promise<void> {
    if (!this.doc) return;
    this.page = Math.min(Math.max(1, page), this.doc.numPages);
    await this.render();
  }

  private async render(): Promise<void> {
    if (!this.doc) return;
    const page = await this.doc.getPage(this.page);
    const base = page.getViewport({ scale: 1 });
    // The page is drawn at the width it is shown at; the box maps through the same viewport.
    const available = this.element.parentElement?.clientWidth || 560;
    this.scale = Math.min(1.4, Math.max(0.3, (available - 4) / base.width));
    this.frame = { view: page.view as Rect, rotate: page.rotate };
    const viewport = page.getViewport({ scale: this.scale });
    this.canvas.width = Math.floor(viewport.width);
    this.canvas.height = Math.floor(viewport.height);
    this.canvas.style.width = `${this.canvas.width}px`;
    this.canvas.style.height = `${this.canvas.height}px`;
    await page.render({ canvas: this.canvas, viewport }).promise;
    if (this.draggable) {
      this.signatureWidgets = await signatureWidgets(page);
      const [, y0, x1] = this.frame.view;
      // Default: bottom right, where a leader signs under the title (NĐ 30 Phụ lục I).
      this.place ??= { page: this.page, x1: x1 - 250, y1: y0 + 120, x2: x1 - 70, y2: y0 + 200 };
      if (this.place.page !== this.page) this.place = { ...this.place, page: this.page };
      // On the page whatever its size and rotation (the default may not fit a small one).
      const shown = this.placeBox();
      if (shown) this.setPlaceBox(clampToPage(this.frame, shown));
      this.fitPlaceToImage();
      this.drawBox();
    }
  }

  /** The leader's box as shown (display points), or null when there is none on this page. */
  private placeBox(): Box | null {
    if (!this.frame || !this.place || this.place.page !== this.page) return null;
    const p = this.place;
    return toDisplay(this.frame, [p.x1, p.y1, p.x2, p.y2]);
  }

  private setPlaceBox(box: Box): void {
    if (!this.frame || !this.place) return;
    const [x1, y1, x2, y2] = toPdf(this.frame, box);
    this.place = { page: this.place.page, x1, y1, x2, y2 };
    this.drawBox();
  }

  /** The image's aspect as shown on this page, when the leader's image is known. */
  private shownAspect(): number | null {
    const a = this.appearance;
    if (a.profile !== "leader" || !a.image || !this.frame) return null;
    return displayAspect(this.frame, a.image.aspect);
  }

  /** The core fits the image in the rectangle: the box takes its aspect, so both agree. */
  private fitPlaceToImage(): void {
    const aspect = this.shownAspect();
    const box = this.placeBox();
    if (aspect && box && this.frame && Math.abs(box.width / box.height - aspect) > 1e-9) {
      const [x1, y1, x2, y2] = toPdf(this.frame, withAspect(this.frame, box, aspect));
      this.place = { page: this.page, x1, y1, x2, y2 };
    }
  }

  /** Where the appearance goes on this page (PDF rectangle) and what is drawn there. */
  private target(): { rect: Rect; drawn: Drawn | null; movable: boolean } | null {
    const a = this.appearance;
    if (!this.frame || !this.overlay) return null;
    switch (a.profile) {
      case "leader": {
        const p = this.place;
        if (!p || p.page !== this.page) return null;
        return { rect: [p.x1, p.y1, p.x2, p.y2], drawn: a.image ? { kind: "image", image: a.image } : null, movable: true };
      }
      case "lines": {
        if (this.page !== 1 || !a.lines.some((l) => l.trim())) return null;
        const measure = canvasMeasure(measuringContext() ?? this.boxCanvas.getContext("2d"));
        return { rect: textBoxRect(this.frame.view, a.lines, measure), drawn: { kind: "lines", lines: a.lines }, movable: false };
      }
      case "issuer": {
        // The core puts the seal over the leader's signed widget; the last one on the page is
        // the nearest guess the preview can make without validating.
        const leader = this.signatureWidgets[this.signatureWidgets.length - 1];
        if (!leader || !a.seal) return null;
        return { rect: sealRect(leader, a.sealMm, a.seal.aspect), drawn: { kind: "image", image: a.seal }, movable: false };
      }
      default:
        return null;
    }
  }

  private drawBox(): void {
    const target = this.target();
    const a = this.appearance;
    this.note.hidden = !(a.profile === "issuer" && this.overlay && this.frame && this.signatureWidgets.length === 0);
    this.note.textContent = this.note.hidden ? "" : t("sealNoLeader");
    if (!target || !this.frame) {
      this.box.hidden = true;
      return;
    }
    const box = toDisplay(this.frame, target.rect);
    const px = scaleBox(box, this.scale);
    this.box.hidden = false;
    this.box.classList.toggle("fixed", !target.movable);
    this.box.dataset.profile = a.profile;
    this.box.tabIndex = target.movable ? 0 : -1;
    this.handle.hidden = !target.movable;
    // The boxes' time is the signing time; until then it is the time of the preview.
    this.tag.textContent = a.profile === "lines" ? `${t("previewNotSigned")} · ${t("previewTimeNote")}` : t("previewNotSigned");
    this.box.style.left = `${px.left}px`;
    this.box.style.top = `${px.top}px`;
    this.box.style.width = `${px.width}px`;
    this.box.style.height = `${px.height}px`;
    // The rectangle in points, for people and tests that read it (exactly what is sent).
    this.box.dataset.rect = target.rect.map((v) => v.toFixed(2)).join(",");
    const ratio = window.devicePixelRatio || 1;
    this.boxCanvas.width = Math.max(1, Math.round(px.width * ratio));
    this.boxCanvas.height = Math.max(1, Math.round(px.height * ratio));
    this.boxCanvas.style.width = `${px.width}px`;
    this.boxCanvas.style.height = `${px.height}px`;
    const ctx = this.boxCanvas.getContext?.("2d");
    if (ctx && target.drawn) drawAppearance(ctx, this.frame, box, this.scale * ratio, target.rect, target.drawn);
    else if (ctx) ctx.clearRect(0, 0, this.boxCanvas.width, this.boxCanvas.height);
  }

  private say(key: "sigBoxSize" | "sigBoxMoved"): void {
    const box = this.placeBox();
    if (!box) return;
    const mm = (pt: number) => Math.round(pt / PT_PER_MM);
    this.announce.textContent =
      key === "sigBoxSize" ? t(key, { w: mm(box.width), h: mm(box.height) }) : t(key, { x: mm(box.left), y: mm(box.top) });
  }

  /**
   * Drag the box to move it, drag its bottom-right handle to resize it; with the box focused,
   * arrow keys move it (10 pt) and Shift+arrow keys resize it (5 pt), said aloud.
   */
  private enableInteraction(): void {
    const drag = (e: PointerEvent, resize: boolean) => {
      const start = this.placeBox();
      if (!start || !this.frame || this.appearance.profile !== "leader") return;
      e.preventDefault();
      e.stopPropagation();
      const target = e.currentTarget as HTMLElement;
      target.setPointerCapture(e.pointerId);
      const [x0, y0] = [e.clientX, e.clientY];
      const onMove = (ev: PointerEvent) => {
        if (!this.frame) return;
        const dx = (ev.clientX - x0) / this.scale;
        const dy = (ev.clientY - y0) / this.scale;
        // From the box at the start of the drag: no rounding drift while dragging.
        this.setPlaceBox(resize ? resizeBox(this.frame, start, dx, dy, this.shownAspect()) : moveBox(this.frame, start, dx, dy));
      };
      const onUp = () => {
        target.removeEventListener("pointermove", onMove);
        target.removeEventListener("pointerup", onUp);
        this.say(resize ? "sigBoxSize" : "sigBoxMoved");
      };
      target.addEventListener("pointermove", onMove);
      target.addEventListener("pointerup", onUp);
    };
    this.box.addEventListener("pointerdown", (e) => drag(e, false));
    this.handle.addEventListener("pointerdown", (e) => drag(e, true));
    this.box.addEventListener("keydown", (e) => {
      const action = keyAction(e.key, e.shiftKey);
      const box = this.placeBox();
      if (!action || !box || !this.frame || this.appearance.profile !== "leader") return;
      e.preventDefault();
      if (action.kind === "move") {
        this.setPlaceBox(moveBox(this.frame, box, action.dx, action.dy));
        this.say("sigBoxMoved");
      } else {
        this.setPlaceBox(resizeBox(this.frame, box, action.dw, action.dh, this.shownAspect()));
        this.say("sigBoxSize");
      }
    });
  }
}

/** The signature widgets' rectangles on a page, in the order the page lists them. */
async function signatureWidgets(page: PDFPageProxy): Promise<Rect[]> {
  try {
    const annotations: { subtype?: string; fieldType?: string; rect?: number[] }[] = await page.getAnnotations();
    return annotations
      .filter((a) => a.subtype === "Widget" && a.fieldType === "Sig" && a.rect?.length === 4)
      .map((a) => a.rect as Rect)
      .filter((r) => r[2] - r[0] > 0 && r[3] - r[1] > 0);
  } catch {
    // A page whose annotations pdf.js cannot read shows no seal preview, and says so.
    return [];
  }
}
