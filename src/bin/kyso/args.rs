//! The command line as `../shared/spec/cli.md` fixes it. Parsing only: resolving and running
//! happen in the command modules.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kyso",
    version,
    about = "Ký và kiểm tra văn bản PDF có chữ ký số (PAdES) — sign and check signed PDF documents",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub journal: crate::journal::JournalOptions,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Liệt kê mô-đun PKCS#11, thiết bị ký số và chứng thư số — list PKCS#11 modules, tokens and certificates
    Tokens(TokensArgs),
    /// Ký văn bản PDF — sign PDF documents
    Sign(Box<SignArgs>),
    /// Kiểm tra chữ ký số của văn bản đến — check the signatures of incoming documents
    Verify(VerifyArgs),
    /// Tạo thiết bị ký thử nghiệm và ký một văn bản mẫu — create a demo token and sign a sample
    Demo(DemoArgs),
    /// Nhật ký ký số: liệt kê, xuất JSON/CSV — the signing journal: list, export (JSON, CSV)
    Journal(crate::journal::JournalArgs),
    /// Bổ sung dữ liệu kiểm tra lâu dài (B-LT) và dấu thời gian lưu trữ (B-LTA) cho văn bản đã ký — add long-term validation data and an archive time-stamp
    Extend(ExtendArgs),
}

#[derive(Debug, Args)]
pub struct TokensArgs {
    /// Mô-đun PKCS#11 (lặp lại được; mặc định: dò các tên đã biết) — PKCS#11 module path (repeatable; default: probe)
    #[arg(long = "module", value_name = "PATH")]
    pub modules: Vec<PathBuf>,
    /// Một đối tượng JSON mỗi dòng — JSON Lines on standard output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    #[value(name = "b-b")]
    BB,
    #[value(name = "b-t")]
    BT,
    #[value(name = "b-lt")]
    BLt,
    #[value(name = "b-lta")]
    BLta,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        kyso::sign::SignatureLevel::from(self).as_str()
    }
}

impl From<Level> for kyso::sign::SignatureLevel {
    fn from(level: Level) -> Self {
        match level {
            Level::BB => kyso::sign::SignatureLevel::BB,
            Level::BT => kyso::sign::SignatureLevel::BT,
            Level::BLt => kyso::sign::SignatureLevel::BLt,
            Level::BLta => kyso::sign::SignatureLevel::BLta,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RsaPadding {
    /// RSASSA-PKCS1-v1_5 (mặc định — default)
    Pkcs1,
    /// RSASSA-PSS
    Pss,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Tệp PDF cần ký — PDF files to sign
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Tệp kết quả (chỉ khi ký một tệp) — output file (one input only)
    #[arg(
        short = 'o',
        long = "output",
        value_name = "OUTPUT",
        conflicts_with = "out_dir"
    )]
    pub output: Option<PathBuf>,
    /// Thư mục kết quả: tên tệp thêm `.signed` trước `.pdf` — output folder
    #[arg(long = "out-dir", value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Ghi đè tệp kết quả đã có — overwrite existing outputs
    #[arg(long)]
    pub force: bool,

    #[arg(long = "module", value_name = "PATH")]
    pub modules: Vec<PathBuf>,
    /// Nhãn thiết bị ký — token label
    #[arg(long, value_name = "LABEL")]
    pub token: Option<String>,
    /// Nhãn hoặc CKA_ID (hex) của chứng thư — certificate label or hex id
    #[arg(long, value_name = "LABEL_OR_HEX_ID")]
    pub cert: Option<String>,
    /// Đọc PIN từ biến môi trường VAR — read the PIN from environment variable VAR
    #[arg(long = "pin-env", value_name = "VAR")]
    pub pin_env: Option<OsString>,

    /// Ký bằng khóa phần mềm PKCS#12 (thử nghiệm) — sign with a software PKCS#12 key
    #[arg(long = "software-key", value_name = "FILE.p12", conflicts_with_all = ["token", "cert"])]
    pub software_key: Option<PathBuf>,
    /// Biến môi trường chứa mật khẩu PKCS#12 — environment variable holding the PKCS#12 password
    #[arg(
        long = "software-pass-env",
        value_name = "VAR",
        requires = "software_key"
    )]
    pub software_pass_env: Option<OsString>,

    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub location: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub contact: Option<String>,
    /// Ký vào trường chữ ký trống có tên này, hoặc tạo trường mới — sign this empty field or create it
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,

    /// Mức PAdES; b-t thêm dấu thời gian của máy chủ TSA — PAdES level; b-t adds a time-stamp
    #[arg(long, value_enum, default_value = "b-b")]
    pub level: Level,
    /// Máy chủ cấp dấu thời gian RFC 3161 (mặc định: VGCA) — time-stamp authority URL
    /// (default: VGCA, http://tsa.ca.gov.vn)
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// Kiểu đệm RSA — RSA signature padding
    #[arg(long = "rsa-padding", value_enum, default_value = "pkcs1")]
    pub rsa_padding: RsaPadding,
    /// Vẫn ký khi không xác định được chứng thư có bị thu hồi hay không (có cảnh báo) — sign
    /// even when the revocation status cannot be established (with a warning)
    #[arg(long = "allow-unknown-revocation")]
    pub allow_unknown_revocation: bool,
    /// Không truy cập mạng: chỉ dùng dữ liệu thu hồi đã lưu — no network: only cached
    /// revocation data
    #[arg(long)]
    pub offline: bool,

    // Visible signatures and office roles (layout issue; src/bin/kyso/layout.rs).
    /// Kiểu ký: leader (ký duyệt), issuer (văn thư phát hành), attachment (phụ lục), copy (bản sao) — office profile
    #[arg(long, value_name = "leader|issuer|attachment|copy")]
    pub profile: Option<String>,
    /// Ảnh chữ ký tay (PNG nền trong suốt) — handwritten signature image (transparent PNG)
    #[arg(long, value_name = "PNG")]
    pub image: Option<PathBuf>,
    /// Ảnh con dấu (PNG nền trong suốt) — seal image (transparent PNG)
    #[arg(long, value_name = "PNG")]
    pub seal: Option<PathBuf>,
    /// Trang (tính từ 1; -1 = trang cuối) — page (1-based; -1 = last)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub page: Option<i64>,
    #[arg(long, value_name = "X1,Y1,X2,Y2")]
    pub rect: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub anchor: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub number: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    #[arg(long = "copy-form", value_name = "FORM")]
    pub copy_form: Option<String>,
    /// Đường kính con dấu, mm (mặc định: theo pHYs của PNG, nếu không có thì 36) — seal width in mm
    #[arg(long = "seal-size", value_name = "MM")]
    pub seal_size: Option<f64>,
    /// Vùng ghi số, ký hiệu văn bản (thay cho tìm «Số:») — where the number goes (instead of finding "Số:")
    #[arg(long = "number-rect", value_name = "X1,Y1,X2,Y2")]
    pub number_rect: Option<String>,
    /// Vùng ghi ngày tháng (thay cho tìm «ngày … tháng … năm») — where the date goes
    #[arg(long = "date-rect", value_name = "X1,Y1,X2,Y2")]
    pub date_rect: Option<String>,
    /// Quyền hạn ký, ví dụ «KT. CHỦ TỊCH» — authority prefix and the head's title
    #[arg(long, value_name = "TEXT")]
    pub authority: Option<String>,
    /// Chức vụ người ký, ví dụ «PHÓ CHỦ TỊCH» — the signer's own title
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Cơ quan sao văn bản (bản sao) — the copying organisation (copy profile)
    #[arg(long, value_name = "NAME")]
    pub organisation: Option<String>,
    /// Chứng thư gốc tin cậy khi kiểm tra chữ ký cá nhân trước khi phát hành — trust anchor for the issuer's check (repeatable)
    #[arg(long = "trust", value_name = "PEM_OR_DER")]
    pub trust: Vec<PathBuf>,
    /// Tệp cấu hình (mặc định: $XDG_CONFIG_HOME/kyso/settings.json) — settings file
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// Dùng mẫu ký đã lưu trong tệp cấu hình — use a saved signing profile
    #[arg(long = "settings-profile", value_name = "NAME")]
    pub settings_profile: Option<String>,

    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtendLevelArg {
    #[value(name = "b-lt")]
    BLt,
    #[value(name = "b-lta")]
    BLta,
}

