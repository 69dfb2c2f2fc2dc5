//! PKCS#11 modules: the vendor library that speaks to a token, loaded by path or found by
//! probing the names that Vietnamese certificate authorities' tokens install.
//!
//! A module is initialised once per process (PKCS#11 2.40 §5.4: a second `C_Initialize` is
//! `CKR_CRYPTOKI_ALREADY_INITIALIZED`, and one `C_Finalize` ends every user's sessions). So
//! loading the same file twice here hands back the same [`Module`], and `C_Finalize` runs when
//! the last handle (including those held by open sessions) is dropped.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CryptokiError, RvError};
use serde::Serialize;

use super::error::{TokenError, ckr_name};

/// A module name as vendors install it. A trailing `*` matches any suffix (version numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KnownModule {
    /// Who ships it, for people reading `kyso tokens`.
    pub vendor: &'static str,
    /// File name, or file name prefix ending in `*`.
    pub pattern: &'static str,
}

const fn known(vendor: &'static str, pattern: &'static str) -> KnownModule {
    KnownModule { vendor, pattern }
}

/// The modules of the tokens used in Vietnamese public offices, most common first.
pub const KNOWN_MODULES: &[KnownModule] = &[
    known("Ban Cơ yếu Chính phủ / VGCA (bit4id)", "libbit4xpki.so"),
    known("VNPT-CA", "vnpt-ca_csp11*"),
    known("VNPT-CA", "libvnptca_p11*"),
    known("VNPT-CA", "vnptca_p11_v*"),
    known("Viettel-CA", "viettel-ca_v*"),
    known("Viettel-CA", "libviettel-ca*"),
    known("BkavCA", "BkavCA*"),
    known("BkavCA", "libBkavCA*"),
    known("FPT-CA", "fptca*"),
    known("FPT-CA", "libfpt-ca*"),
    known("CA2 (Nacencomm)", "CA2_csp11*"),
    known("CA2 (Nacencomm)", "libca2*"),
    known("SafeNet eToken", "libeTPkcs11.so"),
    known("SafeNet eToken", "libeToken.so"),
    known("Feitian ePass2003", "libeps2003csp11.so"),
    known("OpenSC", "opensc-pkcs11.so"),
    known("SoftHSM2 (test and demo)", "libsofthsm2.so"),
];

/// Folders where vendors and distributions put PKCS#11 modules. `/opt` is searched a few
/// levels deep because vendors' installers put their own tree there (`/opt/<vendor>/lib`).
pub const MODULE_FOLDERS: &[&str] = &[
    "/usr/lib",
    "/usr/local/lib",
    "/usr/lib64",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib/pkcs11",
    "/usr/lib/x86_64-linux-gnu/pkcs11",
    "/usr/lib/softhsm",
    "/usr/lib/x86_64-linux-gnu/softhsm",
    "/usr/local/lib/softhsm",
    "/opt",
];

/// How deep below `/opt` (and any folder) the probe looks, and how many entries it reads at
/// most: a probe must stay quick even on a machine with a large `/opt`.
const MAX_DEPTH: usize = 3;
const MAX_ENTRIES: usize = 20_000;

/// One known module and the files found for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub module: KnownModule,
    /// Every matching file, after resolving symbolic links (so a library reachable from two
    /// folders appears once). Empty when not installed.
    pub found: Vec<PathBuf>,
}

/// Looks for every [`KNOWN_MODULES`] entry in [`MODULE_FOLDERS`]. Nothing is loaded.
pub fn probe() -> Vec<Candidate> {
    let folders: Vec<PathBuf> = MODULE_FOLDERS.iter().map(PathBuf::from).collect();
    probe_in(&folders)
}

/// Looks for every [`KNOWN_MODULES`] entry in the given folders (and a few levels below them).
pub fn probe_in(folders: &[PathBuf]) -> Vec<Candidate> {
    let mut files = Vec::new();
    let mut budget = MAX_ENTRIES;
    for folder in folders {
        collect_files(folder, MAX_DEPTH, &mut budget, &mut files);
    }
    KNOWN_MODULES
        .iter()
        .map(|module| {
            let mut found: Vec<PathBuf> = files
                .iter()
                .filter(|path| {
                    path.file_name()
                        .is_some_and(|name| matches(module.pattern, name))
                })
                .filter_map(|path| path.canonicalize().ok())
                .collect();
            found.sort();
            found.dedup();
            Candidate {
                module: *module,
                found,
            }
        })
        .collect()
}

