//! Reading procfs, sysfs and cgroup files.
//!
//! `std::fs::read_to_string` first asks a file for its size (`statx`, then `lseek`) to size its
//! buffer; pseudo files report a size of 0 or 4096 whatever they hold, so for them that is two
//! wasted system calls per file. The host and Docker probes read tens of such files per
//! collection (hundreds with many containers), so they read them straight away instead.

use std::io::Read;
use std::path::Path;

/// Reads the pseudo file at `path` whole, as UTF-8 (lossy: these files are ASCII).
pub fn read(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 4096];
    let mut len = 0;
    loop {
        if len == buf.len() {
            buf.resize(len * 2, 0);
        }
        match file.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(len);
    Ok(match String::from_utf8(buf) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_small_and_large_files_whole() {
        let dir = tempfile::tempdir().unwrap();
        for size in [0usize, 10, 4096, 4097, 100_000] {
            let p = dir.path().join(format!("f{size}"));
            let text: String = (0..size).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            std::fs::write(&p, &text).unwrap();
            assert_eq!(super::read(&p).unwrap(), text);
        }
        assert!(super::read(&dir.path().join("absent")).is_err());
        // A real procfs file, whose reported size is 0.
        assert!(
            super::read(Path::new("/proc/self/stat"))
                .unwrap()
                .contains(' ')
        );
    }

    use std::path::Path;
}
