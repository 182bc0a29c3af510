// SPDX-License-Identifier: GPL-2.0

//! Rust mmap sample: `/dev/rust-mmap`, a misc device whose open files own a buffer of pages that
//! user space maps (described in `mmap_prepare`, 7.3's preferred hook), faulted in lazily, and
//! ioctls that inspect and change those mappings with every guard of `kernel::mm`.
//!
//! The ABI (and every errno) is `include/uapi/linux/rust_mmap.h`; `samples/rust/c_mmap.c` is
//! the same device in C, and `tools/testing/selftests/rust_mmap/` checks both.

use core::sync::atomic::{AtomicU64, Ordering};
use kernel::{
    alloc::flags::{__GFP_ZERO, GFP_KERNEL},
    fs::File,
    ioctl::{_IOR, _IOW, _IOWR},
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    mm::{
        fault::{VmFault, VmFaultResult},
        order::{Before, Ctx, MmapLock, PageTableLock, Unlocked},
        pgtable::{PteGuard, PMD_SIZE},
        rmap::AddressSpace,
        virt::{flags, VmaRef},
        vm_ops::{VmOperations, VmOpsTable, VmaDesc},
        MmWithUser,
    },
    new_mutex,
    page::{Page, PAGE_SIZE},
    prelude::*,
    sync::{Arc, ArcBorrow, Mutex},
    uaccess::{UserPtr, UserSlice},
};

module! {
    type: RustMmap,
    name: "rust_mmap",
    authors: ["Rust mm-locking team"],
    description: "Rust mmap sample: per-open page buffers mapped into user space",
    license: "GPL",
}

const MAX_SIZE: usize = 1 << 20;
const IOC: u32 = 0xB5;
const SET_SIZE: u32 = _IOW::<u64>(IOC, 0);
const STATS: u32 = _IOR::<[u64; 4]>(IOC, 1);
const RESIDENT: u32 = _IOWR::<[u64; 3]>(IOC, 2);
const SEAL: u32 = _IOWR::<[u64; 3]>(IOC, 3);
const DONTCOPY: u32 = _IOWR::<[u64; 3]>(IOC, 4);
const QUERY: u32 = _IOWR::<[u64; 5]>(IOC, 5);
const ZAP: u32 = _IOWR::<[u64; 3]>(IOC, 6);

/// One open file's buffer; shared with every VMA that maps it.
#[pin_data]
struct Buffer {
    #[pin]
    pages: Mutex<KVec<Option<Page>>>,
    faults: AtomicU64,
    allocated: AtomicU64,
}

static VM_OPS: VmOpsTable<RustMmapVma> = VmOpsTable::new();

struct RustMmapVma;

#[vtable]
impl VmOperations for RustMmapVma {
    type Owner = Buffer;
    type Data = Arc<Buffer>;

    fn fault(buf: &Buffer, vmf: &mut VmFault<'_>) -> VmFaultResult {
        let idx = vmf.pgoff();
        let mut pages = buf.pages.lock();
        // The mapping may extend past the end of the buffer, like past EOF.
        let Some(slot) = pages.get_mut(idx) else {
            return VmFaultResult::SIGBUS;
        };
        if slot.is_none() {
            match Page::alloc_page(GFP_KERNEL | __GFP_ZERO) {
                Ok(p) => *slot = Some(p),
                Err(_) => return VmFaultResult::OOM,
            }
            buf.allocated.fetch_add(1, Ordering::Relaxed);
        }
        let res = match slot {
            Some(page) => vmf.insert_page(page),
            None => Err(ENOMEM),
        };
        match res {
            Ok(done) => {
                // Count only the faults that inserted the page (not those that lost a race).
                if !done.raced() {
                    buf.faults.fetch_add(1, Ordering::Relaxed);
                }
                done.into()
            }
            Err(e) => VmFaultResult::from_error(e),
        }
    }
}

#[pin_data]
struct RustMmap {
    #[pin]
    _dev: MiscDeviceRegistration<RustMmapFile>,
}

impl kernel::InPlaceModule for RustMmap {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        pr_info!("/dev/rust-mmap registered\n");
        try_pin_init!(Self {
            _dev <- MiscDeviceRegistration::register(MiscDeviceOptions { name: c"rust-mmap" }),
        })
    }
}

struct RustMmapFile;

