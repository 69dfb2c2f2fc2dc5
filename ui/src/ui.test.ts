// The UI against a mocked backend (mockIPC): what the person sees and what the UI sends.

import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CheckSummary, FileReport, Inventory, Settings } from "./api";
import type { App } from "./app";
import { boot } from "./boot";
import { setLang, t } from "./i18n";

// pdf.js needs a real canvas and DOMMatrix, which jsdom lacks: pages are rendered in the E2E
// tests. Here a stand-in counts the pages of the bytes it is given and remembers what it shows.
vi.mock("./preview", () => {
  class Preview {
    page = 1;
    pageCount = 0;
    place = null;
    readonly element = document.createElement("div");
    opened: string[] = [];
    setPlacing(): void {}
    readonly noteElement = document.createElement("p");
    setAppearance(): void {}
    setOverlay(): void {}
    async open(path: string): Promise<void> {
      throw new Error(`no pdf.js in unit tests: ${path}`);
    }
    async openBytes(bytes: ArrayBuffer, key: string, page = 1): Promise<void> {
      const text = new TextDecoder("latin1").decode(bytes);
      this.pageCount = (text.match(/\/Type \/Page\b(?!s)/g) ?? []).length;
      if (!this.pageCount) throw new Error("not a PDF");
      this.page = Math.min(Math.max(1, page), this.pageCount);
      this.opened.push(key);
      this.element.dataset.shown = `${key}#${this.page}`;
    }
    async show(page: number): Promise<void> {
      this.page = Math.min(Math.max(1, page), this.pageCount);
    }
  }
  return { Preview };
});

const settings: Settings = {
  language: "vi",
  modulePaths: [],
  tsaUrl: null,
  trustAnchors: [],
  officeName: null,
  reason: null,
  outputDir: null,
  profile: null,
  remembered: null,
};

function inventory(demo: boolean, state: "ok" | "final-try" = "ok"): Inventory {
  return {
    tokens: [
      {
        module: "/usr/lib/softhsm/libsofthsm2.so",
        label: demo ? "Kyso DEMO" : "Kyso Test",
        serial: "abc123",
        manufacturer: "SoftHSM project",
        model: "SoftHSM v2",
        pin: { state, must_change: false, not_initialized: false },
        pinMessage: state === "final-try" ? { code: "pin-final-try", vi: "Lần thử cuối cùng: nhập sai nữa thiết bị sẽ bị khóa", en: "Final try" } : null,
        pinPad: false,
        loginRequired: true,
        demo,
        note: null,
        certificates: [
          {
            id: "01",
            label: "leader",
            owner: "Nguyễn Văn An",
            organisation: "UBND tỉnh Gia Lai",
            issuer: "Kyso Test CA",
            caFamily: demo ? "demo" : "cong-vu",
            notBefore: "01/01/2026",
            notAfter: "20/12/2026",
            daysLeft: 12,
            validity: "expiring-soon",
            canSign: true,
            problem: null,
          },
        ],
      },
    ],
    problems: [],
    remembered: null,
  };
}

function report(verdict: "accepted" | "rejected"): FileReport {
  return {
    file: "/tmp/den.pdf",
    sha256: "00",
    verdict,
    reasons: verdict === "rejected" ? [{ code: "hash-mismatch", vi: "Nội dung văn bản đã bị thay đổi sau khi ký", en: "The content changed after signing" }] : [],
    warnings: [],
    signatures: [
      {
        field: "Signature1",
        kind: "signature",
        subfilter: "ETSI.CAdES.detached",
        revision: 1,
        integrity: verdict === "rejected" ? "broken" : "intact",
        modifications: "none",
        indication: verdict === "rejected" ? "TOTAL-FAILED" : "TOTAL-PASSED",
        sub_indication: verdict === "rejected" ? "HASH_FAILURE" : null,
        signer: { subject: "CN=Nguyễn Văn An", common_name: "Nguyễn Văn An", organisation: "UBND", issuer: "CN=CA", serial: "01", not_before: "", not_after: "", key: "RSA 2048", sha256: "" },
        signing_time: "2026-11-23T10:00:00+07:00",
        signing_time_claimed: true,
        timestamp_time: null,
        ca_family: "cong-vu",
        reason: null,
        reasons: [],
      },
    ],
    revisions: 2,
    policy: "incoming",
    checked_at: "2026-11-23T10:00:00+07:00",
  };
}

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

let calls: Call[] = [];

