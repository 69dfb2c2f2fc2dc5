//! What can go wrong with the journal, sorted by cause.

use std::path::PathBuf;

use crate::message::{Explain, Message};

/// An error of the signing journal. Every variant names the journal's path when there is one,
/// because the person has to find the file to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// Neither `KYSO_JOURNAL`, `XDG_DATA_HOME` nor `HOME` says where the journal lives.
    #[error("no place for the journal: neither XDG_DATA_HOME nor HOME is set")]
    NoLocation,

    /// The folder that holds the journal cannot be created.
    #[error("cannot create the journal folder {path}: {source}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// SQLite cannot open or create the file (permissions, a folder in the way, …).
    #[error("cannot open the journal {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// The file is not a SQLite database, or its pages are damaged.
    #[error("the journal {path} is damaged or not a journal: {detail}")]
    Corrupt { path: PathBuf, detail: String },

    /// The file is a SQLite database, but not Kyso's journal.
    #[error("{path} is a database, but not a Kyso journal")]
    Foreign { path: PathBuf },

    /// The journal was written by a newer Kyso; this one must not write into it.
    #[error("the journal {path} has schema version {found}; this Kyso knows up to {supported}")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    /// Another process held the journal locked for longer than the wait allowed.
    #[error("the journal {path} stayed locked by another program")]
    Busy { path: PathBuf },

    /// The file or its folder cannot be written (read-only file system, permissions).
    #[error("the journal {path} cannot be written: {source}")]
    ReadOnly {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// Writing a record failed; the transaction was rolled back, nothing of it was kept.
    #[error("cannot write to the journal {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// Reading the journal failed.
    #[error("cannot read the journal {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// Writing an export failed.
    #[error("cannot write the export: {0}")]
    Export(#[source] std::io::Error),
}

impl JournalError {
    /// Sorts a SQLite error by its cause. `writing` tells a failed write from a failed read.
    pub(crate) fn from_sqlite(path: &std::path::Path, e: rusqlite::Error, writing: bool) -> Self {
        use rusqlite::ErrorCode;
        let path = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                JournalError::Busy { path }
            }
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => JournalError::Corrupt {
                path,
                detail: e.to_string(),
            },
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
                JournalError::ReadOnly { path, source: e }
            }
            Some(ErrorCode::CannotOpen) => JournalError::Open { path, source: e },
            _ if writing => JournalError::Write { path, source: e },
            _ => JournalError::Read { path, source: e },
        }
    }
}

impl Explain for JournalError {
    fn message(&self) -> Message {
        match self {
            JournalError::NoLocation => Message::new(
                "journal-no-location",
                "Không xác định được nơi lưu nhật ký ký số: chưa đặt XDG_DATA_HOME hay HOME \
                 (dùng --journal ĐƯỜNG_DẪN hoặc biến KYSO_JOURNAL)",
                "Cannot tell where the signing journal lives: neither XDG_DATA_HOME nor HOME is \
                 set (use --journal PATH or KYSO_JOURNAL)",
            ),
            JournalError::Folder { path, source } => Message::new(
                "journal-unwritable",
                format!(
                    "Không tạo được thư mục nhật ký ký số {}: {source}",
                    path.display()
                ),
                format!(
                    "Cannot create the signing journal's folder {}: {source}",
                    path.display()
                ),
            ),
            JournalError::Open { path, source } => Message::new(
                "journal-unavailable",
                format!("Không mở được nhật ký ký số {}: {source}", path.display()),
                format!(
                    "Cannot open the signing journal {}: {source}",
                    path.display()
                ),
            ),
            JournalError::Corrupt { path, detail } => Message::new(
                "journal-corrupt",
                format!(
                    "Nhật ký ký số {} bị hỏng hoặc không phải tệp nhật ký ({detail}); \
                     hãy giữ nguyên tệp này để kiểm tra và dùng --journal để chỉ định tệp khác",
                    path.display()
                ),
                format!(
                    "The signing journal {} is damaged or not a journal ({detail}); keep the \
                     file for inspection and name another one with --journal",
                    path.display()
                ),
            ),
            JournalError::Foreign { path } => Message::new(
                "journal-foreign",
                format!(
                    "Tệp {} là cơ sở dữ liệu khác, không phải nhật ký ký số của Kyso",
                    path.display()
                ),
                format!(
                    "{} is some other database, not a Kyso signing journal",
                    path.display()
                ),
            ),
            JournalError::NewerSchema {
                path,
                found,
                supported,
            } => Message::new(
                "journal-newer",
                format!(
                    "Nhật ký ký số {} do phiên bản Kyso mới hơn tạo (lược đồ {found}, \
                     phiên bản này hiểu đến {supported}); hãy cập nhật Kyso",
                    path.display()
                ),
                format!(
                    "The signing journal {} was written by a newer Kyso (schema {found}; this \
                     version knows up to {supported}); update Kyso",
                    path.display()
                ),
            ),
            JournalError::Busy { path } => Message::new(
                "journal-busy",
                format!(
                    "Nhật ký ký số {} đang bị chương trình khác khóa quá lâu; hãy thử lại",
                    path.display()
                ),
                format!(
                    "The signing journal {} stayed locked by another program; try again",
                    path.display()
                ),
            ),
            JournalError::ReadOnly { path, source } => Message::new(
                "journal-unwritable",
                format!(
                    "Không ghi được vào nhật ký ký số {}: {source}",
                    path.display()
                ),
                format!(
                    "The signing journal {} cannot be written: {source}",
                    path.display()
                ),
            ),
            JournalError::Write { path, source } => Message::new(
                "journal-write-failed",
                format!(
                    "Không ghi được bản ghi vào nhật ký ký số {} (bản ghi không được lưu): {source}",
                    path.display()
                ),
                format!(
                    "Cannot write to the signing journal {} (the record was not kept): {source}",
                    path.display()
                ),
            ),
            JournalError::Read { path, source } => Message::new(
                "journal-read-failed",
                format!("Không đọc được nhật ký ký số {}: {source}", path.display()),
                format!(
                    "Cannot read the signing journal {}: {source}",
                    path.display()
                ),
            ),
            JournalError::Export(source) => Message::new(
                "journal-export-failed",
                format!("Không ghi được tệp xuất nhật ký: {source}"),
                format!("Cannot write the journal export: {source}"),
            ),
        }
    }
}