/// `RUST_MMAP_F_*` of a VMA.
fn abi_flags(vma: &VmaRef) -> u64 {
    let f = vma.flags();
    let mut out = 0;
    for (vm, abi) in [
        (flags::READ, 1),
        (flags::WRITE, 2),
        (flags::MAYWRITE, 4),
        (flags::DONTCOPY, 8),
        (flags::MAYSHARE, 16),
    ] {
        if f & vm != 0 {
            out |= abi;
        }
    }
    out
}

/// Whether `vma` is a mapping of this open file's buffer set up by our `mmap_prepare` (not merely
/// a VMA at the same address: it may have been replaced by another mapping since user space made
/// it).
fn is_ours(vma: &VmaRef, buf: &Buffer) -> bool {
    VM_OPS.owns(vma, buf).is_some()
}

/// Checks a `struct rust_mmap_range` against the VMA at its address: returns the end address.
fn range_end(vma: Option<&VmaRef>, buf: &Buffer, addr: usize, len: usize) -> Result<usize> {
    if addr % PAGE_SIZE != 0 || len % PAGE_SIZE != 0 || addr.checked_add(len).is_none() {
        return Err(EINVAL);
    }
    let vma = vma.ok_or(ENOENT)?;
    if !is_ours(vma, buf) {
        return Err(EINVAL);
    }
    if len == 0 {
        return Ok(vma.end());
    }
    if addr + len > vma.end() {
        return Err(EINVAL);
    }
    Ok(addr + len)
}

/// Counts present PTEs in `[addr, end)` of `vma`, one PTE table (one lock) at a time.
fn count_resident<L: Before<PageTableLock>>(
    ctx: &mut Ctx<'_, L>,
    vma: &VmaRef,
    mut addr: usize,
    end: usize,
) -> u64 {
    let mut n = 0;
    while addr < end {
        match PteGuard::lock(ctx, vma, addr) {
            Some((pte, _)) => {
                let (present, scanned) = pte.count_present((end - addr) / PAGE_SIZE);
                n += present as u64;
                addr += scanned * PAGE_SIZE;
            }
            None => addr = (addr | (PMD_SIZE - 1)) + 1,
        }
    }
    n
}

/// Copies in the `N` `u64`s of an ioctl argument with one `copy_from_user`.
fn read_u64s<const N: usize>(arg: usize) -> Result<[u64; N]> {
    UserSlice::new(UserPtr::from_addr(arg), N * 8)
        .reader()
        .read::<[u64; N]>()
}

/// Copies out `N` `u64`s with one `copy_to_user`.
fn write_u64s<const N: usize>(arg: usize, vals: [u64; N]) -> Result {
    UserSlice::new(UserPtr::from_addr(arg), N * 8)
        .writer()
        .write(&vals)
}

/// Runs `f` on the caller's address space (`EINVAL` for a caller without one).
fn with_current_mm<R>(f: impl FnOnce(&MmWithUser) -> Result<R>) -> Result<R> {
    f(kernel::current!().mm().ok_or(EINVAL)?)
}

#[vtable]
impl MiscDevice for RustMmapFile {
    type Ptr = Arc<Buffer>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Arc<Buffer>> {
        Arc::pin_init(
            pin_init!(Buffer {
                pages <- new_mutex!(KVec::new()),
                faults: AtomicU64::new(0),
                allocated: AtomicU64::new(0),
            }),
            GFP_KERNEL,
        )
    }

