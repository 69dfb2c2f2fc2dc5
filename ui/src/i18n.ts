// Every string the interface shows, Vietnamese first. Messages from the core arrive already in
// both languages ({code, vi, en}) and are picked with `msg`.

export type Lang = "vi" | "en";

export interface Message {
  code: string;
  vi: string;
  en: string;
}

const strings = {
  appName: ["Kyso", "Kyso"],
  demoBanner: ["DEMO — không có giá trị pháp lý", "DEMO — no legal value"],
  navSign: ["Ký văn bản", "Sign"],
  navCheck: ["Kiểm tra văn bản đến", "Check documents"],
  navHistory: ["Nhật ký", "History"],
  navSettings: ["Cài đặt", "Settings"],
  tokenTitle: ["Thiết bị ký số và chứng thư", "Token and certificate"],
  rescan: ["Quét lại", "Rescan"],
  noToken: ["Chưa thấy thiết bị ký số (USB token).", "No signing token found."],
  useDemo: ["Dùng thiết bị DEMO", "Use the DEMO token"],
  owner: ["Chủ thể", "Owner"],
  organisation: ["Cơ quan", "Organisation"],
  issuer: ["Nơi cấp", "Issuer"],
  validUntil: ["Hiệu lực đến", "Valid until"],
  familyCongVu: ["Chuyên dùng công vụ", "Government (công vụ)"],
  familyPublicCa: ["CA công cộng", "Public CA"],
  familyUserAdded: ["Gốc do người dùng thêm", "User-added root"],
  familyDemo: ["DEMO", "DEMO"],
  familyUnknown: ["Không rõ nơi cấp", "Unknown issuer"],
  expiringSoon: ["Sắp hết hạn: còn {n} ngày", "Expires soon: {n} days left"],
  expired: ["Đã hết hạn", "Expired"],
  notYetValid: ["Chưa có hiệu lực", "Not yet valid"],
  cannotSign: ["Không có khóa ký", "No signing key"],
  filesTitle: ["Văn bản cần ký", "Documents to sign"],
  chooseFiles: ["Chọn tệp PDF…", "Choose PDF files…"],
  chooseFolder: ["Chọn thư mục…", "Choose a folder…"],
  dropHere: ["Kéo thả tệp PDF vào đây", "Drop PDF files here"],
  dropHereCheck: ["Kéo thả tệp hoặc thư mục vào đây", "Drop files or a folder here"],
  pathLabel: ["Hoặc nhập đường dẫn tệp", "Or type a file path"],
  add: ["Thêm", "Add"],
  remove: ["Bỏ", "Remove"],
  clear: ["Xóa danh sách", "Clear list"],
  reason: ["Lý do ký", "Reason"],
  location: ["Nơi ký", "Location"],
  outputDir: ["Thư mục lưu", "Save to"],
  nextToInput: ["Cạnh tệp gốc", "Next to the original"],
  sign: ["Ký", "Sign"],
  signN: ["Ký {n} văn bản", "Sign {n} documents"],
  cancel: ["Hủy", "Cancel"],
  stop: ["Dừng", "Stop"],
  preview: ["Xem trước", "Preview"],
  page: ["Trang", "Page"],
  of: ["trên", "of"],
  prev: ["Trang trước", "Previous page"],
  next: ["Trang sau", "Next page"],
  placeInvisible: [
    "Chữ ký số được ký ẩn (không hiển thị trên trang); vị trí chữ ký hiện sẽ có khi mẫu chữ ký được cài đặt.",
    "The signature is invisible; placing a visible signature comes with signature profiles.",
  ],
  placeDrag: ["Kéo để đặt vị trí chữ ký", "Drag to place the signature"],
  profile: ["Kiểu chữ ký", "Signature kind"],
  profileInvisible: ["Ký ẩn (không hiện trên trang)", "Invisible"],
  profileLeader: ["Lãnh đạo ký (hình chữ ký)", "Leader (signature image)"],
  profileAttachment: ["Phụ lục (số, ký hiệu)", "Attachment (number)"],
  profileCopy: ["Bản sao điện tử", "Electronic copy"],
  signatureImage: ["Ảnh chữ ký (PNG)", "Signature image (PNG)"],
  chooseImage: ["Chọn ảnh…", "Choose image…"],
  docNumber: ["Số, ký hiệu văn bản", "Number and symbol"],
  copyForm: ["Hình thức sao", "Copy form"],
  copyOrg: ["Cơ quan sao", "Copying organisation"],
  // Sign screen: issuer profile, saved profiles, level, revocation gate.
  profileIssuer: ["Văn thư phát hành (đóng dấu cơ quan)", "Issuer (the organisation's seal)"],
  sealImage: ["Ảnh con dấu (PNG)", "Seal image (PNG)"],
  issueDate: ["Ngày ban hành", "Issue date"],
  issuerHint: [
    "Dấu được đóng trùm lên chữ ký của người có thẩm quyền; văn bản phải đã có chữ ký số hợp lệ của người đó.",
    "The seal goes over the authorised person's signature, which must already be in the document and valid.",
  ],
  savedProfile: ["Mẫu ký đã lưu", "Saved signing profile"],
  savedProfileNone: ["— Không dùng —", "— None —"],
  profileName: ["Tên mẫu ký", "Profile name"],
  saveProfile: ["Lưu thành mẫu ký", "Save as a signing profile"],
  profileSaved: ["Đã lưu mẫu ký «{n}»", "Saved the signing profile «{n}»"],
  signerTitle: ["Chức vụ", "Title"],
  signerAuthority: ["Thẩm quyền ký (KT., TM., TL.…)", "Signing authority (KT., TM., TL.…)"],
  profileCertMissing: ["Không thấy chứng thư «{c}» của mẫu ký trên thiết bị nào", "The profile's certificate «{c}» is on no token plugged in"],
  tsaFrom: ["Dấu thời gian lấy từ: {u}", "Time-stamps from: {u}"],
  tsaDefault: ["dịch vụ của Ban Cơ yếu Chính phủ (mặc định)", "the Government Cipher Committee's service (default)"],
  timestampAt: ["Dấu thời gian: {t}", "Time-stamp: {t}"],
  nothingToSign: ["Không còn văn bản nào ký được", "No document is left to sign"],
  revocationTitle: ["Chưa xác định được tình trạng thu hồi", "Revocation status unknown"],
  revocationWhy: ["Lý do:", "Why:"],
  revocationAdvice: [
    "Chỉ ký khi bạn chắc chắn chứng thư số của mình chưa bị thu hồi. Lựa chọn này được ghi vào kết quả ký.",
    "Only sign if you are sure your certificate is not revoked. This choice is recorded in the result.",
  ],
  revocationConfirm: ["Tôi đã hiểu và vẫn muốn ký", "I understand and want to sign anyway"],
  pinTitle: ["Nhập mã PIN", "Enter the PIN"],
  pinFor: ["Thiết bị «{t}»", "Token «{t}»"],
  pinLabel: ["Mã PIN", "PIN"],
  pinPad: [
    "Hãy nhập PIN trên bàn phím của thiết bị đọc thẻ, rồi bấm Tiếp tục.",
    "Type the PIN on the reader's keypad, then press Continue.",
  ],
  pinNever: [
    "Mã PIN không được lưu và chỉ dùng một lần cho cả lượt ký.",
    "The PIN is never stored and is used once for the whole batch.",
  ],
  pinLength: ["PIN dài từ {a} đến {b} ký tự", "The PIN has {a} to {b} characters"],
  continue: ["Tiếp tục", "Continue"],
  progress: ["Đã xử lý {i}/{n}", "Processed {i}/{n}"],
  stateSigning: ["Đang ký…", "Signing…"],
  stateSigned: ["Đã ký", "Signed"],
  stateFailed: ["Không ký được", "Not signed"],
  stateCancelled: ["Đã hủy", "Cancelled"],
  savedAs: ["Đã lưu", "Saved as"],
  statusValid: ["Hợp lệ", "Valid"],
  statusRefused: ["Từ chối", "Refused"],
  statusReview: ["Cần kiểm tra thêm", "Needs review"],
  checkTitle: ["Kiểm tra văn bản đến", "Check incoming documents"],
  checking: ["Đang kiểm tra…", "Checking…"],
  details: ["Chi tiết", "Details"],
  hideDetails: ["Ẩn chi tiết", "Hide details"],
  exportJson: ["Xuất báo cáo JSON", "Export report (JSON)"],
  exportPdf: ["Xuất báo cáo PDF", "Export report (PDF)"],
  exportNotice: ["Xuất thông báo từ chối", "Export refusal notice"],
  exported: ["Đã xuất {p}", "Exported {p}"],
  signatures: ["Chữ ký", "Signatures"],
  signer: ["Người ký", "Signer"],
  signingTime: ["Thời gian ký", "Signing time"],
  claimedTime: ["(máy người ký khai)", "(claimed by the signer's computer)"],
  timestamp: ["Dấu thời gian", "Time-stamp"],
  noTimestamp: ["Không có", "None"],
  revision: ["Phiên bản", "Revision"],
  revisions: ["Số phiên bản", "Revisions"],
  integrity: ["Toàn vẹn", "Integrity"],
  changesAfter: ["Thay đổi sau khi ký", "Changes after signing"],
  chain: ["Chuỗi chứng thư", "Certificate chain"],
  indication: ["Kết luận ETSI", "ETSI indication"],
  intact: ["Nguyên vẹn", "Intact"],
  broken: ["Bị hỏng", "Broken"],
  unknown: ["Không rõ", "Unknown"],
  modNone: ["Không có", "None"],
  modAllowed: ["Được phép", "Allowed"],
  modDisallowed: ["Không được phép", "Not allowed"],
  // Check screen details (kind, level, role, chain, time-stamps, the signed revision).
  onlineRevocation: ["Kiểm tra thu hồi trực tuyến (OCSP, CRL)", "Check revocation online (OCSP, CRL)"],
  modeOnline: ["thu hồi hỏi trực tuyến", "revocation asked online"],
  modeOffline: ["thu hồi chỉ theo dữ liệu trong tệp", "revocation from the files only"],
  checkedOnline: ["Tình trạng thu hồi: đã hỏi trực tuyến (OCSP, CRL)", "Revocation: asked online (OCSP, CRL)"],
  checkedOffline: ["Tình trạng thu hồi: chỉ dùng dữ liệu trong tệp (ngoại tuyến)", "Revocation: only the data in the file (offline)"],
  kindSignature: ["Chữ ký số", "Signature"],
  kindDocTimestamp: ["Dấu thời gian tài liệu", "Document time-stamp"],
  level: ["Mức chữ ký (PAdES)", "Signature level (PAdES)"],
  levelBB: ["B-B — chữ ký cơ bản, chưa có dấu thời gian", "B-B — basic signature, no time-stamp"],
  levelBT: ["B-T — có dấu thời gian chứng minh thời điểm ký", "B-T — a time-stamp proves when it was signed"],
  levelBLT: ["B-LT — kèm đủ dữ liệu để kiểm tra lâu dài (chứng thư, OCSP/CRL)", "B-LT — carries the data to validate it long-term (certificates, OCSP/CRL)"],
  levelBLTA: ["B-LTA — kèm dấu thời gian lưu trữ, giữ giá trị lâu dài", "B-LTA — with an archive time-stamp, for long-term preservation"],
  levelNone: ["Không xác định (chữ ký không nguyên vẹn)", "None (the signature is not intact)"],
  role: ["Loại chứng thư", "Certificate kind"],
  rolePersonal: ["Cá nhân (người ký)", "Personal (a person signs)"],
  roleOrganisation: ["Cơ quan, tổ chức (văn thư ký số của cơ quan)", "Organisation (the office's seal)"],
  authority: ["Thẩm quyền ký", "Signing authority"],
  reasonField: ["Lý do ký (ghi trong chữ ký)", "Reason (in the signature)"],
  bestTime: ["Thời điểm chắc chắn đã ký (theo dấu thời gian)", "Proven to exist at (time-stamp)"],
  certValidity: ["Hiệu lực", "Valid"],
  serial: ["Số hiệu", "Serial"],
  key: ["Khóa", "Key"],
  chainMissing: ["Thiếu chứng thư của nơi cấp: {i}", "The issuer's certificate is missing: {i}"],
  chainNoAnchor: ["Không đến được chứng thư gốc tin cậy", "Reaches no trusted root"],
  anchor: ["Gốc tin cậy", "Trusted root"],
  timestamps: ["Các dấu thời gian", "Time-stamps"],
  tsSignature: ["Dấu thời gian của chữ ký", "Signature time-stamp"],
  tsDocument: ["Dấu thời gian tài liệu (lưu trữ)", "Document (archive) time-stamp"],
  tsa: ["Đơn vị cấp dấu thời gian", "Time-stamping authority"],
  changesList: ["Những thay đổi sau khi ký", "What changed after signing"],
  changeAllowed: ["được phép", "allowed"],
  changeNotAllowed: ["không được phép", "not allowed"],
  onPage: ["trang {p}", "page {p}"],
  notes: ["Ghi chú kỹ thuật", "Technical notes"],
  loadingDetails: ["Đang đọc chi tiết…", "Reading details…"],
  viewSigned: ["Xem bản đã ký", "View the signed version"],
  signedVersionOf: ["Bản đã ký — chữ ký {i}: {f}", "Signed version — signature {i}: {f}"],
  signedVersionHint: [
    "Đây là văn bản đúng như lúc người ký ký (phần văn bản mà chữ ký bảo đảm), không gồm những gì thêm vào sau.",
    "This is the document exactly as it was signed (the part the signature covers), without anything added later.",
  ],
  signedVersionBroken: [
    "Chữ ký này không còn khớp với nội dung: phần văn bản dưới đây đã bị sửa sau khi ký, không phải bản người ký đã ký.",
    "This signature no longer matches the content: the part shown below was altered after signing; it is not what the signer signed.",
  ],
  currentVersion: ["Xem bản hiện tại", "View the current file"],
  showSigned: ["Xem bản đã ký", "View the signed version"],
  changedPages: ["Trang bị thay đổi sau khi ký:", "Pages changed after signing:"],
  noChangedPages: ["Không có trang nào bị thay đổi nội dung sau khi ký.", "No page's content changed after signing."],
  pageChangedMark: ["Trang này đã bị thay đổi sau khi ký", "This page changed after signing"],
  indicationPassed: ["Đạt", "Passed"],
  indicationFailed: ["Không đạt", "Failed"],
  indicationIndeterminate: ["Chưa xác định được", "Indeterminate"],
  historyTitle: ["Nhật ký ký số", "Signing journal"],
  search: ["Tìm kiếm", "Search"],
  exportJournal: ["Xuất nhật ký", "Export journal"],
  historyKind: ["Loại", "Kind"],
  historyAll: ["Tất cả", "All"],
  historySign: ["Ký", "Signing"],
  historyVerify: ["Kiểm tra", "Check"],
  historyAccepted: ["Chấp nhận", "Accepted"],
  historyNone: ["Chưa có mục nào trong nhật ký", "The journal has no entries yet"],
  historyAt: ["Thời gian", "Time"],
  historyWhat: ["Việc", "What"],
  historyFile: ["Tệp", "File"],
  historyResult: ["Kết quả", "Result"],
  settingsTitle: ["Cài đặt", "Settings"],
  language: ["Ngôn ngữ", "Language"],
  modules: ["Thư viện PKCS#11 (module)", "PKCS#11 modules"],
  modulesHint: [
    "Các thư viện của VGCA, VNPT-CA, Viettel-CA… được tự tìm; thêm đường dẫn nếu cần.",
    "Modules of VGCA, VNPT-CA, Viettel-CA… are found automatically; add a path if needed.",
  ],
  tsaUrl: ["Dịch vụ cấp dấu thời gian (TSA URL)", "Time-stamping service (TSA URL)"],
  trustAnchors: ["Chứng thư gốc tin cậy", "Trust anchors"],
  shipped: ["Có sẵn", "Shipped"],
  added: ["Đã thêm", "Added"],
  addAnchor: ["Thêm chứng thư gốc…", "Add a trust anchor…"],
  addModule: ["Thêm thư viện…", "Add a module…"],
  officeName: ["Tên cơ quan (trên thông báo từ chối)", "Office name (on refusal notices)"],
  defaultReason: ["Lý do ký mặc định", "Default reason"],
  profiles: ["Mẫu chữ ký và hình ảnh", "Signature profiles and images"],
  profilesHere: [
    "Chọn kiểu chữ ký (lãnh đạo, phụ lục, bản sao) và ảnh chữ ký ngay trên màn hình Ký văn bản.",
    "Choose the signature kind (leader, attachment, copy) and the signature image on the Sign screen.",
  ],
  profilesLater: [
    "Mẫu chữ ký (lãnh đạo, ban hành, phụ lục, sao y) sẽ có trong phiên bản tới.",
    "Signature profiles (leader, issuer, attachment, copy) come in the next version.",
  ],
  save: ["Lưu", "Save"],
  saved: ["Đã lưu cài đặt", "Settings saved"],
  notAvailable: ["Chưa có trong phiên bản này", "Not in this version yet"],
  remembered: ["Đã nhớ lựa chọn", "Choice remembered"],
  done: ["Xong: {s} đã ký, {f} lỗi, {c} hủy", "Done: {s} signed, {f} failed, {c} cancelled"],
  doneCheck: ["Đã kiểm tra {n} văn bản", "Checked {n} documents"],
  error: ["Lỗi", "Error"],
  close: ["Đóng", "Close"],
  keyboardHint: ["Phím tắt: Alt+1…4 chuyển màn hình", "Shortcuts: Alt+1…4 switch screens"],
  previewNotSigned: ["Xem trước — chưa ký", "Preview — not signed"],
  previewTimeNote: ["giờ xem trước", "preview time"],
  sigBoxLabel: [
    "Khung chữ ký: phím mũi tên để di chuyển, Shift + mũi tên để đổi kích thước",
    "Signature box: arrow keys move it, Shift + arrow keys resize it",
  ],
  sigBoxResize: ["Kéo để đổi kích thước", "Drag to resize"],
  sigBoxSize: ["Khung chữ ký {w} × {h} mm", "Signature box {w} × {h} mm"],
  sigBoxMoved: ["Khung chữ ký ở {x}, {y} mm từ góc trên bên trái", "Signature box at {x}, {y} mm from the top left"],
  sealNoLeader: [
    "Con dấu sẽ đóng trùm lên một phần ba bên trái chữ ký của lãnh đạo; trang này chưa có chữ ký đó để xem trước.",
    "The seal will cover the left third of the leader's signature; this page has no such signature to preview.",
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type Key = keyof typeof strings;

let current: Lang = "vi";

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
}

export function lang(): Lang {
  return current;
}

/** The string for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  const pair = strings[key];
  let text: string = current === "vi" ? pair[0] : pair[1];
  for (const [name, value] of Object.entries(params)) {
    text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

/** A core message in the current language. */
export function msg(m: Message | null | undefined): string {
  if (!m) return "";
  return current === "vi" ? m.vi : m.en;
}

/** An error thrown by `invoke`: a core message, or anything else as text. */
export function errorText(e: unknown): string {
  if (e && typeof e === "object" && "vi" in e && "en" in e) return msg(e as Message);
  return String(e);
}
