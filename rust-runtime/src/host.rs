//! The host: what the machine under the 2011 runtime does that its output
//! depends on. Not a 2011 source file: this is the Linux kernel's x86-64
//! signal delivery (arch/x86/kernel/signal.c's get_sigframe and
//! fpu/signal.c's copy_fpstate_to_sigframe), which writes into memory the
//! runtime owns.
//!
//! Invariants:
//! - minit (linux/thread.c) takes the gsignal stack from
//!   `malg(32*1024)`, a 32K heap block at stack0, and registers it with
//!   `signalstack(stackguard, 32*1024)`: the alternate stack's top T lies
//!   StackGuard (256) bytes past the block's end. The block is page
//!   aligned, so T is 64-byte aligned.
//! - On entering the alternate stack the kernel puts the XSAVE image at
//!   `round_down(T - (S + 4), 64)`, S being the image's size in XSAVE's
//!   standard format (the user features the kernel enabled), then
//!   FP_XSTATE_MAGIC2 (4 bytes) right after it; nothing above that is
//!   written. The rest of the frame (ucontext, siginfo) lies below, inside
//!   the block.
//! - The 2011 runtime uses no AVX or AVX-512 register, so the components
//!   that reach past the block are in their initial state, and XSAVE
//!   (unlike XSAVEOPT) writes them all the same: zeros. PKRU, an 8-byte
//!   component, follows AVX-512's last (offset 2688 on Intel, 2432 on AMD,
//!   which has no MPX area) where PKU is enabled; of it only its first 4
//!   bytes change, to the task's PKRU (its Linux default 0x55555554), and
//!   the 4 after them keep what they held: gdb at sighandler on an Intel
//!   host with AVX-512 and PKU (S = 2696, Linux 6.18) showed `0x55555554
//!   0x000000f8 0x46505845` at +0xc0, the 0xf8 being the upper half of the
//!   heap pointer that was there (Linux writes PKRU into the frame itself,
//!   a 4-byte put_user, after XSAVE). Without AMX, PKRU ends the image.
//! - With AMX (Intel's layout: AVX-512 ends at 2688, PKRU at 2688, a gap,
//!   XTILECFG at 2752..2816; XTILEDATA after it is left out of S until a
//!   process asks for it, which the 2011 runtime never does) the kernel
//!   sizes state dynamically (XFD), and a signal frame's XSAVE leaves out
//!   the features of XFEATURE_MASK_SIGFRAME_INITOPT (the tile config and
//!   data) while they are in their initial state (fpu/xstate.h's
//!   xfeatures_need_sigframe_write): the image's last 128 bytes keep what
//!   they held but for PKRU's first 4 where PKU is enabled. gdb at
//!   sigtramp on hang1547 on an Intel host with AMX and no PKU (S = 2816,
//!   AT_MINSIGSTKSZ 11952, Linux 6.18; 2026-12-07) showed the 0x40 bytes
//!   past the block zeroed, the next 0x80 as they were (goroutine 23's G
//!   kept its status and goid), and the magic at +0xc0.
//!
//! So S, PKU and AMX decide which bytes past the block change and to what.

use std::fmt;
use std::str::FromStr;

use crate::Addr;

/// FP_XSTATE_MAGIC2, which the kernel writes after the XSAVE image.
pub const FP_XSTATE_MAGIC2: u32 = 0x4650_5845;

/// Linux's initial PKRU (arch/x86/mm/pkeys.c's init_pkru_value: access
/// disabled for every key but 0), and the size of XSAVE's PKRU component,
/// of which the frame writes the first 4 bytes only.
const INIT_PKRU: u32 = 0x5555_5554;
const PKRU_SIZE: u64 = 8;

/// With AMX, the image's last bytes that a frame leaves as they were:
/// PKRU's area (2688), the gap after it and XTILECFG (2752..2816).
const AMX_TAIL: u64 = 128;

/// How far past the gsignal block the alternate stack's top lies
/// (StackGuard, stack.h).
pub const PAST_BLOCK: u64 = 256;

/// The machine a 2011 binary runs on, as far as its output depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Host {
    /// The XSAVE image's size in standard format (CPUID leaf 0xD's layout
    /// of the enabled user features, AMX's tile data left out): 832 with
    /// AVX, 2688 with AVX-512 (2432 on AMD), 2696 with AVX-512 and PKU
    /// (2440 on AMD), 2816 with AMX.
    pub xsave_size: u32,
    /// PKU is enabled: PKRU is in the image.
    pub pku: bool,
    /// AMX is enabled: the kernel leaves the tile state out of a frame.
    pub amx: bool,
}

