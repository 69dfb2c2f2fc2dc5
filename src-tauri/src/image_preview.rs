//! The PNG a visible signature draws (the leader's handwriting, the issuer's seal), sent to
//! the Sign screen so that its preview shows what the core will draw and keeps the image's
//! aspect ratio. Only files the core itself would accept go to the web view: this is not a
//! way to read any file.

use std::path::PathBuf;

use kyso::message::Explain;
use kyso::pdf::image::{MAX_PNG_FILE, PngImage};

use crate::error::{CommandError, CommandResult};

/// A PNG's bytes, sent raw (not as a JSON array), after the core's own checks (signature,
/// size, dimensions, decodable).
#[tauri::command]
pub async fn read_png(path: PathBuf) -> CommandResult<tauri::ipc::Response> {
    tauri::async_runtime::spawn_blocking(move || png_bytes(&path))
        .await
        .map_err(CommandError::worker)?
        .map(tauri::ipc::Response::new)
}

fn png_bytes(path: &std::path::Path) -> CommandResult<Vec<u8>> {
    let len = std::fs::metadata(path)
        .map_err(|e| CommandError::io("image-unreadable", path, &e))?
        .len();
    if len > MAX_PNG_FILE as u64 {
        // Refused before reading, with the core's message.
        return Err(CommandError(
            kyso::pdf::image::ImageError::FileTooLarge {
                len: usize::try_from(len).unwrap_or(usize::MAX),
            }
            .message(),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| CommandError::io("image-unreadable", path, &e))?;
    PngImage::decode(&bytes).map_err(|e| CommandError(e.message()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pngs_the_core_accepts_are_sent() {
        let icon = concat!(env!("CARGO_MANIFEST_DIR"), "/icons/icon.png");
        let bytes = png_bytes(std::path::Path::new(icon)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"));
        let not_png = png_bytes(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/Cargo.toml"
        )));
        assert!(!not_png.unwrap_err().0.vi.is_empty());
        let missing = png_bytes(std::path::Path::new("/nonexistent/kyso.png")).unwrap_err();
        assert_eq!(missing.0.code, "image-unreadable");
    }
}
