// The pre-sign revocation gate's "unknown": whether the signer's certificate is revoked could not
// be established (no OCSP/CRL address, responder down, stale answer…). The app never goes on
// silently: the person reads why and must tick the box before "Tiếp tục" works.

import type { RevocationView } from "./api";
import { h } from "./dom";
import { msg, t } from "./i18n";

/** Resolves `true` when the person confirmed, `false` when they cancelled. */
export function confirmUnknownRevocation(view: RevocationView): Promise<boolean> {
  return new Promise((resolve) => {
    const box = h("input", { type: "checkbox", id: "revocation-confirm" });
    const ok = h("button", { type: "submit", id: "revocation-continue", class: "primary", disabled: true }, t("continue"));
    box.addEventListener("change", () => {
      ok.disabled = !box.checked;
    });
    const form = h(
      "form",
      { method: "dialog", class: "revocation-form" },
      h("h2", { id: "revocation-title" }, t("revocationTitle")),
      h("p", { id: "revocation-message", role: "alert" }, msg(view.message)),
      view.reasons.length
        ? h("div", {}, h("p", {}, t("revocationWhy")), h("ul", { id: "revocation-reasons" }, view.reasons.map((r) => h("li", {}, msg(r)))))
        : null,
      h("p", { class: "hint" }, t("revocationAdvice")),
      h("label", { class: "check", for: "revocation-confirm" }, box, ` ${t("revocationConfirm")}`),
      h(
        "div",
        { class: "row end" },
        h("button", { type: "button", id: "revocation-cancel", class: "secondary" }, t("cancel")),
        ok,
      ),
    );
    const dialog = h("dialog", { id: "revocation-dialog", "aria-labelledby": "revocation-title" }, form);
    document.body.append(dialog);
    const finish = (confirmed: boolean) => {
      if (typeof dialog.close === "function") dialog.close();
      dialog.remove();
      resolve(confirmed);
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      // The box is the confirmation; Enter alone never goes on.
      if (box.checked) finish(true);
    });
    dialog.querySelector("#revocation-cancel")?.addEventListener("click", () => finish(false));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      finish(false);
    });
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    box.focus();
  });
}
