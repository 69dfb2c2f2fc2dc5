// History: the signing journal (`kyso::journal`, shared with `kyso journal`): every signing and
// every check made on this computer, newest first, searchable, exportable as CSV or JSON.

import { save } from "@tauri-apps/plugin-dialog";
import { api, type HistoryQuery, type JournalEntry } from "../api";
import type { App, Screen } from "../app";
import { fill, h } from "../dom";
import { errorText, msg, t } from "../i18n";

export class HistoryScreen implements Screen {
  readonly id = "history";
  readonly title = "navHistory" as const;
  readonly element = h("section", { class: "screen history" });
  private readonly list = h("div", { id: "history-list" });
  private query: HistoryQuery = { text: null, kind: null };
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly app: App) {}

  show(): void {
    const search = h("input", { type: "search", id: "history-search", "aria-label": t("search"), placeholder: t("search"), value: this.query.text ?? "" });
    search.addEventListener("input", () => {
      this.query.text = search.value;
      // Typing should not query the journal on every key.
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.load(), 200);
    });
    const kind = h(
      "select",
      { id: "history-kind", "aria-label": t("historyKind"), onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        this.query.kind = v === "sign" || v === "verify" ? v : null;
        void this.load();
      } },
      h("option", { value: "", selected: !this.query.kind }, t("historyAll")),
      h("option", { value: "sign", selected: this.query.kind === "sign" }, t("historySign")),
      h("option", { value: "verify", selected: this.query.kind === "verify" }, t("historyVerify")),
    );
    fill(
      this.element,
      h("h2", {}, t("historyTitle")),
      h(
        "div",
        { class: "row" },
        search,
        kind,
        h("button", { type: "button", id: "history-export-csv", onclick: () => void this.export("csv") }, `${t("exportJournal")} (CSV)`),
        h("button", { type: "button", id: "history-export-json", onclick: () => void this.export("json") }, `${t("exportJournal")} (JSON)`),
      ),
      this.list,
    );
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const entries = await api.journalEntries(this.query);
      this.render(entries);
    } catch (e) {
      fill(this.list, h("p", { class: "hint", id: "history-empty" }, errorText(e)));
    }
  }

  private render(entries: JournalEntry[]): void {
    if (entries.length === 0) {
      fill(this.list, h("p", { class: "hint", id: "history-empty" }, t("historyNone")));
      return;
    }
    const row = (e: JournalEntry) => {
      const who = e.signing?.signer ? (e.signing.signer.common_name ?? e.signing.signer.subject) : signersOf(e);
      const what = e.kind === "sign" ? t("historySign") : t("historyVerify");
      // A verification records the verdict (accepted or refused), not the Check screen's colour.
      const result = e.kind === "sign" ? (e.ok ? t("stateSigned") : t("stateFailed")) : e.ok ? t("historyAccepted") : t("statusRefused");
      return h(
        "tr",
        { class: e.ok ? "ok" : "not-ok", dataset: { kind: e.kind } },
        h("td", {}, e.at.replace("T", " ").slice(0, 19)),
        h("td", {}, what),
        h("td", { title: e.file_path }, e.file_name),
        h("td", {}, who),
        h("td", { class: e.ok ? "good" : "bad" }, result, e.message ? h("div", { class: "hint" }, msg(e.message)) : null),
      );
    };
    fill(
      this.list,
      h(
        "table",
        { class: "journal", id: "history-table" },
        h("thead", {}, h("tr", {}, [t("historyAt"), t("historyWhat"), t("historyFile"), t("signer"), t("historyResult")].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, entries.map(row)),
      ),
    );
  }

  private async export(format: "csv" | "json"): Promise<void> {
    const path = await save({ defaultPath: `nhat-ky-ky-so.${format}`, filters: [{ name: format.toUpperCase(), extensions: [format] }] });
    if (!path) return;
    try {
      const n = await api.exportJournal(this.query, format, path);
      this.app.toast(t("exported", { p: `${path} (${n})` }));
    } catch (e) {
      this.app.toast(errorText(e), "error");
    }
  }
}

/** The signers' common names of a verification entry (`CN=` of each signature's subject). */
function signersOf(e: JournalEntry): string {
  const signatures = (e.verification?.signatures ?? []) as { signer_subject?: string | null }[];
  return signatures
    .map((s) => /(?:^|,)CN=((?:\\.|[^,])*)/.exec(s.signer_subject ?? "")?.[1]?.replace(/\\(.)/g, "$1") ?? "")
    .filter(Boolean)
    .join(", ");
}