/// The paths of every module found, in [`KNOWN_MODULES`] order, each once.
pub fn found_paths(candidates: &[Candidate]) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for path in candidates.iter().flat_map(|c| &c.found) {
        if !paths.contains(path) {
            paths.push(path.clone());
        }
    }
    paths
}

fn collect_files(folder: &Path, depth: usize, budget: &mut usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let path = entry.path();
        // `file_type` does not follow links: a linked folder is not descended (no loops), a
        // linked file is kept (distributions link modules into /usr/lib/pkcs11).
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if depth > 0 {
                collect_files(&path, depth - 1, budget, out);
            }
        } else if path.extension() == Some(OsStr::new("so")) || is_versioned_so(&path) {
            out.push(path);
        }
    }
}

/// `libfoo.so.1.2`: shared objects with a version suffix.
fn is_versioned_so(path: &Path) -> bool {
    path.file_name()
        .and_then(OsStr::to_str)
        .is_some_and(|name| name.contains(".so."))
}

/// Whether a file name matches a known pattern: exact, or by prefix when it ends in `*`.
fn matches(pattern: &str, name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    match pattern.strip_suffix('*') {
        Some(prefix) => {
            name.starts_with(prefix) && (name.ends_with(".so") || name.contains(".so."))
        }
        None => name == pattern,
    }
}

/// Facts the module tells about itself (`C_GetInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleInfo {
    pub path: PathBuf,
    pub manufacturer: String,
    pub description: String,
    /// Library version, `major.minor`.
    pub version: String,
    /// PKCS#11 version the library implements, `major.minor`.
    pub cryptoki_version: String,
}

/// A loaded and initialised PKCS#11 module. Cheap to clone; all clones share one
/// initialisation.
#[derive(Clone, Debug)]
pub struct Module {
    inner: Arc<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    path: PathBuf,
    context: Pkcs11,
    /// False when someone else in this process initialised the library first: then they own
    /// `C_Finalize`, and calling it here would close their sessions.
    finalize_on_drop: bool,
}

impl Drop for Loaded {
    fn drop(&mut self) {
        if self.finalize_on_drop {
            // Nothing useful can be done with a failure while dropping; the library is
            // unloaded right after.
            let _ = self.context.clone().finalize();
        }
    }
}

/// Modules loaded in this process, by canonical path. Weak, so a module is finalised when its
/// last user is gone.
static LOADED: Mutex<Vec<(PathBuf, Weak<Loaded>)>> = Mutex::new(Vec::new());

impl Module {
    /// Loads the module at `path` and initialises it (`CKF_OS_LOCKING_OK`: the library may use
    /// its own locks, as every vendor module expects). Loading a path already loaded returns
    /// the same module.
    pub fn load(path: impl AsRef<Path>) -> Result<Module, TokenError> {
        let path = path.as_ref();
        let canonical = path
            .canonicalize()
            .map_err(|_| TokenError::ModuleNotFound {
                path: path.to_owned(),
            })?;
        // A poisoned lock only means another thread panicked while holding it; the list of
        // weak references is still consistent.
        let mut loaded = LOADED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        loaded.retain(|(_, weak)| weak.strong_count() > 0);
        if let Some(inner) = loaded
            .iter()
            .find(|(p, _)| *p == canonical)
            .and_then(|(_, weak)| weak.upgrade())
        {
            return Ok(Module { inner });
        }
        let context = Pkcs11::new(&canonical).map_err(|e| load_error(&canonical, e))?;
        let finalize_on_drop =
            match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
                Ok(()) => true,
                Err(CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => false,
                Err(CryptokiError::Pkcs11(rv, _)) => {
                    return Err(TokenError::ModuleInit {
                        path: canonical,
                        ckr: ckr_name(rv),
                    });
                }
                Err(other) => {
                    return Err(TokenError::ModuleInit {
                        path: canonical,
                        ckr: other.to_string(),
                    });
                }
            };
        let inner = Arc::new(Loaded {
            path: canonical.clone(),
            context,
            finalize_on_drop,
        });
        loaded.push((canonical, Arc::downgrade(&inner)));
        Ok(Module { inner })
    }