#[derive(Debug, Args)]
pub struct ExtendArgs {
    /// Tệp PDF đã ký — the signed PDF file
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Tệp kết quả — output file
    #[arg(short = 'o', long = "output", value_name = "OUTPUT")]
    pub output: PathBuf,
    /// b-lt: chứng thư và dữ liệu thu hồi vào DSS; b-lta: thêm dấu thời gian lưu trữ — b-lt: chains
    /// and revocation data in the DSS; b-lta: then an archive time-stamp
    #[arg(long, value_enum)]
    pub level: ExtendLevelArg,
    /// Máy chủ cấp dấu thời gian RFC 3161 cho b-lta (mặc định: VGCA) — time-stamp authority URL
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// Thêm chứng thư gốc tin cậy (PEM hoặc DER; lặp lại được) — add a trust anchor (repeatable)
    #[arg(long = "trust", value_name = "PEM_OR_DER")]
    pub trust: Vec<PathBuf>,
    /// Không truy cập mạng: chỉ dùng dữ liệu thu hồi đã lưu — no network: cached revocation data only
    #[arg(long)]
    pub offline: bool,
    /// Ghi đè tệp kết quả đã có — overwrite an existing output
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Thư mục thử nghiệm (mặc định: ~/.local/share/kyso/demo) — demo folder
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    /// Văn bản đến (mặc định, nghiêm ngặt) — incoming documents (default, strict)
    Incoming,
    /// Chỉ từ chối chữ ký hỏng hoặc tài liệu bị sửa — reject only broken or tampered signatures
    Any,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Tệp PDF cần kiểm tra — PDF files to check
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[arg(long)]
    pub json: bool,
    /// Thêm chứng thư gốc tin cậy (PEM hoặc DER; lặp lại được) — add a trust anchor (repeatable)
    #[arg(long = "trust", value_name = "PEM_OR_DER")]
    pub trust: Vec<PathBuf>,
    /// Không truy cập mạng (OCSP/CRL) — no network access
    #[arg(long)]
    pub offline: bool,
    #[arg(long, value_enum, default_value = "incoming")]
    pub policy: PolicyArg,
    /// Hiện chi tiết kỹ thuật — show technical details
    #[arg(long)]
    pub details: bool,
    /// Ghi thông báo từ chối (văn bản và PDF) vào thư mục này — write refusal notices here
    #[arg(long, value_name = "DIR")]
    pub notice: Option<PathBuf>,
    /// Tên cơ quan kiểm tra, in trên thông báo — the checking office's name, printed on notices
    #[arg(long, value_name = "NAME")]
    pub office: Option<String>,
    /// Thời gian tối đa cho mỗi tệp, tính bằng giây; quá hạn thì tệp bị từ chối — time allowed
    /// per file in seconds; a file not checked in time is rejected
    #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = parse_seconds)]
    pub time_limit: f64,
}

/// A positive, finite number of seconds (at most a day), for `--time-limit`.
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!(
            "“{text}”: cần một số giây lớn hơn 0 (tối đa 86400) — a number of seconds above 0 (at most 86400)"
        )),
    }
}
