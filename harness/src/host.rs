//! The machine the harness runs on, as the 2011 runtime's output depends
//! on it: the size of the XSAVE image its kernel writes into a signal
//! frame (rust_runtime::host), read from CPUID leaf 0xD.

use rust_runtime::host::Host;

/// XSAVE's feature number for AMX tile data: enabled in XCR0 but armed
/// through XFD, so the kernel leaves it out of a signal frame until a
/// process asks for it (the 2011 runtime never does).
#[cfg(target_arch = "x86_64")]
const XFEATURE_XTILEDATA: u32 = 18;

/// This machine's host. CPUID.(EAX=0xD,ECX=0):EBX is the standard
/// format's size for the features enabled in XCR0; the signal frame has
/// the same, less a dynamic AMX tile area at its end, whose presence
/// says AMX is enabled. CPUID.(EAX=7,ECX=0):ECX bit 4 (OSPKE) says the
/// kernel enabled PKU.
#[cfg(target_arch = "x86_64")]
pub fn this() -> Option<Host> {
    use std::arch::x86_64::__cpuid_count;
    if __cpuid_count(0, 0).eax < 0xd || __cpuid_count(0xd, 0).ebx == 0 {
        return None;
    }
    let enabled = __cpuid_count(0xd, 0).ebx;
    let tile = __cpuid_count(0xd, XFEATURE_XTILEDATA);
    let amx = tile.eax != 0 && tile.ebx + tile.eax == enabled;
    let xsave_size = if amx { tile.ebx } else { enabled };
    let pku = __cpuid_count(7, 0).ecx & (1 << 4) != 0;
    Some(if amx {
        Host {
            xsave_size,
            pku,
            amx,
        }
    } else {
        Host::sized(xsave_size)
    })
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

/// A `--host` argument: `this`, or a host's name (rust_runtime::host).
pub fn parse(arg: &str) -> Result<Host, String> {
    if arg == "this" {
        return this().ok_or_else(|| "this machine reports no XSAVE size (CPUID leaf 0xD)".into());
    }
    arg.parse()
        .map_err(|e: rust_runtime::host::BadHost| e.to_string())
}

/// The line `harness toolchains` prints for this machine.
pub fn describe() -> String {
    let size = this().map_or("unknown".to_string(), |h| {
        let mut s = format!("{} bytes", h.xsave_size);
        if h.amx {
            s.push_str(", AMX");
        }
        if h.pku {
            s.push_str(", PKU");
        }
        s
    });
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
    format!("host: XSAVE image {size}, AT_MINSIGSTKSZ {minsig}; {same}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_this_or_a_size() {
        assert_eq!(parse("2696"), Ok(Host::sized(2696)));
        assert!(parse("2816-amx").unwrap().amx);
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
