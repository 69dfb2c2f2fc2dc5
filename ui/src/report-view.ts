// A checked document as the lists show it: the coloured verdict, the reasons in plain words,
// and the details (signers, chains, time-stamps, level, role, revisions, changes) one click away.
// Everything shown comes from the core's report and, once the details open, from
// `signature_details` (chains, time-stamps, changed pages); nothing is judged here.

import { api, type CheckSummary, type SignatureDetails, type SignatureReport, type Status } from "./api";
import { baseName, fill, h } from "./dom";
import { errorText, type Key, msg, t } from "./i18n";

const statusKey: Record<Status, Key> = {
  valid: "statusValid",
  refused: "statusRefused",
  review: "statusReview",
};

export function statusChip(status: Status): HTMLElement {
  const icon = status === "valid" ? "✔" : status === "refused" ? "✘" : "⚠";
  return h("span", { class: `chip status-${status}`, dataset: { status } }, `${icon} ${t(statusKey[status])}`);
}

function familyText(family: string): string {
  const keys: Record<string, Key> = {
    "cong-vu": "familyCongVu",
    "public-ca": "familyPublicCa",
    "user-added": "familyUserAdded",
    demo: "familyDemo",
  };
  return t(keys[family] ?? "familyUnknown");
}

function integrityText(s: SignatureReport): string {
  return t(s.integrity === "intact" ? "intact" : s.integrity === "broken" ? "broken" : "unknown");
}

function modificationsText(s: SignatureReport): string {
  return t(s.modifications === "none" ? "modNone" : s.modifications === "allowed" ? "modAllowed" : "modDisallowed");
}

function levelText(s: SignatureReport): string | null {
  if (s.kind === "document-timestamp") return null;
  const keys: Record<string, Key> = { "B-B": "levelBB", "B-T": "levelBT", "B-LT": "levelBLT", "B-LTA": "levelBLTA" };
  return s.level ? t(keys[s.level]) : t("levelNone");
}

function roleText(s: SignatureReport): string | null {
  if (s.role === "personal") return t("rolePersonal");
  if (s.role === "organisation") return t("roleOrganisation");
  return null;
}

function indicationText(s: SignatureReport): string {
  const keys: Record<string, Key> = {
    "TOTAL-PASSED": "indicationPassed",
    "TOTAL-FAILED": "indicationFailed",
    INDETERMINATE: "indicationIndeterminate",
  };
  const words = keys[s.indication] ? t(keys[s.indication]) : s.indication;
  return `${words} (${s.indication}${s.sub_indication ? ` / ${s.sub_indication}` : ""})`;
}