    /// The module's file, with symbolic links resolved.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// What the module says about itself.
    pub fn info(&self) -> Result<ModuleInfo, TokenError> {
        let info = self
            .inner
            .context
            .get_library_info()
            .map_err(TokenError::from_cryptoki)?;
        let version = info.library_version();
        let cryptoki = info.cryptoki_version();
        Ok(ModuleInfo {
            path: self.inner.path.clone(),
            manufacturer: info.manufacturer_id().trim().to_owned(),
            description: info.library_description().trim().to_owned(),
            version: format!("{}.{}", version.major(), version.minor()),
            cryptoki_version: format!("{}.{}", cryptoki.major(), cryptoki.minor()),
        })
    }

    pub(crate) fn context(&self) -> &Pkcs11 {
        &self.inner.context
    }
}

fn load_error(path: &Path, err: CryptokiError) -> TokenError {
    match err {
        CryptokiError::MissingSymbol(_) | CryptokiError::NullFunctionPointer => {
            TokenError::NotPkcs11Module {
                path: path.to_owned(),
            }
        }
        CryptokiError::LibraryLoading(e) => {
            let reason = e.to_string();
            // libloading reports a missing entry point as a loading error.
            if reason.contains("C_GetFunctionList") || reason.contains("undefined symbol") {
                TokenError::NotPkcs11Module {
                    path: path.to_owned(),
                }
            } else {
                TokenError::ModuleLoad {
                    path: path.to_owned(),
                    reason,
                }
            }
        }
        other => TokenError::ModuleLoad {
            path: path.to_owned(),
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_versioned_vendor_names() {
        assert!(matches("libbit4xpki.so", OsStr::new("libbit4xpki.so")));
        assert!(!matches("libbit4xpki.so", OsStr::new("libbit4xpki.so.bak")));
        assert!(matches("viettel-ca_v*", OsStr::new("viettel-ca_v5.so")));
        assert!(matches(
            "libvnptca_p11*",
            OsStr::new("libvnptca_p11_v6.so.1")
        ));
        assert!(!matches("BkavCA*", OsStr::new("BkavCA.txt")));
    }

    #[test]
    fn probe_finds_files_in_nested_folders_once() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let nested = dir.path().join("vendor/lib");
        std::fs::create_dir_all(&nested).expect("create folders");
        std::fs::write(nested.join("libBkavCAv2.so"), b"not really").expect("write");
        std::fs::write(dir.path().join("libeToken.so"), b"").expect("write");
        std::os::unix::fs::symlink(dir.path().join("libeToken.so"), nested.join("libeToken.so"))
            .expect("symlink");
        let candidates = probe_in(&[dir.path().to_owned()]);
        assert_eq!(candidates.len(), KNOWN_MODULES.len());
        let bkav: Vec<_> = candidates
            .iter()
            .filter(|c| c.module.vendor == "BkavCA")
            .collect();
        assert_eq!(
            bkav[1].found,
            vec![nested.join("libBkavCAv2.so").canonicalize().unwrap()]
        );
        let etoken = candidates
            .iter()
            .find(|c| c.module.pattern == "libeToken.so")
            .unwrap();
        assert_eq!(
            etoken.found.len(),
            1,
            "a linked module is listed once: {etoken:?}"
        );
        assert_eq!(found_paths(&candidates).len(), 2);
    }

    #[test]
    fn loading_errors_are_sorted() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let missing = dir.path().join("absent.so");
        assert!(matches!(
            Module::load(&missing),
            Err(TokenError::ModuleNotFound { .. })
        ));
        let junk = dir.path().join("junk.so");
        std::fs::write(&junk, b"this is no ELF file").expect("write");
        assert!(matches!(
            Module::load(&junk),
            Err(TokenError::ModuleLoad { .. })
        ));
        // A real shared library that is not a PKCS#11 module.
        let libz = probe_system_lib("libz.so.1");
        if let Some(libz) = libz {
            let err = Module::load(&libz).expect_err("libz is not PKCS#11");
            assert!(matches!(err, TokenError::NotPkcs11Module { .. }), "{err:?}");
        }
    }

    fn probe_system_lib(name: &str) -> Option<PathBuf> {
        [
            "/usr/lib/x86_64-linux-gnu",
            "/lib/x86_64-linux-gnu",
            "/usr/lib64",
            "/usr/lib",
        ]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists())
    }
}
