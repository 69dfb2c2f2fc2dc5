// The Check screen: drop files or a folder; each document gets its colour, its reasons, the
// details one click away, and exports (report JSON/PDF, refusal notice).

import { open, save } from "@tauri-apps/plugin-dialog";
import { api, type CheckSummary, type ExportKind, newJobId, type SignatureDetails } from "../api";
import type { App, Screen } from "../app";
import { baseName, fill, h } from "../dom";
import { errorText, t } from "../i18n";
import { Preview } from "../preview";
import { reportItem, signatureDetailsOf } from "../report-view";

/** What the signed-version viewer shows. */
interface Viewing {
  summary: CheckSummary;
  index: number;
  details: SignatureDetails | null;
  /** The signed revision (`false`) or the file as it is now (`true`). */
  current: boolean;
}

export class CheckScreen implements Screen {
  readonly id = "check";
  readonly title = "navCheck" as const;
  readonly element = h("section", { class: "screen check" });
  private results: CheckSummary[] = [];
  private jobId: string | null = null;
  private readonly list = h("ul", { class: "results", id: "check-results" });
  private readonly progress = h("progress", { id: "check-progress", max: 1, value: 0, hidden: true });
  private readonly status = h("p", { id: "check-status", role: "status" });
  /** The signed version of one signature, as it was (issue 7: "xem bản đã ký"). */
  private readonly viewer = h("section", { class: "signed-viewer", id: "check-viewer", hidden: true, "aria-live": "polite" });
  private readonly preview = new Preview(false);
  private viewing: Viewing | null = null;

  constructor(private readonly app: App) {}