/** ISO 8601 as a clerk reads it: 23/11/2026 10:00:00 (+07:00), or as given when it is not. */
export function dateText(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})(.*)$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}${m[5] ? ` (${m[5] === "Z" ? "UTC" : m[5]})` : ""}` : iso;
}

/** Details already read, by report id: the file is read again only once. */
const detailsCache = new Map<number, SignatureDetails[]>();

/** The details of a kept report's signatures, read once. */
export async function signatureDetailsOf(reportId: number): Promise<SignatureDetails[]> {
  let list = detailsCache.get(reportId);
  if (!list) {
    const answer = await api.signatureDetails(reportId);
    list = Array.isArray(answer) ? answer : [];
    detailsCache.set(reportId, list);
  }
  return list;
}

const row = (label: string, value: string | null | undefined, cls?: string) =>
  value ? h("div", { class: "kv" }, h("dt", {}, label), h("dd", cls ? { class: cls } : {}, value)) : null;

/** Opens the signed version of signature `index` (0-based) of a checked report. */
export type ViewSigned = (summary: CheckSummary, index: number, details: SignatureDetails | null) => void;

function signatureDetails(summary: CheckSummary, s: SignatureReport, i: number, viewSigned?: ViewSigned): HTMLElement {
  const signer = s.signer;
  const kind = s.kind === "document-timestamp" ? t("kindDocTimestamp") : t("kindSignature");
  const notes = (s.findings ?? []).filter((f) => f.severity === "info");
  const extra = h("div", { class: "signature-extra" }, h("p", { class: "hint" }, t("loadingDetails")));
  const viewButton = viewSigned
    ? h("button", { type: "button", class: "view-signed", dataset: { signature: i }, onclick: () => viewSigned(summary, i, detailsCache.get(summary.reportId)?.[i] ?? null) }, t("viewSigned"))
    : null;
  return h(
    "section",
    { class: "signature", dataset: { signature: i } },
    h("h4", {}, `${kind} ${i + 1}${s.field ? ` — ${s.field}` : ""}`),
    h(
      "dl",
      {},
      row(t("signer"), signer ? (signer.common_name ?? signer.subject) : null),
      row(t("organisation"), signer?.organisation),
      row(t("role"), roleText(s)),
      row(t("authority"), s.authority),
      row(t("reasonField"), s.reason),
      row(t("issuer"), signer ? `${signer.issuer} · ${familyText(s.ca_family)}` : null),
      row(t("certValidity"), signer && signer.not_before ? `${dateText(signer.not_before)} → ${dateText(signer.not_after)}` : null),
      row(t("key"), signer?.key),
      row(
        t("signingTime"),
        s.signing_time ? `${dateText(s.signing_time)}${s.signing_time_claimed ? ` ${t("claimedTime")}` : ""}` : null,
      ),
      row(t("timestamp"), s.timestamp_time ? dateText(s.timestamp_time) : t("noTimestamp")),
      row(t("bestTime"), dateText(s.best_signature_time)),
      row(t("level"), levelText(s)),
      row(t("revision"), s.revision !== null ? String(s.revision) : "?"),
      row(t("integrity"), integrityText(s)),
      row(t("changesAfter"), modificationsText(s)),
      row(t("indication"), indicationText(s)),
    ),
    s.reasons.length ? h("ul", { class: "reasons" }, s.reasons.map((r) => h("li", {}, msg(r)))) : null,
    extra,
    notes.length ? h("details", { class: "notes" }, h("summary", {}, t("notes")), h("ul", {}, notes.map((f) => h("li", {}, msg(f.message))))) : null,
    viewButton ? h("div", { class: "row actions" }, viewButton) : null,
  );
}

/** The chain, time-stamps and changes of one signature, from `signature_details`. */
export function extraDetails(d: SignatureDetails): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (d.path) {
    const certs = d.path.certificates;
    parts.push(
      h(
        "div",
        { class: "chain" },
        h("h5", {}, t("chain")),
        h(
          "ol",
          { class: "chain-list" },
          certs.map((c, k) =>
            h(
              "li",
              { dataset: { depth: k } },
              h("strong", {}, c.common_name ?? c.subject),
              k === certs.length - 1 && d.path?.anchor ? h("span", { class: "chip" }, `${t("anchor")} · ${familyText(d.path.anchor.family)}`) : null,
              h("div", { class: "hint" }, `${t("issuer")}: ${c.issuer}`),
              h("div", { class: "hint" }, `${t("certValidity")}: ${dateText(c.not_before)} → ${dateText(c.not_after)} · ${t("serial")} ${c.serial}`),
            ),
          ),
        ),
        d.path.anchor ? null : h("p", { class: "bad" }, d.path.missing_issuer ? t("chainMissing", { i: d.path.missing_issuer }) : t("chainNoAnchor")),
      ),
    );
  }
  if (d.timestamps.length) {
    parts.push(
      h(
        "div",
        { class: "timestamps" },
        h("h5", {}, t("timestamps")),
        h(
          "ul",
          {},
          d.timestamps.map((ts) =>
            h(
              "li",
              { dataset: { role: ts.role } },
              `${ts.role === "document" ? t("tsDocument") : t("tsSignature")}: ${dateText(ts.time) || "?"} — ${t("tsa")}: ${ts.tsa_common_name ?? ts.tsa ?? "?"} · ${t(ts.integrity === "intact" ? "intact" : ts.integrity === "broken" ? "broken" : "unknown")}`,
            ),
          ),
        ),
      ),
    );
  }
  if (d.changes.length) {
    parts.push(
      h(
        "div",
        { class: "changes" },
        h("h5", {}, t("changesList")),
        h(
          "ul",
          {},
          d.changes.map((c) =>
            h(
              "li",
              { class: c.allowed ? "" : "bad" },
              `${msg(c.message)}${c.page ? ` (${t("onPage", { p: c.page })})` : ""} — ${t(c.allowed ? "changeAllowed" : "changeNotAllowed")}`,
            ),
          ),
        ),
      ),
    );
  }
  return parts;
}


async function loadExtra(summary: CheckSummary, details: HTMLElement): Promise<void> {
  let list: SignatureDetails[];
  try {
    list = await signatureDetailsOf(summary.reportId);
  } catch (e) {
    for (const extra of details.querySelectorAll(".signature-extra")) fill(extra, h("p", { class: "hint" }, errorText(e)));
    return;
  }
  details.querySelectorAll<HTMLElement>(".signature").forEach((section) => {
    const i = Number(section.dataset.signature);
    const d = list[i];
    const extra = section.querySelector(".signature-extra");
    if (extra) fill(extra, d ? extraDetails(d) : []);
    const button = section.querySelector<HTMLElement>(".view-signed");
    if (button) {
      button.dataset.loaded = "1";
      // A signature with no usable ByteRange has no signed version to show.
      if (d && d.covered_end === null) button.hidden = true;
    }
  });
}

/** The details block of one report. */
export function reportDetails(summary: CheckSummary, viewSigned?: ViewSigned): HTMLElement {
  const r = summary.report;
  return h(
    "div",
    { class: "details" },
    h(
      "dl",
      {},
      h("div", { class: "kv" }, h("dt", {}, "SHA-256"), h("dd", { class: "mono" }, r.sha256 ?? "—")),
      h("div", { class: "kv" }, h("dt", {}, t("revisions")), h("dd", {}, String(r.revisions))),
    ),
    summary.online === undefined ? null : h("p", { class: "hint revocation-mode", dataset: { online: String(summary.online) } }, t(summary.online ? "checkedOnline" : "checkedOffline")),
    r.signatures.map((s, i) => signatureDetails(summary, s, i, viewSigned)),
  );
}

/** One list item: verdict, name, reasons, a details toggle, and extra actions. */
export function reportItem(summary: CheckSummary, actions: HTMLElement[] = [], viewSigned?: ViewSigned): HTMLElement {
  const details = reportDetails(summary, viewSigned);
  details.hidden = true;
  let loaded = false;
  const toggle = h(
    "button",
    { type: "button", class: "link details-toggle", "aria-expanded": "false" },
    t("details"),
  );
  toggle.addEventListener("click", () => {
    details.hidden = !details.hidden;
    toggle.textContent = details.hidden ? t("details") : t("hideDetails");
    toggle.setAttribute("aria-expanded", String(!details.hidden));
    if (!details.hidden && !loaded && summary.report.signatures.length) {
      loaded = true;
      void loadExtra(summary, details);
    }
  });
  return h(
    "li",
    { class: `result status-${summary.status}`, dataset: { status: summary.status, reportId: summary.reportId } },
    h("div", { class: "row" }, statusChip(summary.status), h("strong", { class: "file-name" }, baseName(summary.file))),
    summary.reasons.length
      ? h("ul", { class: "reasons" }, summary.reasons.map((r) => h("li", {}, msg(r))))
      : null,
    h("div", { class: "row actions" }, toggle, actions),
    details,
  );
}
