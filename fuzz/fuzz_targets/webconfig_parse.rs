//! The web config file parser and builder (inline PEM certificates and keys, TLS versions,
//! client auth types, bcrypt hash checks, response headers). Relative file names resolve in
//! a directory that does not exist, so nothing on disk is read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(file) = nexo_exporter::webconfig::parse_str(text, "web.yml") {
        let _ = file.build(Path::new("/nonexistent-nexo-fuzz"), "web.yml");
    }
});
