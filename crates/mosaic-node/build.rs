//! Node-API symbols are provided by the node process that loads the addon; on macOS the
//! linker must be told to leave them undefined (Linux allows this for cdylibs by default).
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        println!("cargo:rustc-cdylib-link-arg=-undefined");
        println!("cargo:rustc-cdylib-link-arg=dynamic_lookup");
    }
}
