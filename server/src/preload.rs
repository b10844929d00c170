//! Reading in, at start, the program code that serving runs.
//!
//! A release build made by `scripts/build` has the linker place the functions that the server runs
//! when it starts and when it serves its common requests side by side at the start of its code
//! (`scripts/executed-functions` lists them), and tells this module how many bytes they take
//! (`SERVER_CODE_ORDER`, "<bytes>:<checksum of the list>", at compile time). The kernel maps a
//! program's code into memory only when it first runs, so without this the first requests stall
//! on page faults and the resident set grows by the code they run. Reading those bytes once
//! through `/proc/self/mem` maps them in at start instead: a few MB at start, and no growth from
//! code under load. Builds without the list (`cargo leptos watch`, `PGO=off`) read nothing.

use std::io;
use std::os::unix::fs::FileExt;

/// The size of the executed functions' region at the start of the program's code, if this build
/// placed them there.
fn ordered_code_bytes() -> Option<u64> {
    let order = option_env!("SERVER_CODE_ORDER")?;
    order.split(':').next()?.parse().ok()
}

/// The start and end of the program's code mapping, from `/proc/self/maps`.
fn code_mapping() -> io::Result<(u64, u64)> {
    let exe = std::env::current_exe()?;
    let exe = exe.to_string_lossy();
    let maps = std::fs::read_to_string("/proc/self/maps")?;
    maps.lines()
        .find_map(|line| {
            let mut fields = line.split_whitespace();
            let range = fields.next()?;
            let perms = fields.next()?;
            let path = fields.nth(3)?;
            if !perms.starts_with("r-x") || path != exe {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            Some((
                u64::from_str_radix(start, 16).ok()?,
                u64::from_str_radix(end, 16).ok()?,
            ))
        })
        .ok_or_else(|| io::Error::other("no code mapping of the program in /proc/self/maps"))
}

/// Reads `bytes` of code from the start of the mapping, a page at a time; returns what was read.
fn read_in(bytes: u64) -> io::Result<u64> {
    const PAGE: u64 = 4096;
    let (start, end) = code_mapping()?;
    let stop = end.min(start.saturating_add(bytes));
    let mem = std::fs::File::open("/proc/self/mem")?;
    let mut page = [0u8; PAGE as usize];
    let mut at = start;
    while at < stop {
        mem.read_exact_at(&mut page, at)?;
        at += PAGE;
    }
    Ok(at - start)
}

/// Reads in the executed functions' code when this build placed them together; a failure (another
/// kernel, a restricted `/proc`) is logged and changes nothing else.
pub fn executed_code() {
    let Some(bytes) = ordered_code_bytes() else {
        tracing::debug!(
            "this build did not place the executed functions together; nothing read in"
        );
        return;
    };
    match read_in(bytes) {
        Ok(read) => tracing::debug!("read in {read} bytes of program code"),
        Err(err) => tracing::info!("could not read in the program code at start: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The resident size of the mapping that starts at `start`, from `/proc/self/smaps`, in bytes.
    fn resident(start: u64) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps");
        let prefix = format!("{start:x}-");
        let mapping = smaps.split_once(&prefix).expect("the mapping in smaps").1;
        let line = mapping
            .lines()
            .find(|l| l.starts_with("Rss:"))
            .expect("Rss");
        let kb: u64 = line
            .split_whitespace()
            .nth(1)
            .expect("kB")
            .parse()
            .expect("number");
        kb * 1024
    }

    #[test]
    fn the_code_read_in_is_resident_afterwards() {
        let (start, end) = code_mapping().expect("code mapping");
        assert!(start < end);
        assert_eq!(read_in(3 * 4096).expect("read"), 3 * 4096);
        // Never past the mapping's end; then all of it is in memory.
        assert_eq!(read_in(u64::MAX).expect("read"), end - start);
        assert_eq!(resident(start), end - start);
    }
}
