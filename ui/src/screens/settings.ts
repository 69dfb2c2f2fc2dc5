// Settings: language, PKCS#11 modules, TSA URL, trust anchors, office name, default reason and
// output folder. Profiles and images come with the layout issue (F).

import { open } from "@tauri-apps/plugin-dialog";
import { api, type AnchorView, type Level, type Settings } from "../api";
import type { App, Screen } from "../app";
import { baseName, fill, h } from "../dom";
import { errorText, type Lang, setLang, t } from "../i18n";

export class SettingsScreen implements Screen {
  readonly id = "settings";
  readonly title = "navSettings" as const;
  readonly element = h("section", { class: "screen settings" });
  private draft: Settings | null = null;
  private anchors: AnchorView[] = [];

  constructor(private readonly app: App) {}

  show(): void {
    this.draft = structuredClone(this.app.settings);
    this.render();
    void api.trustAnchors().then(
      (a) => {
        this.anchors = a;
        this.render();
      },
      (e) => this.app.toast(errorText(e), "error"),
    );
  }

  private render(): void {
    const d = this.draft;
    if (!d) return;
    const text = (id: string, value: string | null, set: (v: string | null) => void) =>
      h("input", { type: "text", id, value: value ?? "", oninput: (e: Event) => set((e.target as HTMLInputElement).value.trim() || null) });
    const pathList = (id: string, paths: string[], onRemove: (p: string) => void) =>
      h("ul", { id, class: "paths" }, paths.map((p) => h("li", {}, h("span", { class: "mono" }, p), h("button", { type: "button", class: "link", "aria-label": `${t("remove")} ${baseName(p)}`, onclick: () => onRemove(p) }, t("remove")))));
    const language = h(
      "select",
      { id: "settings-language", onchange: (e: Event) => { d.language = (e.target as HTMLSelectElement).value as Lang; } },
      h("option", { value: "vi", selected: d.language === "vi" }, "Tiếng Việt"),
      h("option", { value: "en", selected: d.language === "en" }, "English"),
    );
    fill(
      this.element,
      h("h2", {}, t("settingsTitle")),
      h(
        "form",
        { class: "settings-form", onsubmit: (e: Event) => { e.preventDefault(); void this.save(); } },
        h("label", {}, t("language"), language),
        h(
          "fieldset",
          {},
          h("legend", {}, t("modules")),
          h("p", { class: "hint" }, t("modulesHint")),
          pathList("settings-modules", d.modulePaths, (p) => { d.modulePaths = d.modulePaths.filter((x) => x !== p); this.render(); }),
          h("button", { type: "button", id: "settings-add-module", onclick: () => void this.pick((p) => d.modulePaths.push(p), ["so", "dll", "dylib"]) }, t("addModule")),
        ),
        h("label", {}, t("level"), h(
          "select",
          { id: "settings-level", onchange: (e: Event) => { d.level = (e.target as HTMLSelectElement).value as Level; } },
          (["b-b", "b-t", "b-lt", "b-lta"] as const).map((l) => h("option", { value: l, selected: l === (d.level ?? "b-b") }, t(({ "b-b": "levelBB", "b-t": "levelBT", "b-lt": "levelBLT", "b-lta": "levelBLTA" } as const)[l]))),
        )),
        h("label", {}, t("tsaUrl"), text("settings-tsa", d.tsaUrl, (v) => (d.tsaUrl = v))),
        h("label", { class: "check" }, h("input", { type: "checkbox", id: "settings-online-revocation", checked: d.onlineRevocation !== false, onchange: (e: Event) => { d.onlineRevocation = (e.target as HTMLInputElement).checked; } }), ` ${t("onlineRevocation")}`),
        h(
          "fieldset",
          {},
          h("legend", {}, t("trustAnchors")),
          h("ul", { class: "anchors" }, this.anchors.filter((a) => a.shipped).map((a) => h("li", {}, h("span", { class: "chip" }, t("shipped")), ` ${a.subject}`))),
          pathList("settings-anchors", d.trustAnchors, (p) => { d.trustAnchors = d.trustAnchors.filter((x) => x !== p); this.render(); }),
          h("button", { type: "button", id: "settings-add-anchor", onclick: () => void this.pick((p) => d.trustAnchors.push(p), ["pem", "crt", "cer", "der"]) }, t("addAnchor")),
        ),
        h("label", {}, t("officeName"), text("settings-office", d.officeName, (v) => (d.officeName = v))),
        h("label", {}, t("defaultReason"), text("settings-reason", d.reason, (v) => (d.reason = v))),
        h("label", {}, t("outputDir"), text("settings-output", d.outputDir, (v) => (d.outputDir = v))),
        h("fieldset", {}, h("legend", {}, t("profiles")), h("p", { class: "hint" }, this.app.info.layoutAvailable ? t("profilesHere") : t("profilesLater"))),
        h("div", { class: "row end" }, h("button", { type: "submit", id: "settings-save", class: "primary" }, t("save"))),
      ),
    );
  }

  private async pick(add: (p: string) => void, extensions: string[]): Promise<void> {
    const picked = await open({ multiple: false, directory: false, filters: [{ name: extensions.join(", "), extensions }] });
    if (typeof picked === "string") {
      add(picked);
      this.render();
    }
  }

  private async save(): Promise<void> {
    if (!this.draft) return;
    try {
      await api.saveSettings(this.draft);
      const languageChanged = this.draft.language !== this.app.settings.language;
      this.app.settings = structuredClone(this.draft);
      if (languageChanged) {
        setLang(this.app.settings.language);
        this.app.relabel();
      }
      this.app.toast(t("saved"));
      await this.app.refreshTokens();
    } catch (e) {
      this.app.toast(errorText(e), "error");
    }
  }
}
