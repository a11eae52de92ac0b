//! Links the `warta` binary as a position-dependent executable on Linux. A PIE's loader
//! relocates about 40,000 pointers (vtables and other constant tables) at every start,
//! writing to 200 pages of its data, which was a sixth of a `warta search` process's time:
//! a search is one process, so its start-up is part of every search.

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
