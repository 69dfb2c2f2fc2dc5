//! Where a batch's signed files go: `NAME.signed.pdf` (cli.md's naming) in a folder chosen per
//! input, with two inputs that would write the same output refused before anything is signed.
//! The CLI (`--out-dir`) and the desktop app name their outputs through [`plan_outputs`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::message::{Explain, Message};

/// Why a batch's outputs cannot be named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NamingError {
    /// The input path has no file name to derive the output's from (`/`, `..`, not UTF-8).
    #[error("not a file name: {0}")]
    NotAFileName(PathBuf),
    /// Two inputs (`a/x.pdf`, `b/x.pdf` into one folder) would both be written to this file.
    #[error("two inputs would be written to {0}")]
    Collision(PathBuf),
}

impl Explain for NamingError {
    fn message(&self) -> Message {
        match self {
            NamingError::NotAFileName(path) => Message::new(
                "output-name",
                format!("Tên tệp không hợp lệ: {}", path.display()),
                format!("Not a file name: {}", path.display()),
            ),
            NamingError::Collision(path) => Message::new(
                "output-collision",
                format!("Hai tệp đầu vào cùng cho ra {}", path.display()),
                format!("Two inputs would both be written to {}", path.display()),
            ),
        }
    }
}

/// `a.pdf` → `a.signed.pdf` (also `.PDF`; a name without the extension gets it added).
pub fn signed_name(input: &Path) -> Option<String> {
    let name = input.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".pdf")
        .or_else(|| name.strip_suffix(".PDF"))
        .unwrap_or(name);
    Some(format!("{stem}.signed.pdf"))
}

/// Pairs each input with `NAME.signed.pdf` in the folder `folder_of` gives for it, in order.
pub fn plan_outputs(
    inputs: &[PathBuf],
    folder_of: impl Fn(&Path) -> PathBuf,
) -> Result<Vec<(PathBuf, PathBuf)>, NamingError> {
    let mut taken = HashSet::with_capacity(inputs.len());
    inputs
        .iter()
        .map(|input| {
            let name =
                signed_name(input).ok_or_else(|| NamingError::NotAFileName(input.clone()))?;
            let output = folder_of(input).join(name);
            if !taken.insert(output.clone()) {
                return Err(NamingError::Collision(output));
            }
            Ok((input.clone(), output))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_insert_signed_before_pdf() {
        assert_eq!(
            signed_name(Path::new("/a/b/Quyết định.pdf")).unwrap(),
            "Quyết định.signed.pdf"
        );
        assert_eq!(signed_name(Path::new("X.PDF")).unwrap(), "X.signed.pdf");
        assert_eq!(signed_name(Path::new("noext")).unwrap(), "noext.signed.pdf");
        assert_eq!(signed_name(Path::new("/")), None);
    }

    #[test]
    fn outputs_go_where_asked_and_a_collision_is_refused() {
        let inputs = [
            PathBuf::from("/a/Quyết định.pdf"),
            PathBuf::from("/b/x.pdf"),
        ];
        let beside = plan_outputs(&inputs, |i| i.parent().unwrap().to_path_buf()).unwrap();
        assert_eq!(beside[0].1, PathBuf::from("/a/Quyết định.signed.pdf"));
        assert_eq!(beside[1].1, PathBuf::from("/b/x.signed.pdf"));
        let mut more = inputs.to_vec();
        more.push(PathBuf::from("/c/x.pdf"));
        assert_eq!(
            plan_outputs(&more, |_| PathBuf::from("/out")).unwrap_err(),
            NamingError::Collision(PathBuf::from("/out/x.signed.pdf"))
        );
        assert_eq!(
            plan_outputs(&[PathBuf::from("/")], |_| PathBuf::from("/out")).unwrap_err(),
            NamingError::NotAFileName(PathBuf::from("/"))
        );
    }
}