    fn mmap_prepare<'a>(
        buf: ArcBorrow<'a, Buffer>,
        _file: &'a File,
        desc: VmaDesc<'a>,
        _ctx: &mut Ctx<'_, MmapLock>,
    ) -> Result {
        let npages = buf.pages.lock().len();
        if npages == 0 {
            return Err(ENODEV);
        }
        // MAP_SHARED on an O_RDONLY file has VM_MAYSHARE but not VM_SHARED.
        if desc.flags() & flags::MAYSHARE == 0 {
            return Err(EINVAL);
        }
        if desc.executable() {
            return Err(EPERM);
        }
        if desc.pgoff() >= npages || desc.len() > MAX_SIZE {
            return Err(EINVAL);
        }
        desc.try_clear_mayexec()?;
        desc.set_dontexpand();
        let desc = desc.set_mixedmap()?;
        // The VMA takes its reference to `buf` once the core has created it.
        desc.set_vm_ops(&VM_OPS, buf);
        Ok(())
    }

    fn ioctl(
        buf: ArcBorrow<'_, Buffer>,
        file: &File,
        ctx: &mut Ctx<'_, Unlocked>,
        cmd: u32,
        arg: usize,
    ) -> Result<isize> {
        match cmd {
            SET_SIZE => {
                let [size] = read_u64s::<1>(arg)?;
                let size = size as usize;
                if size == 0 || size % PAGE_SIZE != 0 || size > MAX_SIZE {
                    return Err(EINVAL);
                }
                let npages = size / PAGE_SIZE;
                let mut v = KVec::with_capacity(npages, GFP_KERNEL)?;
                for _ in 0..npages {
                    v.push(None, GFP_KERNEL)?;
                }
                let mut pages = buf.pages.lock();
                if !pages.is_empty() {
                    return Err(EBUSY);
                }
                *pages = v;
                Ok(0)
            }
            STATS => {
                let size = (buf.pages.lock().len() * PAGE_SIZE) as u64;
                // Opens through one device node share its inode and so one i_mmap tree (another
                // node of the same minor has its own): count this file's VMAs.
                let mappings = {
                    let (i_mmap, _) = AddressSpace::of_file(file).i_mmap_lock_read(ctx);
                    i_mmap
                        .vmas(0, usize::MAX)
                        .filter(|v| v.file().is_some_and(|f| f.as_ptr() == file.as_ptr()))
                        .count() as u64
                };
                let faults = buf.faults.load(Ordering::Relaxed);
                let allocated = buf.allocated.load(Ordering::Relaxed);
                write_u64s(arg, [size, faults, allocated, mappings])?;
                Ok(0)
            }
            QUERY => {
                let [addr, ..] = read_u64s::<5>(arg)?;
                let out = with_current_mm(|mm| {
                    // The VMA read lock, falling back to the mmap read lock.
                    let (vma, _) = mm.lock_vma(ctx, addr as usize).ok_or(ENOENT)?;
                    if !is_ours(&vma, &buf) {
                        return Err(EINVAL);
                    }
                    Ok([
                        addr,
                        vma.start() as u64,
                        vma.end() as u64,
                        vma.pgoff() as u64,
                        abi_flags(&vma),
                    ])
                })?;
                write_u64s(arg, out)?;
                Ok(0)
            }
            RESIDENT | ZAP | SEAL | DONTCOPY => {
                let [addr, len, _] = read_u64s::<3>(arg)?;
                let (addr, len) = (addr as usize, len as usize);
                let result = with_current_mm(|mm| match cmd {
                    RESIDENT | ZAP => {
                        let (mmap, mut ctx) = mm.mmap_read_lock_killable(ctx)?;
                        let vma = mmap.vma_lookup(addr);
                        let end = range_end(vma, &buf, addr, len)?;
                        let vma = vma.ok_or(ENOENT)?;
                        let n = count_resident(&mut ctx, vma, addr, end);
                        if cmd == ZAP {
                            let ours = VM_OPS.owns(vma, &*buf).ok_or(EINVAL)?;
                            ours.zap_vma_range(&mut ctx, addr, end - addr)?;
                        }
                        Ok(n)
                    }
                    _ => {
                        let (mmap, mut ctx) = mm.mmap_write_lock_killable(ctx)?;
                        let vma = mmap.vma_lookup(addr);
                        range_end(vma, &buf, addr, len)?;
                        let vma = mmap.vma_start_write(&mut ctx, vma.ok_or(ENOENT)?);
                        let vma = vma.ok_or(ENOENT)?;
                        let ours = VM_OPS.owns(&vma, &*buf).ok_or(EINVAL)?;
                        if cmd == SEAL {
                            // Writable PTEs go with `VM_WRITE`: `mod_flags` unmaps this shared
                            // VMA, and the next accesses fault read-only ones in.
                            vma.mod_flags(&mut ctx, &ours, 0, flags::WRITE | flags::MAYWRITE)?;
                        } else {
                            vma.mod_flags(&mut ctx, &ours, flags::DONTCOPY, 0)?;
                        }
                        Ok(abi_flags(&vma))
                    }
                })?;
                write_u64s(arg, [addr as u64, len as u64, result])?;
                Ok(0)
            }
            _ => Err(ENOTTY),
        }
    }
}
