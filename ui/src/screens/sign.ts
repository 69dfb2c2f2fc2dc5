// The Sign screen: choose the certificate, add documents (dialog, drop or typed path), preview,
// sign them all with one PIN, and see each result checked at once.

import { open } from "@tauri-apps/plugin-dialog";
import { api, type BatchResult, type CertificateView, type FileResult, type Level, newJobId, type Preflight, type SigningProfile, type SignRequest, type TokenView, type VisibleRequest } from "../api";
import type { App, Screen } from "../app";
import { baseName, fill, h } from "../dom";
import { resetFrameStats, timed } from "../frames";
import { errorText, type Key, msg, t } from "../i18n";
import { askPin } from "../pin-dialog";
import { confirmUnknownRevocation } from "../revocation-dialog";
import { Preview } from "../preview";
import { canvasMeasure, type LoadedImage, loadImage, measuringContext, sealWidthMm } from "../appearance";
import { attachmentLines, copyLines, vietnamTime } from "../placement";
import { statusChip } from "../report-view";

/** Tokens are looked for again this often while the screen is shown (a token plugged in). */
const RESCAN_MS = 5000;

const levelKey: Record<Level, Key> = { "b-b": "levelBB", "b-t": "levelBT", "b-lt": "levelBLT", "b-lta": "levelBLTA" };

type ProfileChoice = "invisible" | "leader" | "issuer" | "attachment" | "copy";

const profileKey: Record<ProfileChoice, Key> = {
  invisible: "profileInvisible",
  leader: "profileLeader",
  issuer: "profileIssuer",
  attachment: "profileAttachment",
  copy: "profileCopy",
};

