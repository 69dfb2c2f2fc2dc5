// The PIN dialog: masked input, the token's remaining-tries state shown before typing, the PIN
// handed over once and never kept here. Tokens with a PIN pad need no input at all.

import type { PinInfo } from "./api";
import { h } from "./dom";
import { msg, t } from "./i18n";

export interface PinAnswer {
  /** `null` on a PIN-pad token. */
  pin: string | null;
}

/** Opens the dialog; resolves with the PIN, or `null` when the person cancels. */
export function askPin(tokenLabel: string, info: PinInfo, demo: boolean): Promise<PinAnswer | null> {
  return new Promise((resolve) => {
    const input = h("input", {
      type: "password",
      id: "pin-input",
      autocomplete: "off",
      spellcheck: "false",
      inputmode: "numeric",
      "aria-describedby": "pin-state",
    });
    const warning = info.message
      ? h(
          "p",
          { id: "pin-state", class: `pin-state pin-${info.pin.state}`, role: "alert" },
          msg(info.message),
        )
      : h("p", { id: "pin-state", class: "pin-state" }, t("pinNever"));
    const lengthHint =
      info.maxLen > 0 && info.maxLen >= info.minLen
        ? h("p", { class: "hint" }, t("pinLength", { a: info.minLen, b: info.maxLen }))
        : null;
    const form = h(
      "form",
      { method: "dialog", class: "pin-form" },
      h("h2", {}, t("pinTitle")),
      demo ? h("p", { class: "demo-inline" }, t("demoBanner")) : null,
      h("p", {}, t("pinFor", { t: tokenLabel })),
      warning,
      info.pinPad
        ? h("p", { class: "pin-pad" }, t("pinPad"))
        : h("label", { for: "pin-input" }, t("pinLabel"), input),
      info.pinPad ? null : lengthHint,
      h(
        "div",
        { class: "row end" },
        h("button", { type: "button", id: "pin-cancel", class: "secondary" }, t("cancel")),
        h("button", { type: "submit", id: "pin-ok", class: "primary" }, t("continue")),
      ),
    );
    const dialog = h("dialog", { id: "pin-dialog", "aria-labelledby": "pin-title" }, form);
    document.body.append(dialog);
    const finish = (answer: PinAnswer | null) => {
      // The field is emptied before the dialog goes away; the string handed over is the
      // only copy this code keeps, and only until the command takes it.
      input.value = "";
      if (typeof dialog.close === "function") dialog.close();
      dialog.remove();
      resolve(answer);
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (info.pinPad) return finish({ pin: null });
      if (input.value.length === 0) {
        input.focus();
        return;
      }
      finish({ pin: input.value });
    });
    dialog.querySelector("#pin-cancel")?.addEventListener("click", () => finish(null));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      finish(null);
    });
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    (info.pinPad ? (dialog.querySelector("#pin-ok") as HTMLElement) : input).focus();
  });
}
