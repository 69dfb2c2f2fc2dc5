// The window: the navigation between the four screens, the DEMO banner, shared state (settings,
// tokens, the chosen certificate), keyboard shortcuts and dropped files.

import { api, type AppInfo, type CertificateView, type Inventory, type Settings, type TokenView } from "./api";
import { fill, h } from "./dom";
import { errorText, type Key, setLang, t } from "./i18n";

export interface Selection {
  token: TokenView;
  cert: CertificateView;
}

export interface Screen {
  readonly id: string;
  readonly title: Key;
  readonly element: HTMLElement;
  /** Called each time the screen is shown, and when the language changes. */
  show(): void;
  hide?(): void;
  /** Files dropped on the window while this screen is shown. */
  drop?(paths: string[]): void;
}

export class App {
  info!: AppInfo;
  settings!: Settings;
  inventory: Inventory | null = null;
  selection: Selection | null = null;
  busy = false;
  private screens: Screen[] = [];
  private current: Screen | null = null;
  readonly root: HTMLElement;
  private readonly nav = h("nav", { class: "nav", "aria-label": "Kyso" });
  private readonly banner = h("div", { class: "demo-banner", id: "demo-banner", role: "status", hidden: true });
  private readonly main = h("main", { id: "main" });
  private readonly toastBox = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
  private tokenListeners: (() => void)[] = [];

  constructor(root: HTMLElement) {
    this.root = root;
    fill(root, this.banner, h("header", { class: "top" }, h("span", { class: "brand" }, "Kyso"), this.nav), this.main, this.toastBox);
    document.addEventListener("keydown", (e) => {
      // `code` names the key whatever the layout or the Alt modifier does to `key`.
      const digit = /^Digit([1-9])$/.exec(e.code)?.[1] ?? (/^[1-9]$/.test(e.key) ? e.key : null);
      if (e.altKey && digit) {
        const screen = this.screens[Number(digit) - 1];
        if (screen) {
          e.preventDefault();
          this.go(screen.id);
        }
      }
    });
  }

  async start(): Promise<void> {
    [this.info, this.settings] = await Promise.all([api.appInfo(), api.getSettings()]);
    setLang(this.settings.language);
  }

  add(screen: Screen): void {
    this.screens.push(screen);
    screen.element.hidden = true;
    screen.element.id = `screen-${screen.id}`;
    this.main.append(screen.element);
    this.renderNav();
  }

  go(id: string): void {
    const next = this.screens.find((s) => s.id === id);
    if (!next) return;
    if (this.current && this.current !== next) {
      this.current.element.hidden = true;
      this.current.hide?.();
    }
    this.current = next;
    next.element.hidden = false;
    next.show();
    this.renderNav();
  }

  /** Re-renders everything after a language change. */
  relabel(): void {
    this.renderNav();
    this.renderBanner();
    this.current?.show();
  }

  private renderNav(): void {
    fill(
      this.nav,
      this.screens.map((s, i) =>
        h(
          "button",
          {
            type: "button",
            id: `nav-${s.id}`,
            class: s === this.current ? "active" : "",
            "aria-current": s === this.current ? "page" : false,
            title: `Alt+${i + 1}`,
            onclick: () => this.go(s.id),
          },
          t(s.title),
        ),
      ),
    );
  }

  /** DEMO is shown everywhere while the demo token is the chosen one or the only one. */
  demoActive(): boolean {
    if (this.selection) return this.selection.token.demo;
    return (this.inventory?.tokens.length ?? 0) > 0 && this.inventory!.tokens.every((tk) => tk.demo);
  }

  renderBanner(): void {
    this.banner.hidden = !this.demoActive();
    this.banner.textContent = t("demoBanner");
    document.body.classList.toggle("demo", this.demoActive());
  }

  onTokens(f: () => void): void {
    this.tokenListeners.push(f);
  }

  setInventory(inventory: Inventory): void {
    this.inventory = inventory;
    // Keep the choice if it is still plugged in; else the remembered one; else the only one.
    const all = inventory.tokens.flatMap((token) => token.certificates.map((cert) => ({ token, cert })));
    const same = (s: Selection) =>
      all.find((x) => x.token.serial === s.token.serial && x.cert.id === s.cert.id);
    const remembered = inventory.remembered
      ? all.find((x) => x.token.serial === inventory.remembered!.tokenSerial && x.cert.id === inventory.remembered!.certificateId)
      : undefined;
    const signable = all.filter((x) => x.cert.canSign && x.cert.validity !== "expired");
    // With only the demo token, its first certificate is chosen: a newcomer can go straight on.
    const demoOnly = inventory.tokens.length > 0 && inventory.tokens.every((tk) => tk.demo);
    this.selection =
      (this.selection && same(this.selection)) ||
      remembered ||
      (signable.length === 1 || (demoOnly && signable.length > 0) ? signable[0] : null) ||
      null;
    this.renderBanner();
    for (const f of this.tokenListeners) f();
  }

  async refreshTokens(): Promise<void> {
    try {
      this.setInventory(await api.listTokens());
    } catch (e) {
      this.toast(errorText(e), "error");
    }
  }

  /** First start: with no token at all, the demo token is offered and set up. */
  async tokensAtStart(): Promise<void> {
    await this.refreshTokens();
    if (this.inventory && this.inventory.tokens.length === 0) {
      try {
        this.setInventory(await api.enableDemo());
      } catch (e) {
        this.toast(errorText(e), "error");
      }
    }
  }

  async choose(selection: Selection): Promise<void> {
    this.selection = selection;
    this.renderBanner();
    for (const f of this.tokenListeners) f();
    try {
      await api.rememberCertificate({
        module: selection.token.module,
        tokenSerial: selection.token.serial,
        tokenLabel: selection.token.label,
        certificateId: selection.cert.id,
      });
    } catch (e) {
      this.toast(errorText(e), "error");
    }
  }

  drop(paths: string[]): void {
    this.current?.drop?.(paths);
  }

  toast(text: string, kind: "info" | "error" = "info"): void {
    const item = h("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
    this.toastBox.append(item);
    setTimeout(() => item.remove(), kind === "error" ? 12000 : 5000);
  }
}