function backend(inv: Inventory, extra: (cmd: string, args: Record<string, unknown>) => unknown = () => undefined) {
  calls = [];
  mockIPC(
    async (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      const answer = await extra(cmd, a);
      if (answer !== undefined) return answer;
      switch (cmd) {
        case "app_info":
          return { version: "0.1.0", settingsPath: "/tmp/s.json", demoDir: "/tmp/demo", journalAvailable: true, layoutAvailable: true };
        case "get_settings":
          return settings;
        case "list_tokens":
          return inv;
        case "enable_demo":
          return inventory(true);
        case "remember_certificate":
          return null;
        case "prepare_signing":
          return { refused: [], revocation: { state: "good", message: { code: "revocation-good", vi: "Chứng thư số chưa bị thu hồi (theo OCSP)", en: "Not revoked (OCSP)" }, reasons: [] }, level: "b-b" };
        case "pin_status":
          return { pin: inv.tokens[0].pin, message: inv.tokens[0].pinMessage, pinPad: false, loginRequired: true, minLen: 4, maxLen: 32 };
        case "journal_entries":
          return [
            { id: 2, kind: "sign", at: "2026-11-23T10:05:00+07:00", file_name: "Công văn 123.pdf", file_path: "/tmp/Công văn 123.pdf", sha256: "aa", ok: true, outcome: "signed", message: null, signing: { output_path: "/tmp/x.signed.pdf", level: "b-b", signer: { common_name: "Nguyễn Văn An", subject: "CN=Nguyễn Văn An", organisation: null }, token_label: "Kyso Test" }, verification: null },
            { id: 1, kind: "verify", at: "2026-11-23T10:00:00+07:00", file_name: "den.pdf", file_path: "/tmp/den.pdf", sha256: "bb", ok: false, outcome: "rejected", message: { code: "hash-mismatch", vi: "Nội dung đã bị thay đổi", en: "Changed" }, signing: null, verification: { verdict: "rejected", policy: "incoming", signatures: [{ signer_subject: "CN=Trần Thị Bình,O=UBND" }] } },
          ].filter((e) => !(a.query as { kind?: string }).kind || e.kind === (a.query as { kind?: string }).kind);
        default:
          return null;
      }
    },
    { shouldMockEvents: true },
  );
}

async function settle(times = 10): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0));
}