/** Today in Vietnam (UTC+7, no daylight saving), `YYYY-MM-DD`: the issue date's default. */
export function todayInVietnam(now: number = Date.now()): string {
  return new Date(now + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

const familyKey: Record<CertificateView["caFamily"], Key> = {
  "cong-vu": "familyCongVu",
  "public-ca": "familyPublicCa",
  "user-added": "familyUserAdded",
  demo: "familyDemo",
  unknown: "familyUnknown",
};

export class SignScreen implements Screen {
  readonly id = "sign";
  readonly title = "navSign" as const;
  readonly element = h("section", { class: "screen sign" });
  private files: string[] = [];
  private results = new Map<string, FileResult>();
  private jobId: string | null = null;
  private rescan: ReturnType<typeof setInterval> | null = null;
  private preview: Preview;
  private previewPath: string | null = null;
  private readonly tokensBox = h("div", { class: "tokens", id: "tokens" });
  private readonly filesBox = h("ul", { class: "files", id: "sign-files" });
  private readonly previewBox = h("div", { class: "preview", id: "sign-preview" });
  private readonly progress = h("progress", { id: "sign-progress", max: 1, value: 0, hidden: true });
  private readonly progressText = h("span", { id: "sign-progress-text" });
  private readonly summary = h("p", { id: "sign-summary", role: "status" });
  /** What the result must say about revocation (not checked, or unknown and confirmed). */
  private readonly revocationNote = h("p", { id: "sign-revocation-note", class: "warn", hidden: true });
  private profile: ProfileChoice = "invisible";
  private image = "";
  private number = "";
  private copyForm = "SAO Y";
  private copyOrg = "";
  private seal = "";
  private sealMm: number | null = null;
  private issueNumber = "";
  private issueDate = todayInVietnam();
  private signerTitle = "";
  private authority = "";
  private savedProfile = "";
  private level: Level | null = null;
  private readonly profileBox = h("div", { class: "options", id: "profile-options" });
  /** Images read for the preview, by path (the leader's handwriting, the seal). */
  private readonly previewImages = new Map<string, Promise<LoadedImage | null>>();
  private readonly loadedImages = new Map<string, LoadedImage>();
  private appearanceTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly app: App) {
    this.preview = new Preview(app.info.layoutAvailable);
    app.onTokens(() => this.renderTokens());
  }

  show(): void {
    this.render();
    this.rescan ??= setInterval(() => {
      if (!this.app.busy && !document.querySelector("dialog[open]")) void this.app.refreshTokens();
    }, RESCAN_MS);
  }

  hide(): void {
    if (this.rescan) clearInterval(this.rescan);
    this.rescan = null;
  }

  drop(paths: string[]): void {
    this.addFiles(paths.filter((p) => p.toLowerCase().endsWith(".pdf")));
  }

  private render(): void {
    const pathInput = h("input", { type: "text", id: "sign-path", placeholder: "/…/van-ban.pdf", "aria-label": t("pathLabel") });
    const addPath = () => {
      const value = pathInput.value.trim();
      if (value) this.addFiles(value.split("\n").map((s) => s.trim()).filter(Boolean));
      pathInput.value = "";
    };
    pathInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        addPath();
      }
    });
    const reason = h("input", { type: "text", id: "sign-reason", value: this.app.settings.reason ?? "" });
    const location = h("input", { type: "text", id: "sign-location" });
    const signButton = h("button", { type: "button", id: "sign-button", class: "primary big", onclick: () => void this.sign(reason.value, location.value) }, this.signLabel());
    const stop = h("button", { type: "button", id: "sign-stop", class: "secondary", hidden: true, onclick: () => this.stop() }, t("stop"));
    fill(
      this.element,
      h(
        "div",
        { class: "col left" },
        h("h2", {}, t("tokenTitle"), h("button", { type: "button", id: "rescan", class: "link", onclick: () => void this.app.refreshTokens() }, t("rescan"))),
        this.tokensBox,
      ),
      h(
        "div",
        { class: "col middle" },
        h("h2", {}, t("filesTitle")),
        h(
          "div",
          { class: "drop-zone", id: "sign-drop" },
          h("p", {}, t("dropHere")),
          h("button", { type: "button", id: "sign-choose", onclick: () => void this.choose() }, t("chooseFiles")),
          h("label", { class: "path-entry" }, t("pathLabel"), h("div", { class: "row" }, pathInput, h("button", { type: "button", id: "sign-path-add", onclick: addPath }, t("add")))),
        ),
        this.filesBox,
        this.app.info.layoutAvailable ? this.profileBox : null,
        h(
          "div",
          { class: "options" },
          this.levelField(),
          h("label", {}, t("reason"), reason),
          h("label", {}, t("location"), location),
          h("p", { class: "hint" }, `${t("outputDir")}: ${this.app.settings.outputDir ?? t("nextToInput")}`),
        ),
        h("div", { class: "row" }, signButton, stop),
        h("div", { class: "row" }, this.progress, this.progressText),
        this.summary,
        this.revocationNote,
      ),
      h("div", { class: "col right" }, h("h2", {}, t("preview")), this.previewBox),
    );
    this.renderProfile();
    this.renderTokens();
    this.renderFiles();
    this.renderPreview();
  }

  /** The PAdES level (default from Settings) and, from B-T, where time-stamps come from. */
  private levelField(): HTMLElement {
    const level = this.level ?? this.app.settings.level ?? "b-b";
    const tsa = h("p", { class: "hint", id: "sign-tsa" });
    const showTsa = (l: Level) => {
      tsa.hidden = l === "b-b";
      tsa.textContent = t("tsaFrom", { u: this.app.settings.tsaUrl ?? t("tsaDefault") });
    };
    const select = h(
      "select",
      { id: "sign-level", onchange: (e: Event) => {
        this.level = (e.target as HTMLSelectElement).value as Level;
        showTsa(this.level);
      } },
      (["b-b", "b-t", "b-lt", "b-lta"] as const).map((l) => h("option", { value: l, selected: l === level }, t(levelKey[l]))),
    );
    showTsa(level);
    return h("div", {}, h("label", {}, t("level"), select), tsa);
  }

  /** A saved signing profile fills in the kind, images, title and authority, and the certificate. */
  private applySaved(name: string): void {
    this.savedProfile = name;
    const saved = (this.app.settings.profiles ?? []).find((p) => p.name === name);
    if (!saved) return this.renderProfile();
    this.profile = saved.kind;
    this.image = saved.image ?? this.image;
    this.seal = saved.seal ?? this.seal;
    this.sealMm = saved.seal_mm;
    this.copyForm = saved.copy_form ?? this.copyForm;
    this.copyOrg = saved.organisation ?? this.copyOrg;
    this.signerTitle = saved.title ?? "";
    this.authority = saved.authority_prefix ?? "";
    this.renderProfile();
    if (saved.certificate) {
      // As `kyso sign` reads a profile: the certificate by label or hex id, on the named token.
      const wanted = saved.certificate.trim();
      const hex = wanted.replace(/^0x/i, "").toLowerCase();
      const found = (this.app.inventory?.tokens ?? [])
        .filter((token) => !saved.token || token.label === saved.token || token.serial === saved.token)
        .flatMap((token) => token.certificates.map((cert) => ({ token, cert })))
        .find(({ cert }) => cert.canSign && (cert.label === wanted || cert.id.toLowerCase() === hex));
      if (found) void this.app.choose(found);
      else this.app.toast(t("profileCertMissing", { c: wanted }), "error");
    }
  }

  /** The saved profiles, the visible-signature choice and the fields its profile needs. */
  private renderProfile(): void {
    this.updateAppearance();
    const text = (id: string, value: string, set: (v: string) => void, type = "text") =>
      h("input", { type, id, value, oninput: (e: Event) => {
        set((e.target as HTMLInputElement).value);
        this.updateAppearance();
      } });
    const png = (id: string, value: string, set: (v: string) => void) => {
      const input = text(id, value, set);
      return h("div", { class: "row" }, input, h("button", { type: "button", id: `${id}-choose`, onclick: async () => {
        const picked = await open({ multiple: false, filters: [{ name: "PNG", extensions: ["png", "PNG"] }] });
        if (typeof picked === "string") {
          set(picked);
          input.value = picked;
          this.updateAppearance();
        }
      } }, t("chooseImage")));
    };
    let fields: (HTMLElement | null)[] = [];
    if (this.profile === "leader") {
      fields = [
        h("label", {}, t("signatureImage"), png("sign-image", this.image, (v) => (this.image = v))),
        h("label", {}, t("signerAuthority"), text("sign-authority", this.authority, (v) => (this.authority = v))),
        h("label", {}, t("signerTitle"), text("sign-title", this.signerTitle, (v) => (this.signerTitle = v))),
        h("p", { class: "hint" }, t("placeDrag")),
      ];
    } else if (this.profile === "issuer") {
      fields = [
        h("label", {}, t("sealImage"), png("sign-seal", this.seal, (v) => (this.seal = v))),
        h("label", {}, t("docNumber"), text("sign-issue-number", this.issueNumber, (v) => (this.issueNumber = v))),
        h("label", {}, t("issueDate"), text("sign-issue-date", this.issueDate, (v) => (this.issueDate = v), "date")),
        h("p", { class: "hint" }, t("issuerHint")),
      ];
    } else if (this.profile === "attachment") {
      fields = [h("label", {}, t("docNumber"), text("sign-number", this.number, (v) => (this.number = v)))];
    } else if (this.profile === "copy") {
      fields = [
        h("label", {}, t("copyForm"), h("select", { id: "sign-copy-form", onchange: (e: Event) => {
          this.copyForm = (e.target as HTMLSelectElement).value;
          this.updateAppearance();
        } },
          ["SAO Y", "SAO LỤC", "TRÍCH SAO"].map((f) => h("option", { value: f, selected: f === this.copyForm }, f)))),
        h("label", {}, t("copyOrg"), text("sign-copy-org", this.copyOrg, (v) => (this.copyOrg = v))),
      ];
    }
    const profiles = this.app.settings.profiles ?? [];
    const saved = profiles.length
      ? h("label", {}, t("savedProfile"), h(
          "select",
          { id: "sign-saved-profile", onchange: (e: Event) => this.applySaved((e.target as HTMLSelectElement).value) },
          h("option", { value: "", selected: this.savedProfile === "" }, t("savedProfileNone")),
          profiles.map((p) => h("option", { value: p.name, selected: p.name === this.savedProfile }, p.name)),
        ))
      : null;
    const kind = h(
      "select",
      { id: "sign-profile", onchange: (e: Event) => {
        this.profile = (e.target as HTMLSelectElement).value as ProfileChoice;
        this.renderProfile();
      } },
      (Object.keys(profileKey) as ProfileChoice[]).map((p) => h("option", { value: p, selected: p === this.profile }, t(profileKey[p]))),
    );
    fill(this.profileBox, saved, h("label", {}, t("profile"), kind), h("div", { class: "profile-fields", id: "profile-fields" }, fields), this.profile === "invisible" ? null : this.saveProfileRow());
  }

  /**
   * Shows on the preview what the chosen profile will draw: the leader's image in the box, the
   * attachment or copy box's lines, the issuer's seal. Images are read after typing pauses.
   */
  private updateAppearance(): void {
    const now = vietnamTime(Date.now());
    switch (this.profile) {
      case "attachment":
        return this.preview.setAppearance({ profile: "lines", lines: this.number.trim() ? attachmentLines(this.number, now) : [] });
      case "copy": {
        const measure = canvasMeasure(measuringContext());
        const lines = this.copyOrg.trim() ? copyLines(this.copyForm, this.copyOrg.trim(), now, measure) : [];
        return this.preview.setAppearance({ profile: "lines", lines });
      }
      case "leader":
      case "issuer":
        break;
      default:
        return this.preview.setAppearance({ profile: "none" });
    }
    const profile = this.profile;
    const path = (profile === "leader" ? this.image : this.seal).trim();
    const show = (image: LoadedImage | null) =>
      profile === "leader"
        ? this.preview.setAppearance({ profile, image })
        : this.preview.setAppearance({ profile, seal: image, sealMm: sealWidthMm(this.sealMm, image) });
    const known = this.loadedImages.get(path) ?? null;
    show(known);
    if (this.appearanceTimer) clearTimeout(this.appearanceTimer);
    if (!path || known) return;
    this.appearanceTimer = setTimeout(() => {
      let loading = this.previewImages.get(path);
      if (!loading) {
        // An unreadable image shows no preview here; signing says why.
        loading = api.readPng(path).then(loadImage).catch(() => null);
        this.previewImages.set(path, loading);
      }
      void loading.then((image) => {
        if (image) this.loadedImages.set(path, image);
        // A file that could not be read is tried again next time (it may have been fixed).
        else this.previewImages.delete(path);
        const still = (profile === "leader" ? this.image : this.seal).trim() === path && this.profile === profile;
        if (still) show(image);
      });
    }, 250);
  }

  /** "Lưu thành mẫu ký": what the screen shows now, kept in the settings file's `profiles`. */
  private saveProfileRow(): HTMLElement {
    const name = h("input", { type: "text", id: "sign-profile-name", value: this.savedProfile, "aria-label": t("profileName"), placeholder: t("profileName") });
    const save = async () => {
      const title = name.value.trim();
      if (!title || this.profile === "invisible") {
        name.focus();
        return;
      }
      const selection = this.app.selection;
      const profile: SigningProfile = {
        name: title,
        kind: this.profile,
        title: this.profile === "leader" ? this.signerTitle.trim() || null : null,
        authority_prefix: this.profile === "leader" ? this.authority.trim() || null : null,
        image: this.profile === "leader" ? this.image || null : null,
        seal: this.profile === "issuer" ? this.seal || null : null,
        seal_mm: this.profile === "issuer" ? this.sealMm : null,
        organisation: this.profile === "copy" ? this.copyOrg.trim() || null : null,
        copy_form: this.profile === "copy" ? this.copyForm : null,
        certificate: selection ? selection.cert.id : null,
        token: selection ? selection.token.label : null,
      };
      const settings = structuredClone(this.app.settings);
      settings.profiles = [...(settings.profiles ?? []).filter((p) => p.name !== title), profile];
      try {
        await api.saveSettings(settings);
        this.app.settings = settings;
        this.savedProfile = title;
        this.renderProfile();
        this.app.toast(t("profileSaved", { n: title }));
      } catch (e) {
        this.app.toast(errorText(e), "error");
      }
    };
    return h("div", { class: "row" }, name, h("button", { type: "button", id: "sign-save-profile", onclick: () => void save() }, t("saveProfile")));
  }

  private visibleRequest(): VisibleRequest | null {
    switch (this.profile) {
      case "leader": {
        const p = this.preview.place;
        return { profile: "leader", image: this.image, rect: p ? [p.x1, p.y1, p.x2, p.y2] : null, page: p ? p.page : null, title: this.signerTitle || null, authority: this.authority || null };
      }
      case "issuer":
        return { profile: "issuer", seal: this.seal, sealMm: this.sealMm, number: this.issueNumber.trim() || null, date: this.issueDate || null };
      case "attachment":
        return { profile: "attachment", number: this.number };
      case "copy":
        return { profile: "copy", form: this.copyForm, organisation: this.copyOrg };
      default:
        return null;
    }
  }

  private signLabel(): string {
    return this.files.length > 1 ? t("signN", { n: this.files.length }) : t("sign");
  }

  private renderTokens(): void {
    const inventory = this.app.inventory;
    if (!inventory) return;
    const items: HTMLElement[] = [];
    for (const token of inventory.tokens) {
      items.push(
        h(
          "div",
          { class: `token${token.demo ? " demo" : ""}` },
          h("div", { class: "token-name" }, token.label, token.demo ? h("span", { class: "chip demo" }, t("demoBanner")) : null),
          token.pinMessage ? h("p", { class: `pin-state pin-${token.pin.state}` }, msg(token.pinMessage)) : null,
          token.note ? h("p", { class: "hint" }, msg(token.note)) : null,
          h("div", { role: "radiogroup", "aria-label": token.label }, token.certificates.map((cert) => this.certItem(token, cert))),
        ),
      );
    }
    if (inventory.tokens.length === 0) {
      items.push(
        h("p", {}, t("noToken")),
        h("button", { type: "button", id: "use-demo", onclick: async () => {
          try {
            this.app.setInventory(await api.enableDemo());
          } catch (e) {
            this.app.toast(errorText(e), "error");
          }
        } }, t("useDemo")),
      );
    }
    for (const p of inventory.problems) items.push(h("p", { class: "hint" }, msg(p)));
    fill(this.tokensBox, items);
  }

  private certItem(token: TokenView, cert: CertificateView): HTMLElement {
    const selected = this.app.selection?.token.serial === token.serial && this.app.selection.cert.id === cert.id;
    const validity =
      cert.validity === "expiring-soon"
        ? h("span", { class: "warn" }, t("expiringSoon", { n: cert.daysLeft }))
        : cert.validity === "expired"
          ? h("span", { class: "bad" }, t("expired"))
          : cert.validity === "not-yet-valid"
            ? h("span", { class: "bad" }, t("notYetValid"))
            : null;
    const radio = h("input", {
      type: "radio",
      name: "certificate",
      id: `cert-${token.serial}-${cert.id}`,
      value: cert.id,
      checked: selected,
      disabled: !cert.canSign,
      onchange: () => void this.app.choose({ token, cert }),
    });
    return h(
      "label",
      { class: `cert${selected ? " selected" : ""}`, for: `cert-${token.serial}-${cert.id}` },
      radio,
      h(
        "span",
        { class: "cert-text" },
        h("strong", {}, cert.owner ?? cert.label),
        cert.organisation ? h("span", {}, `${t("organisation")}: ${cert.organisation}`) : null,
        h("span", {}, `${t("issuer")}: ${cert.issuer} `, h("span", { class: `chip family-${cert.caFamily}` }, t(familyKey[cert.caFamily]))),
        h("span", {}, `${t("validUntil")}: ${cert.notAfter} `, validity),
        cert.canSign ? null : h("span", { class: "bad" }, t("cannotSign")),
      ),
    );
  }

  private async choose(): Promise<void> {
    const picked = await open({ multiple: true, directory: false, filters: [{ name: "PDF", extensions: ["pdf", "PDF"] }] });
    if (!picked) return;
    this.addFiles(Array.isArray(picked) ? picked : [picked]);
  }

  addFiles(paths: string[]): void {
    for (const p of paths) if (!this.files.includes(p)) this.files.push(p);
    // The last batch's summary does not describe the new list.
    this.summary.textContent = "";
    this.revocationNote.hidden = true;
    this.progress.hidden = true;
    this.progressText.textContent = "";
    this.renderFiles();
    // The newest document is the one the person looks at (and places the signature on).
    if (paths.length) void this.showPreview(paths[paths.length - 1]);
    const button = this.element.querySelector("#sign-button");
    if (button) button.textContent = this.signLabel();
  }

  private renderFiles(): void {
    fill(
      this.filesBox,
      this.files.map((path) => {
        const result = this.results.get(path);
        return h(
          "li",
          { class: `file state-${result?.state ?? "waiting"}`, dataset: { path, state: result?.state ?? "waiting" } },
          h("button", { type: "button", class: "link file-name", title: path, onclick: () => void this.showPreview(result?.output ?? path) }, baseName(path)),
          result ? this.resultView(result) : null,
          this.app.busy ? null : h("button", { type: "button", class: "link", "aria-label": `${t("remove")} ${baseName(path)}`, onclick: () => this.removeFile(path) }, t("remove")),
        );
      }),
    );
  }

  private resultView(result: FileResult): HTMLElement {
    const stateKey: Record<FileResult["state"], Key> = {
      signing: "stateSigning",
      signed: "stateSigned",
      failed: "stateFailed",
      cancelled: "stateCancelled",
    };
    return h(
      "span",
      { class: "file-result" },
      h("span", { class: `state state-${result.state}` }, t(stateKey[result.state])),
      result.check ? statusChip(result.check.status) : null,
      result.output ? h("span", { class: "hint output", title: result.output }, `${t("savedAs")}: ${baseName(result.output)}`) : null,
      result.timestampTime ? h("span", { class: "hint timestamp" }, t("timestampAt", { t: result.timestampTime })) : null,
      result.error ? h("span", { class: "bad error" }, msg(result.error)) : null,
      result.check && result.check.reasons.length ? h("span", { class: "hint" }, result.check.reasons.map((r) => msg(r)).join("; ")) : null,
    );
  }

  private removeFile(path: string): void {
    this.files = this.files.filter((p) => p !== path);
    this.results.delete(path);
    this.renderFiles();
  }

  private async showPreview(path: string): Promise<void> {
    this.previewPath = path;
    // A signed output shows its own appearance; the preview's is for the document to sign.
    this.preview.setOverlay(![...this.results.values()].some((r) => r.output === path));
    this.renderPreview();
    try {
      await this.preview.open(path);
      this.renderPreview();
    } catch (e) {
      fill(this.previewBox, h("p", { class: "bad" }, errorText(e)));
    }
  }

  private renderPreview(): void {
    if (!this.previewPath) {
      fill(this.previewBox, h("p", { class: "hint" }, t("dropHere")));
      return;
    }
    const nav = h(
      "div",
      { class: "row page-nav" },
      h("button", { type: "button", "aria-label": t("prev"), onclick: () => void this.preview.show(this.preview.page - 1).then(() => this.renderPreview()) }, "◀"),
      h("span", { id: "preview-page" }, `${t("page")} ${this.preview.page} ${t("of")} ${this.preview.pageCount}`),
      h("button", { type: "button", "aria-label": t("next"), onclick: () => void this.preview.show(this.preview.page + 1).then(() => this.renderPreview()) }, "▶"),
    );
    fill(
      this.previewBox,
      h("p", { class: "preview-name", id: "preview-name" }, baseName(this.previewPath)),
      nav,
      this.preview.element,
      this.preview.noteElement,
      this.app.info.layoutAvailable ? null : h("p", { class: "hint" }, t("placeInvisible")),
    );
  }

  private stop(): void {
    if (this.jobId) void api.cancelJob(this.jobId);
  }

  private async sign(reason: string, location: string): Promise<void> {
    const selection = this.app.selection;
    if (!selection) {
      this.app.toast(t("tokenTitle"), "error");
      return;
    }
    if (this.files.length === 0) {
      this.app.toast(t("filesTitle"), "error");
      return;
    }
    const { token, cert } = selection;
    const request: SignRequest = {
      module: token.module,
      tokenSerial: token.serial,
      certificateId: cert.id,
      files: [...this.files],
      outputDir: this.app.settings.outputDir,
      reason: reason || null,
      location: location || null,
      page: null,
      visible: this.visibleRequest(),
      level: this.level,
    };
    // Before the PIN: documents that cannot be signed as asked, and the revocation gate.
    const ready = await this.beforePin(request);
    if (!ready) return;
    let pin: string | null = null;
    try {
      const info = await api.pinStatus(token.module, token.serial);
      if (info.pin.state === "locked") {
        this.app.toast(msg(info.message), "error");
        return;
      }
      if (info.loginRequired) {
        const answer = await askPin(token.label, info, token.demo);
        if (!answer) return;
        pin = answer.pin;
      }
    } catch (e) {
      this.app.toast(errorText(e), "error");
      return;
    }
    const files = ready.files;
    const jobId = newJobId("sign");
    this.jobId = jobId;
    this.app.busy = true;
    for (const f of files) this.results.delete(f);
    this.setProgress(0, files.length);
    this.toggleRunning(true);
    resetFrameStats();
    const unlisten = await api.onSignProgress((p) =>
      timed(() => {
        if (p.jobId !== jobId) return;
        this.results.set(files[p.index], p.result);
        if (p.result.state !== "signing") this.setProgress(p.index + 1, p.total);
        this.renderFileRow(files[p.index]);
      }),
    );
    let result: BatchResult | null = null;
    try {
      result = await api.signBatch(jobId, { ...request, files, allowUnknownRevocation: ready.allowUnknownRevocation }, pin);
    } catch (e) {
      this.summary.textContent = errorText(e);
      this.summary.className = "bad";
      this.app.toast(errorText(e), "error");
      // A wrong PIN changes the token's state: show it before the person tries again.
      void this.app.refreshTokens();
      this.renderFiles();
    } finally {
      pin = null;
      unlisten();
      this.app.busy = false;
      this.jobId = null;
      this.toggleRunning(false);
    }
    if (result) {
      const done = result;
      timed(() => {
        for (const r of done.results) this.results.set(r.input, r);
        this.summary.className = done.failed ? "warn" : "good";
        this.summary.textContent = t("done", { s: done.signed, f: done.failed, c: done.cancelled });
        // Revocation not checked, or signed although unknown: said with the result.
        this.revocationNote.textContent = done.revocation ? msg(done.revocation) : "";
        this.revocationNote.hidden = !done.revocation;
        this.renderFiles();
      });
      // One document: its signed version is shown at once. A batch keeps the list in view
      // (rendering a page is main-thread work; a click on a row shows it).
      const first = result.results.find((r) => r.output);
      if (files.length === 1 && first?.output) await this.showPreview(first.output);
    }
  }

  /**
   * Asks the app what stands in the way before the PIN dialog opens: documents the visible
   * signature cannot be applied to are marked failed with the reason (an issuer's seal needs
   * the leader's valid signature); a revoked certificate stops here; "unknown" needs the
   * person's explicit confirmation. `null`: nothing to sign.
   */
  private async beforePin(request: SignRequest): Promise<{ files: string[]; allowUnknownRevocation: boolean } | null> {
    let preflight: Preflight;
    try {
      preflight = await api.prepareSigning(request);
    } catch (e) {
      this.summary.textContent = errorText(e);
      this.summary.className = "bad";
      this.app.toast(errorText(e), "error");
      return null;
    }
    this.results.clear();
    for (const r of preflight.refused) {
      this.results.set(r.input, { input: r.input, output: null, state: "failed", error: r.error, sha256: null, check: null });
    }
    this.renderFiles();
    const refused = new Set(preflight.refused.map((r) => r.input));
    const files = request.files.filter((f) => !refused.has(f));
    if (files.length === 0) {
      const first = preflight.refused[0];
      this.summary.textContent = first ? msg(first.error) : t("nothingToSign");
      this.summary.className = "bad";
      return null;
    }
    const revocation = preflight.revocation;
    if (revocation.state === "revoked") {
      this.summary.textContent = msg(revocation.message);
      this.summary.className = "bad";
      this.app.toast(msg(revocation.message), "error");
      return null;
    }
    let allowUnknownRevocation = false;
    if (revocation.state === "unknown") {
      if (!(await confirmUnknownRevocation(revocation))) return null;
      allowUnknownRevocation = true;
    }
    return { files, allowUnknownRevocation };
  }

  /** Only the row that changed is redrawn: a 100-file batch stays smooth. */
  private renderFileRow(path: string): void {
    const row = [...this.filesBox.children].find((li) => (li as HTMLElement).dataset.path === path) as HTMLElement | undefined;
    const result = this.results.get(path);
    if (!row || !result) return;
    row.className = `file state-${result.state}`;
    row.dataset.state = result.state;
    row.querySelector(".file-result")?.remove();
    row.querySelector(".file-name")?.after(this.resultView(result));
  }

  private setProgress(done: number, total: number): void {
    this.progress.max = Math.max(total, 1);
    this.progress.value = done;
    this.progressText.textContent = t("progress", { i: done, n: total });
  }

  private toggleRunning(running: boolean): void {
    this.progress.hidden = false;
    const button = this.element.querySelector<HTMLButtonElement>("#sign-button");
    const stop = this.element.querySelector<HTMLButtonElement>("#sign-stop");
    if (button) button.disabled = running;
    if (stop) stop.hidden = !running;
  }
}