  show(): void {
    const pathInput = h("input", { type: "text", id: "check-path", placeholder: "/…/van-ban-den.pdf", "aria-label": t("pathLabel") });
    const addPath = () => {
      const value = pathInput.value.trim();
      pathInput.value = "";
      if (value) void this.check(value.split("\n").map((s) => s.trim()).filter(Boolean));
    };
    pathInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        addPath();
      }
    });
    fill(
      this.element,
      h("h2", {}, t("checkTitle")),
      h(
        "div",
        { class: "drop-zone", id: "check-drop" },
        h("p", {}, t("dropHereCheck")),
        h(
          "div",
          { class: "row" },
          h("button", { type: "button", id: "check-choose", onclick: () => void this.choose(false) }, t("chooseFiles")),
          h("button", { type: "button", id: "check-choose-folder", onclick: () => void this.choose(true) }, t("chooseFolder")),
        ),
        h("label", { class: "path-entry" }, t("pathLabel"), h("div", { class: "row" }, pathInput, h("button", { type: "button", id: "check-path-add", onclick: addPath }, t("add")))),
      ),
      h(
        "div",
        { class: "row" },
        this.progress,
        this.status,
        h("button", { type: "button", id: "check-stop", class: "secondary", hidden: true, onclick: () => this.jobId && void api.cancelJob(this.jobId) }, t("stop")),
        h("button", { type: "button", id: "check-clear", class: "link", onclick: () => { this.results = []; this.renderList(); } }, t("clear")),
      ),
      this.viewer,
      this.list,
    );
    this.renderList();
    this.renderViewer();
  }

  drop(paths: string[]): void {
    void this.check(paths);
  }

  private async choose(directory: boolean): Promise<void> {
    const picked = await open({ multiple: !directory, directory, filters: directory ? undefined : [{ name: "PDF", extensions: ["pdf", "PDF"] }] });
    if (!picked) return;
    await this.check(Array.isArray(picked) ? picked : [picked]);
  }

  async check(paths: string[]): Promise<void> {
    if (this.jobId) return;
    const jobId = newJobId("check");
    this.jobId = jobId;
    this.app.busy = true;
    this.progress.hidden = false;
    this.progress.value = 0;
    this.status.textContent = t("checking");
    this.element.querySelector<HTMLElement>("#check-stop")!.hidden = false;
    const unlisten = await api.onCheckProgress((p) => {
      if (p.jobId !== jobId) return;
      this.progress.max = p.total;
      this.progress.value = p.index + 1;
      this.status.textContent = t("progress", { i: p.index + 1, n: p.total });
      this.results.unshift(p.summary);
      this.list.prepend(this.item(p.summary));
    });
    try {
      const result = await api.checkFiles(jobId, paths);
      const mode = result.online === undefined ? "" : ` · ${t(result.online ? "modeOnline" : "modeOffline")}`;
      this.status.textContent = `${t("doneCheck", { n: result.results.length })}${mode}`;
    } catch (e) {
      this.status.textContent = errorText(e);
      this.app.toast(errorText(e), "error");
    } finally {
      unlisten();
      this.jobId = null;
      this.app.busy = false;
      this.element.querySelector<HTMLElement>("#check-stop")!.hidden = true;
    }
  }

  private renderList(): void {
    fill(this.list, this.results.map((r) => this.item(r)));
  }

  private item(summary: CheckSummary): HTMLElement {
    const button = (kind: ExportKind, label: string, ext: string) =>
      h("button", { type: "button", class: "link", dataset: { export: kind }, onclick: () => void this.export(summary, kind, ext) }, label);
    const actions = [button("report-json", t("exportJson"), "json"), button("report-pdf", t("exportPdf"), "pdf")];
    if (summary.report.verdict === "rejected") actions.push(button("notice-pdf", t("exportNotice"), "pdf"));
    return reportItem(summary, actions, (s, index, details) => void this.viewSigned(s, index, details));
  }

  /** Shows the revision signature `index` covers, and which pages changed after it. */
  async viewSigned(summary: CheckSummary, index: number, details: SignatureDetails | null): Promise<void> {
    this.viewing = { summary, index, details, current: false };
    this.viewer.hidden = false;
    this.renderViewer();
    this.viewer.scrollIntoView?.({ block: "start" });
    if (!details) {
      try {
        const all = await signatureDetailsOf(summary.reportId);
        if (this.viewing?.summary !== summary || this.viewing.index !== index) return;
        this.viewing.details = all[index] ?? null;
      } catch {
        // The pages still show; only the list of changed pages is missing.
      }
    }
    await this.showViewerPage(1);
  }

  /** Opens the signed (or current) version at `page` and redraws the viewer. */
  private async showViewerPage(page: number): Promise<void> {
    const v = this.viewing;
    if (!v) return;
    const { summary, index } = v;
    try {
      if (v.current) {
        await this.preview.openBytes(await api.readCheckedPdf(summary.reportId), `current:${summary.reportId}`, page);
      } else {
        const key = `signed:${summary.reportId}:${index}`;
        await this.preview.openBytes(await api.readSignedRevision(summary.reportId, index), key, page);
      }
      this.renderViewer();
    } catch (e) {
      this.renderViewer(errorText(e));
    }
  }

  private renderViewer(error?: string): void {
    const v = this.viewing;
    if (!v) {
      this.viewer.hidden = true;
      return;
    }
    const signature = v.summary.report.signatures[v.index];
    const changed = v.details?.changed_pages ?? [];
    const page = this.preview.page;
    const count = this.preview.pageCount;
    fill(
      this.viewer,
      h(
        "div",
        { class: "row" },
        h("h3", { id: "check-viewer-title" }, v.current ? `${t("currentVersion")} — ${baseName(v.summary.file)}` : t("signedVersionOf", { i: v.index + 1, f: signature?.field ?? "?" })),
        h("button", { type: "button", class: "link", id: "check-viewer-close", onclick: () => { this.viewing = null; this.renderViewer(); } }, t("close")),
      ),
      v.current
        ? null
        : signature?.integrity === "intact"
          ? h("p", { class: "hint" }, t("signedVersionHint"))
          : h("p", { class: "bad", id: "check-viewer-broken", role: "alert" }, `⚠ ${t("signedVersionBroken")}`),
      v.details
        ? changed.length
          ? h(
              "p",
              { class: "bad", id: "check-viewer-changed" },
              t("changedPages"),
              changed.flatMap((p) => [" ", h("button", { type: "button", class: "link changed-page", dataset: { page: p }, onclick: () => void this.showViewerPage(p) }, `${t("page")} ${p}`)]),
            )
          : h("p", { class: "hint", id: "check-viewer-changed" }, t("noChangedPages"))
        : null,
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", "aria-label": t("prev"), onclick: () => void this.showViewerPage(page - 1) }, "◀"),
        h("span", { id: "check-viewer-page" }, `${t("page")} ${page} ${t("of")} ${count}`),
        h("button", { type: "button", "aria-label": t("next"), onclick: () => void this.showViewerPage(page + 1) }, "▶"),
        h(
          "button",
          { type: "button", id: "check-viewer-switch", class: "secondary", onclick: () => { v.current = !v.current; void this.showViewerPage(this.preview.page); } },
          v.current ? t("showSigned") : t("currentVersion"),
        ),
      ),
      count && changed.includes(page) ? h("p", { class: "bad", id: "check-viewer-page-changed" }, `⚠ ${t("pageChangedMark")}`) : null,
      error ? h("p", { class: "bad", role: "alert" }, error) : null,
      h("div", { class: "preview" }, this.preview.element),
    );
  }

  private async export(summary: CheckSummary, kind: ExportKind, ext: string): Promise<void> {
    const stem = baseName(summary.file).replace(/\.pdf$/i, "");
    const suffix = kind.startsWith("notice") ? "tu-choi" : "ket-qua-kiem-tra";
    const path = await save({ defaultPath: `${stem}.${suffix}.${ext}`, filters: [{ name: ext.toUpperCase(), extensions: [ext] }] });
    if (!path) return;
    try {
      await api.exportReport(summary.reportId, kind, path);
      this.app.toast(t("exported", { p: path }));
    } catch (e) {
      this.app.toast(errorText(e), "error");
    }
  }
}
