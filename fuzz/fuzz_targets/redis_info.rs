//! The Redis `INFO` reply parser: any text gives a field map and either metrics or an error
//! naming a field, never a panic; accepted values are finite and non-negative.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nexo_exporter::probe::redis::{info_metrics, parse_info};

fuzz_target!(|data: &[u8]| {
    // The probe reads INFO as a Redis bulk string decoded to text (lossily, like here).
    let text = String::from_utf8_lossy(data);
    let info = parse_info(&text);
    for k in info.keys() {
        assert!(!k.contains(':') && !k.contains('\n'), "{k:?}");
    }
    match info_metrics(&info) {
        Ok(set) => {
            for f in set.families() {
                for (_, v) in &f.samples {
                    assert!(v.is_finite() && *v >= 0.0, "{v}");
                }
            }
            let _ = set.encode_text();
            let _ = set.encode_openmetrics();
        }
        Err(e) => assert!(e.starts_with("INFO "), "{e}"),
    }
});
