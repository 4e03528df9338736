fn main() {
    // The binary is linked at a fixed address (not position-independent): the dynamic loader
    // then has no relocations to apply to its tables at start, which saves about a millisecond
    // (and some 500 page faults) on every run; see docs/performance.md.
    println!("cargo:rustc-link-arg-bins=-no-pie");
    println!("cargo:rerun-if-changed=build.rs");
}
