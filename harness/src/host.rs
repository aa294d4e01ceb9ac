//! The machine the harness runs on, as the 2011 runtime's output depends
//! on it: the size of the XSAVE image its kernel writes into a signal
//! frame (rust_runtime::host), read from CPUID leaf 0xD.

use rust_runtime::host::Host;

/// XSAVE's feature number for AMX tile data: enabled in XCR0 but armed
/// through XFD, so the kernel leaves it out of a signal frame until a
/// process asks for it (the 2011 runtime never does).
#[cfg(target_arch = "x86_64")]
const XFEATURE_XTILEDATA: u32 = 18;

/// This machine's host figure. CPUID.(EAX=0xD,ECX=0):EBX is the standard
/// format's size for the features enabled in XCR0; the signal frame has
/// the same, less a dynamic AMX tile area at its end.
#[cfg(target_arch = "x86_64")]
pub fn this() -> Option<Host> {
    use std::arch::x86_64::__cpuid_count;
    if __cpuid_count(0, 0).eax < 0xd || __cpuid_count(0xd, 0).ebx == 0 {
        return None;
    }
    let enabled = __cpuid_count(0xd, 0).ebx;
    let tile = __cpuid_count(0xd, XFEATURE_XTILEDATA);
    let xsave_size = if tile.eax != 0 && tile.ebx + tile.eax == enabled {
        tile.ebx
    } else {
        enabled
    };
    Some(Host { xsave_size })
}

#[cfg(not(target_arch = "x86_64"))]
pub fn this() -> Option<Host> {
    None
}

/// The kernel's AT_MINSIGSTKSZ (the auxiliary vector's entry 51): the
/// whole signal frame's size, shown beside the XSAVE size as a check.
pub fn minsigstksz() -> Option<u64> {
    const AT_MINSIGSTKSZ: u64 = 51;
    let auxv = std::fs::read("/proc/self/auxv").ok()?;
    auxv.chunks_exact(16).find_map(|pair| {
        let word = |i: usize| u64::from_le_bytes(pair[i..i + 8].try_into().unwrap());
        (word(0) == AT_MINSIGSTKSZ).then(|| word(8))
    })
}

/// A `--host` argument: `this`, or an XSAVE size in bytes.
pub fn parse(arg: &str) -> Result<Host, String> {
    if arg == "this" {
        return this().ok_or_else(|| "this machine reports no XSAVE size (CPUID leaf 0xD)".into());
    }
    match arg.parse::<u32>() {
        Ok(n) if n >= 576 => Ok(Host { xsave_size: n }),
        _ => Err(format!(
            "'{arg}' is not a host: give 'this' or an XSAVE size in bytes (at least 576: 832 AVX, 2688 AVX-512, 2696 AVX-512 with PKU; 2432 and 2440 on AMD)"
        )),
    }
}

/// The line `harness toolchains` prints for this machine.
pub fn describe() -> String {
    let size = this().map_or("unknown".to_string(), |h| h.xsave_size.to_string());
    let minsig = minsigstksz().map_or("not given".to_string(), |n| n.to_string());
    let same = match this() {
        Some(h) if h.spill() == Host::RECORDING.spill() => {
            "its signal frame writes what the references' host's wrote"
        }
        Some(_) => {
            "its signal frame differs from the references' host's: hang dumps may end otherwise"
        }
        None => "its signal frame is unknown",
    };
    format!("host: XSAVE image {size} bytes, AT_MINSIGSTKSZ {minsig}; {same}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_this_or_a_size() {
        assert_eq!(parse("2696"), Ok(Host { xsave_size: 2696 }));
        assert!(parse("12").unwrap_err().contains("not a host"));
        assert!(parse("avx").unwrap_err().contains("not a host"));
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn this_machine_has_at_least_the_legacy_area_and_header() {
        // Every x86-64 CPU with XSAVE has x87 and SSE state (512 bytes) and
        // the 64-byte header; AVX adds 256 at offset 576.
        let h = this().expect("CPUID leaf 0xD");
        assert!(h.xsave_size >= 576, "{h}");
    }
}
