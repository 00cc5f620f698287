//! The main configuration file parser: any text must give a Config or a positioned error,
//! never a panic; a parsed Config must render redacted.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match nexo_exporter::config::parse_str(text, "fuzz.yml") {
        Ok(c) => {
            let _ = c.to_redacted_yaml();
        }
        Err(e) => {
            assert!(e.to_string().starts_with("fuzz.yml"), "{e}");
        }
    }
});
