// SPDX-License-Identifier: GPL-2.0

//! Per-operation lock benchmark: `/dev/rust-mm-bench` runs one locking operation of
//! `kernel::mm` in a loop on the caller's address space and reports how long the loop took.
//! `samples/rust/c_mm_bench.c` (`/dev/c-mm-bench`) makes the same C calls by hand, so that the
//! two loops differ only in the abstraction. The ABI is `include/uapi/linux/rust_mm_bench.h`.

use kernel::{
    fs::File,
    ioctl::_IOWR,
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    mm::{
        order::{Ctx, Unlocked},
        pgtable::PteGuard,
        rmap::AddressSpace,
        MmWithUser,
    },
    prelude::*,
    time::{Instant, Monotonic},
    uaccess::{UserPtr, UserSlice},
};

module! {
    type: RustMmBench,
    name: "rust_mm_bench",
    authors: ["Rust mm-locking team"],
    description: "Rust mm locking benchmark: kernel::mm guards in a loop",
    license: "GPL",
}

const RUN: u32 = _IOWR::<[u64; 4]>(0xB6, 0);
const BENCH_LEN: usize = 2 << 20;
const MAX_ITERS: u32 = 1_000_000;
/// Entries of one PTE table (`BENCH_LEN` / page size on x86-64).
const PTES: usize = 512;

#[pin_data]
struct RustMmBench {
    #[pin]
    _dev: MiscDeviceRegistration<RustMmBenchFile>,
}

impl kernel::InPlaceModule for RustMmBench {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            _dev <- MiscDeviceRegistration::register(MiscDeviceOptions {
                name: c"rust-mm-bench",
            }),
        })
    }
}

struct RustMmBenchFile;

/// Runs operation `op` `iters` times; returns the checksum of what it saw.
fn run(
    op: u32,
    iters: u32,
    addr: usize,
    file: &File,
    mm: &MmWithUser,
    ctx: &mut Ctx<'_, Unlocked>,
) -> Result<u64> {
    // Summed as the C twin sums (unsigned, wrapping): the overflow checks of `+=` would be a
    // cost of the benchmark's arithmetic, not of the locks it measures.
    let mut sum = 0u64;
    match op {
        // mmap_read_lock + mmap_read_unlock
        0 => {
            for _ in 0..iters {
                let _mmap = mm.mmap_read_lock(ctx);
            }
        }
        // mmap_write_lock + mmap_write_unlock
        1 => {
            for _ in 0..iters {
                let _mmap = mm.mmap_write_lock(ctx);
            }
        }
        // lock_vma_under_rcu + vma_end_read
        2 => {
            for _ in 0..iters {
                sum = sum.wrapping_add(u64::from(mm.lock_vma_under_rcu(ctx, addr).is_some()));
            }
        }
        // VMA read lock, else mmap read lock + vma_lookup
        3 => {
            for _ in 0..iters {
                sum = sum.wrapping_add(u64::from(mm.lock_vma(ctx, addr).is_some()));
            }
        }
        // mmap read lock + vma_lookup + unlock
        4 => {
            for _ in 0..iters {
                let (mmap, _) = mm.mmap_read_lock(ctx);
                sum = sum.wrapping_add(u64::from(mmap.vma_lookup(addr).is_some()));
            }
        }
        // mmap read lock + every VMA + unlock
        5 => {
            for _ in 0..iters {
                let (mmap, _) = mm.mmap_read_lock(ctx);
                for _ in mmap.vmas(0, usize::MAX) {
                    sum = sum.wrapping_add(1);
                }
            }
        }
        // PTE lock + count the present entries of one table + unlock
        6 => {
            let (mmap, mut ctx) = mm.mmap_read_lock(ctx);
            let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
            for _ in 0..iters {
                if let Some((pte, _)) = PteGuard::lock(&mut ctx, vma, addr) {
                    sum = sum.wrapping_add(pte.count_present(PTES).0 as u64);
                }
            }
        }
        // i_mmap_lock_read + unlock of the device file
        7 => {
            let mapping = AddressSpace::of_file(file);
            for _ in 0..iters {
                let _i_mmap = mapping.i_mmap_lock_read(ctx);
            }
        }
        _ => return Err(EINVAL),
    }
    Ok(sum)
}

#[vtable]
impl MiscDevice for RustMmBenchFile {
    type Ptr = ();

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result {
        Ok(())
    }

    fn ioctl(
        _dev: (),
        file: &File,
        ctx: &mut Ctx<'_, Unlocked>,
        cmd: u32,
        arg: usize,
    ) -> Result<isize> {
        if cmd != RUN {
            return Err(ENOTTY);
        }
        // `struct rust_mm_bench` as four words: `op | iters << 32`, `addr`, `ns`, `result`.
        let mut raw = [0u8; 32];
        UserSlice::new(UserPtr::from_addr(arg), 32)
            .reader()
            .read_slice(&mut raw)?;
        let word = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&raw[i * 8..i * 8 + 8]);
            u64::from_ne_bytes(b)
        };
        let (op, iters) = (word(0) as u32, (word(0) >> 32) as u32);
        let addr = word(1) as usize;
        if iters == 0 || iters > MAX_ITERS {
            return Err(EINVAL);
        }
        let task = kernel::current!();
        let mm = task.mm().ok_or(EINVAL)?;
        {
            let (mmap, _) = mm.mmap_read_lock(ctx);
            let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
            if addr % BENCH_LEN != 0 || vma.end() - addr < BENCH_LEN {
                return Err(EINVAL);
            }
        }
        let start = Instant::<Monotonic>::now();
        let sum = run(op, iters, addr, file, mm, ctx)?;
        let ns = start.elapsed().as_nanos() as u64;
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&ns.to_ne_bytes());
        out[8..].copy_from_slice(&sum.to_ne_bytes());
        UserSlice::new(UserPtr::from_addr(arg + 16), 16)
            .writer()
            .write_slice(&out)?;
        Ok(0)
    }
}