impl Host {
    /// The machine the oldest references were recorded on (AVX-512, Linux
    /// 6.18): gdb at sigtramp showed 0xc0 zero bytes past the gsignal
    /// block, then FP_XSTATE_MAGIC2, which an image of 2688 bytes gives.
    /// References recorded before hosts were stamped are from it.
    pub const RECORDING: Host = Host::sized(2688);

    /// A host without AMX whose image is `xsave_size` bytes: PKU is
    /// enabled where the image ends with PKRU (64n + 8 bytes, every other
    /// component's size being a multiple of 64).
    pub const fn sized(xsave_size: u32) -> Host {
        Host {
            xsave_size,
            pku: xsave_size % 64 == PKRU_SIZE as u32,
            amx: false,
        }
    }

    /// Where PKRU lies in the image, where PKU is enabled.
    fn pkru(self) -> Option<u64> {
        let s = u64::from(self.xsave_size);
        match (self.pku, self.amx) {
            (false, _) => None,
            (true, true) => Some(s - AMX_TAIL),
            (true, false) => Some(s - PKRU_SIZE),
        }
    }

    /// The bytes past the gsignal block's end that the signal frame
    /// writes: `(offset from the block's end, byte)`, in order.
    pub fn spill(self) -> Vec<(u64, u8)> {
        let s = u64::from(self.xsave_size);
        let image = (s + 4).div_ceil(64) * 64;
        // The image's offset at the block's end (T - PAST_BLOCK).
        let first = image - PAST_BLOCK;
        let pkru = self.pkru();
        // Below this every component is written: zeros, PKRU aside.
        let zeroed = if self.amx { s - AMX_TAIL } else { s };
        (first..s + 4)
            .filter_map(|o| {
                let byte = if o >= s {
                    FP_XSTATE_MAGIC2.to_le_bytes()[(o - s) as usize]
                } else if let Some(p) = pkru.filter(|&p| (p..p + PKRU_SIZE).contains(&o)) {
                    // PKRU's upper half is left as it was.
                    *INIT_PKRU.to_le_bytes().get((o - p) as usize)?
                } else if o < zeroed {
                    0
                } else {
                    return None;
                };
                Some((o - first, byte))
            })
            .collect()
    }

    /// `value` (the `width` bytes at `addr`, little-endian) as it reads
    /// after the frame, with the gsignal block ending at `end`.
    pub fn overwrite(self, end: Addr, addr: Addr, width: u64, value: u64) -> u64 {
        let mut bytes = value.to_le_bytes();
        for (off, b) in self.spill() {
            let at = end + off;
            if (addr..addr + width).contains(&at) {
                bytes[(at - addr) as usize] = b;
            }
        }
        u64::from_le_bytes(bytes)
    }

    /// How many bytes past the block the frame reaches.
    pub fn reach(self) -> u64 {
        self.spill().last().map_or(0, |&(o, _)| o + 1)
    }
}

/// A host as `--host` and the host references name it: the XSAVE size,
/// then `-amx` where AMX is enabled, then `-pku` where PKU is too (without
/// AMX, PKU follows from the size).
impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.xsave_size)?;
        if self.amx {
            write!(f, "-amx")?;
            if self.pku {
                write!(f, "-pku")?;
            }
        }
        Ok(())
    }
}

/// What is wrong with a host's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a host: give an XSAVE size in bytes (at least 576: 832 AVX, 2688 AVX-512, 2696 AVX-512 with PKU, 2432 and 2440 on AMD), with -amx where AMX is enabled (2816-amx, 2816-amx-pku)"
)]
pub struct BadHost(pub String);

impl FromStr for Host {
    type Err = BadHost;

