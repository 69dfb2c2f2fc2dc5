// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let paths = kyso_app::state::AppPaths::from_environment();
    // SAFETY: first thing in `main`: no other thread exists yet.
    unsafe { kyso_app::prepare_demo_environment(&paths) };
    kyso_app::run();
}
