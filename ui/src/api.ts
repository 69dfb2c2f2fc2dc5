// The app's commands (src-tauri/src/commands.rs), typed. Everything crosses as JSON with
// camelCase keys; errors are core messages {code, vi, en}.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Message } from "./i18n";

export interface AppInfo {
  version: string;
  settingsPath: string;
  demoDir: string;
  journalAvailable: boolean;
  layoutAvailable: boolean;
}

export interface CertificateChoice {
  module: string;
  tokenSerial: string;
  tokenLabel: string;
  certificateId: string;
}

export interface Settings {
  language: "vi" | "en";
  modulePaths: string[];
  tsaUrl: string | null;
  trustAnchors: string[];
  officeName: string | null;
  reason: string | null;
  outputDir: string | null;
  profile: string | null;
  remembered: CertificateChoice | null;
  /** "Kiểm tra thu hồi trực tuyến"; absent or null: on. */
  onlineRevocation?: boolean | null;
  /** The PAdES level the Sign screen starts with. */
  level?: Level;
  /** Saved signing profiles (kyso::settings::SigningProfile, shared with `kyso sign`). */
  profiles?: SigningProfile[];
}

export type Level = "b-b" | "b-t" | "b-lt" | "b-lta";

/** A saved way to sign (the settings file's `profiles`, snake_case as the CLI writes them). */
export interface SigningProfile {
  name: string;
  kind: "leader" | "issuer" | "attachment" | "copy";
  title: string | null;
  authority_prefix: string | null;
  image: string | null;
  seal: string | null;
  seal_mm: number | null;
  organisation: string | null;
  certificate: string | null;
  token: string | null;
  copy_form: string | null;
}

export type PinState = "ok" | "count-low" | "final-try" | "locked";

export interface PinStatus {
  state: PinState;
  must_change: boolean;
  not_initialized: boolean;
}

export interface CertificateView {
  id: string;
  label: string;
  owner: string | null;
  organisation: string | null;
  issuer: string;
  caFamily: "cong-vu" | "public-ca" | "user-added" | "demo" | "unknown";
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  validity: "valid" | "expiring-soon" | "expired" | "not-yet-valid";
  canSign: boolean;
  problem: Message | null;
}

export interface TokenView {
  module: string;
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  pin: PinStatus;
  pinMessage: Message | null;
  pinPad: boolean;
  loginRequired: boolean;
  demo: boolean;
  certificates: CertificateView[];
  note: Message | null;
}

export interface Inventory {
  tokens: TokenView[];
  problems: Message[];
  remembered: CertificateChoice | null;
}

export interface PinInfo {
  pin: PinStatus;
  message: Message | null;
  pinPad: boolean;
  loginRequired: boolean;
  minLen: number;
  maxLen: number;
}

export type Status = "valid" | "refused" | "review";

export interface SignerReport {
  subject: string;
  common_name: string | null;
  organisation: string | null;
  issuer: string;
  serial: string;
  not_before: string;
  not_after: string;
  key: string;
  sha256: string;
}

export interface SignatureReport {
  field: string | null;
  kind: "signature" | "document-timestamp";
  subfilter: string | null;
  revision: number | null;
  integrity: "intact" | "broken" | "unknown";
  modifications: "none" | "allowed" | "disallowed";
  indication: string;
  sub_indication: string | null;
  signer: SignerReport | null;
  signing_time: string | null;
  signing_time_claimed: boolean;
  timestamp_time: string | null;
  ca_family: string;
  reason: string | null;
  reasons: Message[];
  best_signature_time?: string | null;
  level?: "B-B" | "B-T" | "B-LT" | "B-LTA" | null;
  role?: "personal" | "organisation" | null;
  authority?: string | null;
  findings?: Finding[];
}

/** One observation of the checks (kyso::verify::finding::Finding). */
export interface Finding {
  code: string;
  severity: "info" | "warning" | "failure";
  sub_indication: string | null;
  message: Message;
  detail?: string;
}

/** A certificate of a chain in the details view (kyso::verify::details): described as a signer is. */
export type ChainCertificate = SignerReport;

export interface SignatureDetails {
  covered_end: number | null;
  path: {
    certificates: ChainCertificate[];
    anchor: { subject: string; family: string; name: string | null; sha256_fingerprint: string } | null;
    missing_issuer: string | null;
  } | null;
  timestamps: { role: "signature" | "document"; time: string | null; tsa: string | null; tsa_common_name: string | null; integrity: "intact" | "broken" | "unknown" }[];
  changes: { revision: number | null; page: number | null; allowed: boolean; message: Message }[];
  changed_pages: number[];
}

export interface FileReport {
  file: string;
  sha256: string | null;
  verdict: "accepted" | "rejected";
  reasons: Message[];
  warnings: Message[];
  signatures: SignatureReport[];
  revisions: number;
  policy: string;
  checked_at: string;
}

export interface CheckSummary {
  reportId: number;
  file: string;
  status: Status;
  reasons: Message[];
  report: FileReport;
  /** Revocation asked online (OCSP, CRL) or read from the file only. */
  online?: boolean;
}

export type FileState = "signing" | "signed" | "failed" | "cancelled";

export interface FileResult {
  input: string;
  output: string | null;
  state: FileState;
  error: Message | null;
  sha256: string | null;
  check: CheckSummary | null;
  /** genTime of the signature time-stamp (B-T and up). */
  timestampTime?: string | null;
}