    fn from_str(name: &str) -> Result<Host, BadHost> {
        let bad = || BadHost(name.to_string());
        let mut parts = name.split('-');
        let size: u32 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .filter(|&s| s >= 576)
            .ok_or_else(bad)?;
        match parts.collect::<Vec<_>>()[..] {
            [] => Ok(Host::sized(size)),
            ["amx", ref pku @ ..] if pku.is_empty() || pku == ["pku"] => (u64::from(size)
                >= 576 + AMX_TAIL)
                .then_some(Host {
                    xsave_size: size,
                    pku: !pku.is_empty(),
                    amx: true,
                })
                .ok_or_else(bad),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_avx_image_zeroes_0xc0_bytes_then_writes_the_magic() {
        // As gdb showed on an AVX2 machine (S = 832) at sigtramp: 0xc0 zero
        // bytes past the block, 0x46505845 at +0xc0, then what was there.
        for s in [832, 2688] {
            let spill = Host::sized(s).spill();
            assert_eq!(spill.len(), 0xc4, "{s}");
            assert!(spill[..0xc0].iter().all(|&(_, b)| b == 0));
            let magic: Vec<u8> = spill[0xc0..].iter().map(|&(_, b)| b).collect();
            assert_eq!(magic, FP_XSTATE_MAGIC2.to_le_bytes());
        }
    }

    #[test]
    fn with_pku_the_pkru_word_precedes_the_magic() {
        let h = Host::sized(2696);
        assert_eq!(h.reach(), 0xcc);
        assert_eq!(
            h.overwrite(0x1000, 0x1000 + 0xc0, 4, 0xffff_ffff),
            0x5555_5554
        );
        assert_eq!(h.overwrite(0x1000, 0x1000 + 0xc8, 4, 0), 0x4650_5845);
        // A word straddling the frame's top keeps its upper bytes.
        assert_eq!(
            h.overwrite(0x1000, 0x1000 + 0xc8, 8, u64::MAX),
            0xffff_ffff_4650_5845
        );
    }

    #[test]
    fn pkru_ends_the_image_on_either_layout() {
        // Intel puts PKRU at 2688, AMD (no MPX area) at 2432: both 8 bytes
        // before the magic, at +0xc0 past the block.
        for s in [2696, 2440] {
            let h = Host::sized(s);
            // The word's upper half is PKRU's untouched padding: gdb's
            // 0x000000f8_55555554 where a heap pointer 0xf8_4000_xxxx was.
            assert_eq!(
                h.overwrite(0x1000, 0x10c0, 8, 0xf8_4000_c0d0),
                0xf8_5555_5554,
                "{s}"
            );
        }
    }

    #[test]
    fn the_image_always_ends_below_the_stack_top() {
        for s in (576..12000).step_by(8) {
            let amx = Host {
                xsave_size: s,
                pku: false,
                amx: true,
            };
            for h in [Host::sized(s), amx] {
                assert!(h.reach() <= PAST_BLOCK, "{h}");
                assert!(h.reach() >= PAST_BLOCK - 64, "{h}");
            }
        }
    }

    #[test]
    fn with_amx_the_frame_leaves_the_tile_config_and_pkrus_area() {
        // As gdb showed on hang1547 with AMX and no PKU (S = 2816): 0x40
        // zero bytes past the block, 0x80 left as they were, the magic.
        let h: Host = "2816-amx".parse().unwrap();
        let spill = h.spill();
        assert_eq!(spill.len(), 0x44);
        assert!(spill[..0x40].iter().all(|&(o, b)| o < 0x40 && b == 0));
        assert_eq!(h.overwrite(0x1000, 0x1040, 8, 0x1234), 0x1234);
        assert_eq!(
            h.overwrite(0x1000, 0x10c0, 8, 0xf8_4000_c0d0),
            0xf8_4650_5845
        );
        // With PKU, PKRU at 2688 (+0x40) takes the task's value.
        let p: Host = "2816-amx-pku".parse().unwrap();
        assert_eq!(
            p.overwrite(0x1000, 0x1040, 8, u64::MAX),
            0xffff_ffff_5555_5554
        );
        assert_eq!(p.overwrite(0x1000, 0x1048, 8, 7), 7);
    }

    #[test]
    fn a_host_reads_back_as_it_is_written() {
        for name in ["832", "2688", "2696", "2440", "2816-amx", "2816-amx-pku"] {
            let h: Host = name.parse().unwrap();
            assert_eq!(h.to_string(), name);
        }
        assert!(Host::sized(2696).pku && !Host::sized(2688).pku);
        for bad in ["12", "avx", "2816-pku", "2816-amx-avx", "600-amx", ""] {
            assert!(bad.parse::<Host>().is_err(), "{bad}");
        }
    }
}