async function start(): Promise<App> {
  document.body.innerHTML = '<div id="app"></div>';
  const app = await boot(document.getElementById("app")!);
  await settle();
  return app!;
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} not found`);
  return el as T;
}

beforeEach(() => setLang("vi"));
afterEach(() => clearMocks());

describe("start and tokens", () => {
  it("lists the certificate with owner, family and the 30-day warning, in Vietnamese", async () => {
    backend(inventory(false));
    await start();
    const tokens = byId("tokens").textContent!;
    expect(tokens).toContain("Nguyễn Văn An");
    expect(tokens).toContain("UBND tỉnh Gia Lai");
    expect(tokens).toContain("Chuyên dùng công vụ");
    expect(tokens).toContain("Sắp hết hạn: còn 12 ngày");
    expect(byId("nav-sign").textContent).toBe("Ký văn bản");
    expect(byId("demo-banner").hidden).toBe(true);
  });

  it("offers the demo token when nothing is plugged in, and says DEMO everywhere", async () => {
    backend({ tokens: [], problems: [], remembered: null });
    await start();
    expect(calls.some((c) => c.cmd === "enable_demo")).toBe(true);
    const banner = byId("demo-banner");
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toBe("DEMO — không có giá trị pháp lý");
    expect(byId("tokens").textContent).toContain("DEMO — không có giá trị pháp lý");
  });

  it("switches to English", async () => {
    backend(inventory(false));
    await start();
    setLang("en");
    expect(t("navCheck")).toBe("Check documents");
  });
});

describe("signing", () => {
  it("asks the PIN once, shows the final-try warning, sends the PIN once and shows each result", async () => {
    const inv = inventory(false, "final-try");
    backend(inv, async (cmd, args) => {
      if (cmd !== "sign_batch") return undefined;
      const jobId = args.jobId as string;
      const files = (args.request as { files: string[] }).files;
      for (const [index, input] of files.entries()) {
        await emit("sign-progress", { jobId, index, total: files.length, result: { input, output: input.replace(".pdf", ".signed.pdf"), state: "signed", error: null, sha256: "x", check: { reportId: index, file: input, status: "valid", reasons: [], report: report("accepted") } } });
      }
      return {
        jobId,
        results: files.map((input) => ({ input, output: input.replace(".pdf", ".signed.pdf"), state: "signed", error: null, sha256: "x", check: { reportId: 1, file: input, status: "valid", reasons: [], report: report("accepted") } })),
        signed: files.length,
        failed: 0,
        cancelled: 0,
        demo: false,
      };
    });
    await start();
    const path = byId<HTMLInputElement>("sign-path");
    path.value = "/tmp/a.pdf";
    byId("sign-path-add").click();
    path.value = "/tmp/b.pdf";
    path.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    await settle();
    expect(byId("sign-button").textContent).toBe("Ký 2 văn bản");
    byId("sign-button").click();
    await settle();
    const dialog = byId("pin-dialog");
    expect(dialog.textContent).toContain("Lần thử cuối cùng");
    const input = byId<HTMLInputElement>("pin-input");
    expect(input.type).toBe("password");
    input.value = "246810";
    byId("pin-ok").click();
    await settle(30);
    const signCalls = calls.filter((c) => c.cmd === "sign_batch");
    expect(signCalls).toHaveLength(1);
    expect(signCalls[0].args.pin).toBe("246810");
    expect(signCalls[0].args.request).toMatchObject({ certificateId: "01", tokenSerial: "abc123", files: ["/tmp/a.pdf", "/tmp/b.pdf"] });
    expect(document.getElementById("pin-dialog")).toBeNull();
    const rows = [...byId("sign-files").querySelectorAll("li")];
    expect(rows.map((r) => r.dataset.state)).toEqual(["signed", "signed"]);
    expect(rows[0].textContent).toContain("Hợp lệ");
    expect(byId("sign-summary").textContent).toBe("Xong: 2 đã ký, 0 lỗi, 0 hủy");
  });

  it("a wrong PIN is shown and never retried", async () => {
    backend(inventory(false), (cmd) => {
      if (cmd === "sign_batch") throw { code: "pin-incorrect", vi: "Mã PIN không đúng", en: "Wrong PIN" };
      return undefined;
    });
    await start();
    byId<HTMLInputElement>("sign-path").value = "/tmp/a.pdf";
    byId("sign-path-add").click();
    byId("sign-button").click();
    await settle();
    byId<HTMLInputElement>("pin-input").value = "0000";
    byId("pin-ok").click();
    await settle(30);
    expect(calls.filter((c) => c.cmd === "sign_batch")).toHaveLength(1);
    expect(byId("sign-summary").textContent).toBe("Mã PIN không đúng");
  });

  it("an electronic copy sends its form and organisation with the batch", async () => {
    backend(inventory(false), (cmd, args) =>
      cmd === "sign_batch" ? { jobId: args.jobId, results: [], signed: 0, failed: 0, cancelled: 0, demo: false } : undefined,
    );
    await start();
    byId<HTMLInputElement>("sign-path").value = "/tmp/a.pdf";
    byId("sign-path-add").click();
    const profile = byId<HTMLSelectElement>("sign-profile");
    profile.value = "copy";
    profile.dispatchEvent(new Event("change"));
    const org = byId<HTMLInputElement>("sign-copy-org");
    org.value = "Văn phòng UBND tỉnh Gia Lai";
    org.dispatchEvent(new Event("input"));
    byId("sign-button").click();
    await settle();
    byId<HTMLInputElement>("pin-input").value = "246810";
    byId("pin-ok").click();
    await settle(30);
    const request = calls.find((c) => c.cmd === "sign_batch")?.args.request as { visible: unknown };
    expect(request.visible).toEqual({ profile: "copy", form: "SAO Y", organisation: "Văn phòng UBND tỉnh Gia Lai" });
  });

  it("cancelling the PIN dialog signs nothing", async () => {
    backend(inventory(false));
    await start();
    byId<HTMLInputElement>("sign-path").value = "/tmp/a.pdf";
    byId("sign-path-add").click();
    byId("sign-button").click();
    await settle();
    byId("pin-cancel").click();
    await settle();
    expect(calls.some((c) => c.cmd === "sign_batch")).toBe(false);
  });
});

describe("checking", () => {
  it("shows red Từ chối with the Vietnamese reason, details on click, and the notice export", async () => {
    const summary: CheckSummary = { reportId: 7, file: "/tmp/den.pdf", status: "refused", reasons: report("rejected").reasons, report: report("rejected") };
    backend(inventory(false), async (cmd, args) => {
      if (cmd !== "check_files") return undefined;
      await emit("check-progress", { jobId: args.jobId, index: 0, total: 1, summary });
      return { jobId: args.jobId, results: [summary], total: 1, truncated: false };
    });
    const app = await start();
    app.go("check");
    const path = byId<HTMLInputElement>("check-path");
    path.value = "/tmp/den.pdf";
    path.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    await settle(30);
    expect(calls.find((c) => c.cmd === "check_files")?.args.paths).toEqual(["/tmp/den.pdf"]);
    const item = byId("check-results").querySelector("li")!;
    expect(item.dataset.status).toBe("refused");
    expect(item.textContent).toContain("✘ Từ chối");
    expect(item.textContent).toContain("Nội dung văn bản đã bị thay đổi sau khi ký");
    const details = item.querySelector(".details") as HTMLElement;
    expect(details.hidden).toBe(true);
    (item.querySelector(".details-toggle") as HTMLElement).click();
    expect(details.hidden).toBe(false);
    expect(details.textContent).toContain("Nguyễn Văn An");
    expect(details.textContent).toContain("HASH_FAILURE");
    expect(item.querySelector('[data-export="notice-pdf"]')).not.toBeNull();
    expect(byId("check-status").textContent).toBe("Đã kiểm tra 1 văn bản");
  });
});

/** A two-page PDF (no fonts, no content), for pdf.js in the signed-revision viewer. */
function twoPagePdf(): ArrayBuffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
  ];
  let out = "%PDF-1.7\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out).buffer as ArrayBuffer;
}

describe("check details and the signed version", () => {
  const details = [
    {
      covered_end: 1234,
      path: {
        certificates: [
          { subject: "CN=Nguyễn Văn An,O=UBND tỉnh Gia Lai", common_name: "Nguyễn Văn An", organisation: "UBND tỉnh Gia Lai", issuer: "CN=Kyso Test CA", serial: "0A", not_before: "2026-01-01T07:00:00+07:00", not_after: "2027-01-01T06:59:59+07:00" },
          { subject: "CN=Kyso Test CA", common_name: "Kyso Test CA", organisation: null, issuer: "CN=Cơ yếu Root CA", serial: "02", not_before: "2025-01-01T07:00:00+07:00", not_after: "2035-01-01T07:00:00+07:00" },
          { subject: "CN=Cơ yếu Root CA", common_name: "Cơ yếu Root CA", organisation: null, issuer: "CN=Cơ yếu Root CA", serial: "01", not_before: "2020-01-01T07:00:00+07:00", not_after: "2040-01-01T07:00:00+07:00" },
        ],
        anchor: { subject: "CN=Cơ yếu Root CA", family: "cong-vu", name: "VGCA", sha256_fingerprint: "ff" },
        missing_issuer: null,
      },
      timestamps: [{ role: "signature", time: "2026-11-23T10:00:05+07:00", tsa: "CN=Kyso TSA", tsa_common_name: "Kyso TSA", integrity: "intact" }],
      changes: [{ revision: 2, page: 2, allowed: false, message: { code: "page-content-changed", vi: "Nội dung trang 2 bị thay đổi sau khi ký", en: "Page 2's content changed after signing" } }],
      changed_pages: [2],
    },
  ];

  function refusedAfterSigning(): CheckSummary {
    const r = report("rejected");
    Object.assign(r.signatures[0], {
      integrity: "intact",
      modifications: "disallowed",
      sub_indication: null,
      level: "B-T",
      role: "personal",
      authority: "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH",
      reason: "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH",
      timestamp_time: "2026-11-23T10:00:05+07:00",
      best_signature_time: "2026-11-23T10:00:05+07:00",
      findings: [{ code: "revocation-not-checked", severity: "info", sub_indication: null, message: { code: "revocation-not-checked", vi: "Chưa kiểm tra tình trạng thu hồi của nơi cấp", en: "The issuer's revocation was not checked" } }],
    });
    return { reportId: 42, file: "/tmp/den-bi-sua.pdf", status: "refused", reasons: r.reasons, report: r, online: false };
  }

  async function checked(summary: CheckSummary, language: "vi" | "en" = "vi"): Promise<HTMLElement> {
    backend(inventory(false), async (cmd, args) => {
      if (cmd === "get_settings") return { ...settings, language };
      if (cmd === "check_files") {
        await emit("check-progress", { jobId: args.jobId, index: 0, total: 1, summary });
        return { jobId: args.jobId, results: [summary], total: 1, truncated: false, online: false };
      }
      if (cmd === "signature_details") return details;
      if (cmd === "read_signed_revision" || cmd === "read_checked_pdf") return twoPagePdf();
      return undefined;
    });
    const app = await start();
    app.go("check");
    const path = byId<HTMLInputElement>("check-path");
    path.value = summary.file;
    path.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    await settle(30);
    const item = byId("check-results").querySelector("li")!;
    (item.querySelector(".details-toggle") as HTMLElement).click();
    await settle(20);
    return item;
  }

  it("shows the chain, time-stamps, level, role, authority and changes in Vietnamese", async () => {
    const item = await checked(refusedAfterSigning());
    expect(byId("check-status").textContent).toBe("Đã kiểm tra 1 văn bản · thu hồi chỉ theo dữ liệu trong tệp");
    expect(calls.filter((c) => c.cmd === "signature_details").map((c) => c.args)).toEqual([{ reportId: 42 }]);
    const text = item.querySelector(".details")!.textContent!;
    expect(text).toContain("Tình trạng thu hồi: chỉ dùng dữ liệu trong tệp (ngoại tuyến)");
    expect(text).toContain("B-T — có dấu thời gian chứng minh thời điểm ký");
    expect(text).toContain("Cá nhân (người ký)");
    expect(text).toContain("KT. CHỦ TỊCH — PHÓ CHỦ TỊCH");
    expect(text).toContain("Không đạt (TOTAL-FAILED)");
    expect(text).toContain("Chưa kiểm tra tình trạng thu hồi của nơi cấp");
    const chain = [...item.querySelectorAll(".chain-list li")].map((li) => li.textContent!);
    expect(chain).toHaveLength(3);
    expect(chain[0]).toContain("Nguyễn Văn An");
    expect(chain[0]).toContain("01/01/2026 07:00:00 (+07:00) → 01/01/2027 06:59:59 (+07:00)");
    expect(chain[2]).toContain("Gốc tin cậy · Chuyên dùng công vụ");
    const stamps = item.querySelector(".timestamps")!.textContent!;
    expect(stamps).toContain("Dấu thời gian của chữ ký: 23/11/2026 10:00:05 (+07:00)");
    expect(stamps).toContain("Kyso TSA");
    expect(item.querySelector(".changes")!.textContent).toContain("Nội dung trang 2 bị thay đổi sau khi ký (trang 2) — không được phép");

    const again = await checked(refusedAfterSigning(), "en");
    expect(again.querySelector(".details")!.textContent).toContain("B-T — a time-stamp proves when it was signed");
    expect(again.querySelector(".chain-list")!.textContent).toContain("Trusted root · Government (công vụ)");
  });

  it("the signed-version button asks for that signature's revision by report id and shows its pages", async () => {
    const item = await checked(refusedAfterSigning());
    const button = item.querySelector<HTMLElement>(".view-signed")!;
    expect(button.textContent).toBe("Xem bản đã ký");
    button.click();
    await settle(60);
    const asked = calls.filter((c) => c.cmd === "read_signed_revision").map((c) => c.args);
    expect(asked).toEqual([{ reportId: 42, signature: 0 }]);
    // Only the id goes out: no path, no offset.
    expect(calls.some((c) => c.cmd === "read_pdf")).toBe(false);
    const viewer = byId("check-viewer");
    expect(viewer.hidden).toBe(false);
    expect(byId("check-viewer-title").textContent).toBe("Bản đã ký — chữ ký 1: Signature1");
    // The signature is intact: this is what was signed (a broken one is said to be altered).
    expect(viewer.textContent).toContain("Đây là văn bản đúng như lúc người ký ký");
    expect(viewer.querySelector("#check-viewer-broken")).toBeNull();
    expect(byId("check-viewer-changed").textContent).toContain("Trang bị thay đổi sau khi ký:");
    const pageButton = viewer.querySelector<HTMLElement>('.changed-page[data-page="2"]')!;
    expect(pageButton.textContent).toBe("Trang 2");
    expect(byId("check-viewer-page").textContent).toBe("Trang 1 trên 2");
    pageButton.click();
    await settle(60);
    expect(byId("check-viewer-page").textContent).toBe("Trang 2 trên 2");
    expect(byId("check-viewer-page-changed").textContent).toContain("Trang này đã bị thay đổi sau khi ký");
    expect((viewer.querySelector(".preview > div") as HTMLElement).dataset.shown).toBe("signed:42:0#2");
    // The file as it is now, at the same page, to compare.
    byId("check-viewer-switch").click();
    await settle(60);
    expect(calls.filter((c) => c.cmd === "read_checked_pdf").map((c) => c.args)).toEqual([{ reportId: 42 }]);
    expect(calls.some((c) => c.cmd === "read_pdf")).toBe(false);
    expect((viewer.querySelector(".preview > div") as HTMLElement).dataset.shown).toBe("current:42#2");
    expect(byId("check-viewer-switch").textContent).toBe("Xem bản đã ký");
  });
});

describe("history and settings", () => {
  it("history lists the journal, newest first, and filters by kind", async () => {
    backend(inventory(false));
    const app = await start();
    app.go("history");
    await settle();
    const rows = [...byId("history-table").querySelectorAll("tbody tr")];
    expect(rows.map((r) => (r as HTMLElement).dataset.kind)).toEqual(["sign", "verify"]);
    expect(rows[0].textContent).toContain("Nguyễn Văn An");
    expect(rows[1].textContent).toContain("Từ chối");
    expect(rows[1].textContent).toContain("Trần Thị Bình");
    const kind = byId<HTMLSelectElement>("history-kind");
    kind.value = "verify";
    kind.dispatchEvent(new Event("change"));
    await settle();
    expect(calls.filter((c) => c.cmd === "journal_entries").at(-1)?.args.query).toEqual({ text: null, kind: "verify" });
    expect(byId("history-table").querySelectorAll("tbody tr")).toHaveLength(1);
  });

  it("saves the office name and switches the language", async () => {
    backend(inventory(false), (cmd) => (cmd === "trust_anchors" ? [] : undefined));
    const app = await start();
    app.go("settings");
    await settle();
    const office = byId<HTMLInputElement>("settings-office");
    office.value = "Văn phòng UBND tỉnh Gia Lai";
    office.dispatchEvent(new Event("input"));
    const language = byId<HTMLSelectElement>("settings-language");
    language.value = "en";
    language.dispatchEvent(new Event("change"));
    byId("settings-save").click();
    await settle(20);
    const saved = calls.find((c) => c.cmd === "save_settings")?.args.settings as Settings;
    expect(saved.officeName).toBe("Văn phòng UBND tỉnh Gia Lai");
    expect(saved.language).toBe("en");
    expect(byId("nav-sign").textContent).toBe("Sign");
  });
});

describe("level, revocation gate, issuer and saved profiles", () => {
  const signed = (args: Record<string, unknown>) => {
    const files = (args.request as { files: string[] }).files;
    return { jobId: args.jobId, results: files.map((input) => ({ input, output: input.replace(".pdf", ".signed.pdf"), state: "signed", error: null, sha256: "x", check: null, timestampTime: "2026-11-23T10:00:00+07:00" })), signed: files.length, failed: 0, cancelled: 0, demo: false, level: "b-t", revocation: null };
  };
  const unknown = {
    state: "unknown",
    message: { code: "revocation-unknown", vi: "Chưa xác định được chứng thư số «Nguyễn Văn An» có bị thu hồi hay không", en: "Unknown" },
    reasons: [{ code: "revocation-no-url", vi: "Chứng thư không ghi địa chỉ OCSP hay CRL", en: "No OCSP or CRL address" }],
  };

  async function addFile(path = "/tmp/a.pdf"): Promise<void> {
    byId<HTMLInputElement>("sign-path").value = path;
    byId("sign-path-add").click();
    await settle();
  }

  it("signs at the level chosen, asks the app before the PIN, and shows the time-stamp", async () => {
    backend(inventory(false), (cmd, args) => (cmd === "sign_batch" ? signed(args) : undefined));
    await start();
    await addFile();
    const level = byId<HTMLSelectElement>("sign-level");
    expect(level.value).toBe("b-b");
    expect(byId("sign-tsa").hidden).toBe(true);
    level.value = "b-t";
    level.dispatchEvent(new Event("change"));
    expect(byId("sign-tsa").hidden).toBe(false);
    expect(byId("sign-tsa").textContent).toContain("Ban Cơ yếu Chính phủ");
    byId("sign-button").click();
    await settle();
    byId<HTMLInputElement>("pin-input").value = "246810";
    byId("pin-ok").click();
    await settle(30);
    const order = calls.map((c) => c.cmd).filter((c) => ["prepare_signing", "pin_status", "sign_batch"].includes(c));
    expect(order).toEqual(["prepare_signing", "pin_status", "sign_batch"]);
    const request = calls.find((c) => c.cmd === "sign_batch")?.args.request as { level: string; allowUnknownRevocation: boolean };
    expect(request.level).toBe("b-t");
    expect(request.allowUnknownRevocation).toBe(false);
    expect(byId("sign-files").textContent).toContain("Dấu thời gian: 2026-11-23T10:00:00+07:00");
  });

  it("an unknown revocation status is shown and needs the box ticked; cancelling signs nothing", async () => {
    backend(inventory(false), (cmd, args) => {
      if (cmd === "prepare_signing") return { refused: [], revocation: unknown, level: "b-b" };
      if (cmd === "sign_batch") return { ...signed(args), revocation: { code: "revocation-unknown-confirmed", vi: "Chưa xác định được…; vẫn ký theo xác nhận của người ký", en: "confirmed" } };
      return undefined;
    });
    await start();
    await addFile();
    byId("sign-button").click();
    await settle();
    expect(byId("revocation-message").textContent).toContain("Chưa xác định được chứng thư số «Nguyễn Văn An»");
    expect(byId("revocation-reasons").textContent).toContain("không ghi địa chỉ OCSP hay CRL");
    expect(document.getElementById("pin-dialog")).toBeNull();
    const go = byId<HTMLButtonElement>("revocation-continue");
    expect(go.disabled).toBe(true);
    go.click();
    await settle();
    expect(document.getElementById("pin-dialog")).toBeNull();
    byId("revocation-cancel").click();
    await settle();
    expect(document.getElementById("revocation-dialog")).toBeNull();
    expect(document.getElementById("pin-dialog")).toBeNull();
    expect(calls.some((c) => c.cmd === "sign_batch")).toBe(false);

    byId("sign-button").click();
    await settle();
    const box = byId<HTMLInputElement>("revocation-confirm");
    box.checked = true;
    box.dispatchEvent(new Event("change"));
    expect(byId<HTMLButtonElement>("revocation-continue").disabled).toBe(false);
    byId("revocation-continue").click();
    await settle();
    byId<HTMLInputElement>("pin-input").value = "246810";
    byId("pin-ok").click();
    await settle(30);
    const request = calls.find((c) => c.cmd === "sign_batch")?.args.request as { allowUnknownRevocation: boolean };
    expect(request.allowUnknownRevocation).toBe(true);
    expect(byId("sign-revocation-note").textContent).toContain("vẫn ký theo xác nhận của người ký");
  });

  it("a revoked certificate stops before the PIN with the Vietnamese reason", async () => {
    const revoked = { code: "cert-revoked", vi: "Không ký: chứng thư số «Nguyễn Văn An» đã bị thu hồi vào 2026-11-01T10:00:00+07:00 (lý do: lộ khóa)", en: "Revoked" };
    backend(inventory(false), (cmd) => (cmd === "prepare_signing" ? { refused: [], revocation: { state: "revoked", message: revoked, reasons: [] }, level: "b-b" } : undefined));
    await start();
    await addFile();
    byId("sign-button").click();
    await settle();
    expect(byId("sign-summary").textContent).toContain("đã bị thu hồi");
    expect(calls.some((c) => c.cmd === "pin_status" || c.cmd === "sign_batch")).toBe(false);
    expect(document.getElementById("pin-dialog")).toBeNull();
  });

  it("the issuer profile sends seal, number and today's date; a document without the leader's signature is refused before the PIN", async () => {
    const noPersonal = { code: "issuer-needs-personal-signature", vi: "Từ chối ký phát hành: văn bản chưa có chữ ký số của người có thẩm quyền (Điều 32 khoản 2 Nghị định 30/2020/NĐ-CP)", en: "Issuing refused" };
    backend(inventory(false), (cmd, args) => {
      if (cmd !== "prepare_signing") return undefined;
      const request = args.request as { files: string[] };
      return { refused: request.files.map((input) => ({ input, error: noPersonal })), revocation: { state: "off", message: { code: "revocation-not-checked", vi: "Không kiểm tra", en: "Not checked" }, reasons: [] }, level: "b-b" };
    });
    await start();
    await addFile();
    const profile = byId<HTMLSelectElement>("sign-profile");
    profile.value = "issuer";
    profile.dispatchEvent(new Event("change"));
    const seal = byId<HTMLInputElement>("sign-seal");
    seal.value = "/tmp/con-dau.png";
    seal.dispatchEvent(new Event("input"));
    const number = byId<HTMLInputElement>("sign-issue-number");
    number.value = "12/QĐ-UBND";
    number.dispatchEvent(new Event("input"));
    expect(byId<HTMLInputElement>("sign-issue-date").value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    byId("sign-button").click();
    await settle();
    const visible = (calls.find((c) => c.cmd === "prepare_signing")?.args.request as { visible: Record<string, unknown> }).visible;
    expect(visible).toMatchObject({ profile: "issuer", seal: "/tmp/con-dau.png", number: "12/QĐ-UBND" });
    expect(visible.date).toBe(byId<HTMLInputElement>("sign-issue-date").value);
    expect(document.getElementById("pin-dialog")).toBeNull();
    expect(byId("sign-summary").textContent).toContain("chưa có chữ ký số của người có thẩm quyền");
    const row = byId("sign-files").querySelector("li")!;
    expect(row.dataset.state).toBe("failed");
    expect(row.textContent).toContain("Điều 32 khoản 2");
  });

  it("Settings keeps the level the Sign screen starts with", async () => {
    backend(inventory(false), (cmd) => (cmd === "trust_anchors" ? [] : undefined));
    const app = await start();
    app.go("settings");
    await settle();
    const level = byId<HTMLSelectElement>("settings-level");
    expect(level.value).toBe("b-b");
    level.value = "b-lt";
    level.dispatchEvent(new Event("change"));
    byId("settings-save").click();
    await settle(20);
    expect((calls.find((c) => c.cmd === "save_settings")?.args.settings as Settings).level).toBe("b-lt");
    app.go("sign");
    await settle();
    expect(byId<HTMLSelectElement>("sign-level").value).toBe("b-lt");
  });

  it("what the screen shows is saved as a signing profile, with the chosen certificate", async () => {
    backend(inventory(false));
    await start();
    const profile = byId<HTMLSelectElement>("sign-profile");
    profile.value = "issuer";
    profile.dispatchEvent(new Event("change"));
    const seal = byId<HTMLInputElement>("sign-seal");
    seal.value = "/tmp/con-dau.png";
    seal.dispatchEvent(new Event("input"));
    byId<HTMLInputElement>("sign-profile-name").value = "Văn thư — phát hành";
    byId("sign-save-profile").click();
    await settle(20);
    const saved = calls.find((c) => c.cmd === "save_settings")?.args.settings as Settings;
    expect(saved.profiles).toEqual([
      { name: "Văn thư — phát hành", kind: "issuer", title: null, authority_prefix: null, image: null, seal: "/tmp/con-dau.png", seal_mm: null, organisation: null, copy_form: null, certificate: "01", token: "Kyso Test" },
    ]);
    expect(byId<HTMLSelectElement>("sign-saved-profile").value).toBe("Văn thư — phát hành");
  });

  it("today in Vietnam is UTC+7", async () => {
    const { todayInVietnam } = await import("./screens/sign");
    expect(todayInVietnam(Date.UTC(2026, 10, 23, 17, 30))).toBe("2026-11-24");
    expect(todayInVietnam(Date.UTC(2026, 10, 23, 16, 59))).toBe("2026-11-23");
  });

  it("a saved profile fills in kind, image, title, authority and the certificate", async () => {
    const withProfiles: Settings = {
      ...settings,
      profiles: [
        { name: "Phó Chủ tịch — ký thay", kind: "leader", title: "PHÓ CHỦ TỊCH", authority_prefix: "KT. CHỦ TỊCH", image: "/tmp/chu-ky.png", seal: null, seal_mm: null, organisation: null, certificate: "leader", token: "Kyso Test", copy_form: null },
      ],
    };
    backend(inventory(false), (cmd, args) => {
      if (cmd === "get_settings") return withProfiles;
      if (cmd === "sign_batch") return signed(args);
      return undefined;
    });
    await start();
    await addFile();
    const saved = byId<HTMLSelectElement>("sign-saved-profile");
    saved.value = "Phó Chủ tịch — ký thay";
    saved.dispatchEvent(new Event("change"));
    await settle();
    expect(byId<HTMLSelectElement>("sign-profile").value).toBe("leader");
    expect(byId<HTMLInputElement>("sign-image").value).toBe("/tmp/chu-ky.png");
    expect(byId<HTMLInputElement>("sign-title").value).toBe("PHÓ CHỦ TỊCH");
    expect(byId<HTMLInputElement>("sign-authority").value).toBe("KT. CHỦ TỊCH");
    expect(calls.find((c) => c.cmd === "remember_certificate")?.args.choice).toMatchObject({ certificateId: "01", tokenSerial: "abc123" });
    byId("sign-button").click();
    await settle();
    byId<HTMLInputElement>("pin-input").value = "246810";
    byId("pin-ok").click();
    await settle(30);
    const request = calls.find((c) => c.cmd === "sign_batch")?.args.request as { visible: Record<string, unknown>; certificateId: string };
    expect(request.certificateId).toBe("01");
    expect(request.visible).toMatchObject({ profile: "leader", image: "/tmp/chu-ky.png", title: "PHÓ CHỦ TỊCH", authority: "KT. CHỦ TỊCH" });
  });
});