export interface SignProgress {
  jobId: string;
  index: number;
  total: number;
  result: FileResult;
}

export interface BatchResult {
  jobId: string;
  results: FileResult[];
  signed: number;
  failed: number;
  cancelled: number;
  demo: boolean;
  level?: Level;
  /** Revocation not checked (off in Settings), or unknown and signed as confirmed. */
  revocation?: Message | null;
}

export interface RevocationView {
  state: "good" | "revoked" | "unknown" | "off" | "after-login";
  message: Message;
  reasons: Message[];
}

/** What the Sign screen learns before the PIN dialog. */
export interface Preflight {
  refused: { input: string; error: Message }[];
  revocation: RevocationView;
  level: Level;
}

export interface CheckProgress {
  jobId: string;
  index: number;
  total: number;
  summary: CheckSummary;
}

export interface CheckResult {
  jobId: string;
  results: CheckSummary[];
  total: number;
  truncated: boolean;
  online?: boolean;
}

export interface SignRequest {
  module: string;
  tokenSerial: string;
  certificateId: string;
  files: string[];
  outputDir: string | null;
  reason: string | null;
  location: string | null;
  page: number | null;
  visible?: VisibleRequest | null;
  /** `null`: the level in Settings. */
  level?: Level | null;
  /** The person confirmed signing although revocation could not be established. */
  allowUnknownRevocation?: boolean;
}

export type VisibleRequest =
  | { profile: "leader"; image: string; rect: [number, number, number, number] | null; page: number | null; title?: string | null; authority?: string | null }
  | { profile: "issuer"; seal: string; sealMm: number | null; number: string | null; date: string | null }
  | { profile: "attachment"; number: string }
  | { profile: "copy"; form: string; organisation: string };

export interface AnchorView {
  subject: string;
  family: string;
  name: string | null;
  sha256_fingerprint: string;
  shipped: boolean;
}

export interface HistoryQuery {
  text?: string | null;
  kind?: "sign" | "verify" | null;
}

/** One journal entry (kyso::journal::Entry). */
export interface JournalEntry {
  id: number;
  kind: "sign" | "verify";
  at: string;
  file_name: string;
  file_path: string;
  sha256: string | null;
  ok: boolean;
  outcome: string;
  message: Message | null;
  signing: {
    output_path: string | null;
    level: string;
    signer: { common_name: string | null; subject: string; organisation: string | null } | null;
    token_label: string | null;
  } | null;
  verification: { verdict: string; policy: string; signatures: unknown } | null;
}

export type ExportKind = "report-json" | "report-pdf" | "notice-pdf" | "notice-text";

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  getSettings: () => invoke<Settings>("get_settings"),
  saveSettings: (settings: Settings) => invoke<void>("save_settings", { settings }),
  rememberCertificate: (choice: CertificateChoice) =>
    invoke<void>("remember_certificate", { choice }),
  trustAnchors: () => invoke<AnchorView[]>("trust_anchors"),
  listTokens: () => invoke<Inventory>("list_tokens"),
  enableDemo: () => invoke<Inventory>("enable_demo"),
  pinStatus: (module: string, tokenSerial: string) =>
    invoke<PinInfo>("pin_status", { module, tokenSerial }),
  prepareSigning: (request: SignRequest) => invoke<Preflight>("prepare_signing", { request }),
  signBatch: (jobId: string, request: SignRequest, pin: string | null) =>
    invoke<BatchResult>("sign_batch", { jobId, request, pin }),
  checkFiles: (jobId: string, paths: string[]) =>
    invoke<CheckResult>("check_files", { jobId, paths }),
  cancelJob: (jobId: string) => invoke<boolean>("cancel_job", { jobId }),
  exportReport: (reportId: number, kind: ExportKind, path: string) =>
    invoke<void>("export_report", { reportId, kind, path }),
  readPdf: (path: string) => invoke<ArrayBuffer>("read_pdf", { path }),
  /** A PNG for the visible-signature preview (checked by the app as the core will). */
  readPng: (path: string) => invoke<ArrayBuffer>("read_png", { path }),
  readSignedRevision: (reportId: number, signature: number) =>
    invoke<ArrayBuffer>("read_signed_revision", { reportId, signature }),
  readCheckedPdf: (reportId: number) => invoke<ArrayBuffer>("read_checked_pdf", { reportId }),
  signatureDetails: (reportId: number) => invoke<SignatureDetails[]>("signature_details", { reportId }),
  journalEntries: (query: HistoryQuery) => invoke<JournalEntry[]>("journal_entries", { query }),
  exportJournal: (query: HistoryQuery, format: "csv" | "json", path: string) =>
    invoke<number>("export_journal", { query, format, path }),
  onSignProgress: (f: (p: SignProgress) => void): Promise<UnlistenFn> =>
    listen<SignProgress>("sign-progress", (e) => f(e.payload)),
  onCheckProgress: (f: (p: CheckProgress) => void): Promise<UnlistenFn> =>
    listen<CheckProgress>("check-progress", (e) => f(e.payload)),
};

let jobCounter = 0;
/** A job id the UI chooses, so it can cancel before the command returns. */
export function newJobId(kind: string): string {
  jobCounter += 1;
  return `${kind}-${Date.now().toString(36)}-${jobCounter}`;
}
