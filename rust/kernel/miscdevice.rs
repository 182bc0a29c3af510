// SPDX-License-Identifier: GPL-2.0

//! Misc character devices (`struct miscdevice`) with `open`, `release`, `unlocked_ioctl` and
//! `mmap` implemented in Rust.
//!
//! Only what a driver that maps memory needs. The `mmap` hook receives a [`VmaNew`] (the VMA
//! being set up under the mmap write lock, `locking.rst`: `file_operations->mmap`) and a token at
//! [`MmapLock`] level; `ioctl` runs in process context with no mm lock held and gets the root
//! token, so it can take the mmap lock of the caller's mm.
//!
//! C header: [`include/linux/miscdevice.h`](srctree/include/linux/miscdevice.h).

use crate::{
    alloc::{Flags, KBox},
    bindings,
    error::{Error, Result},
    fs::File,
    mm::{
        order::{Ctx, MmapLock, Unlocked},
        vm_ops::VmaNew,
    },
    str::CStr,
    types::{ForeignOwnable, Opaque},
};
use core::{marker::PhantomData, pin::Pin};

/// A misc device driver.
#[macros::vtable]
pub trait MiscDevice: Sized + 'static {
    /// Per-open state, stored in `file->private_data`.
    type Ptr: ForeignOwnable + Send + Sync;

    /// A process opened the device.
    fn open(file: &File) -> Result<Self::Ptr>;

    /// The last reference to the open file went away.
    fn release(device: Self::Ptr, _file: &File) {
        drop(device);
    }

    /// `ioctl(2)`. Runs with no mm lock held (root token). Unimplemented: `ENOTTY`.
    fn ioctl(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _file: &File,
        _ctx: &mut Ctx<'_, Unlocked>,
        _cmd: u32,
        _arg: usize,
    ) -> Result<isize> {
        crate::build_error(crate::error::VTABLE_DEFAULT_ERROR)
    }

    /// `mmap(2)`: set up `vma` (mmap write lock held). Unimplemented: `ENODEV`.
    fn mmap(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _file: &File,
        _vma: VmaNew<'_>,
        _ctx: &mut Ctx<'_, MmapLock>,
    ) -> Result {
        crate::build_error(crate::error::VTABLE_DEFAULT_ERROR)
    }
}

/// A registered misc device; deregistered on drop.
///
/// # Invariants
///
/// `misc` is registered with `misc_register` for as long as the value exists, and does not move
/// (it is pinned in its box).
pub struct MiscDeviceRegistration<T: MiscDevice> {
    misc: Opaque<bindings::miscdevice>,
    _t: PhantomData<T>,
}

// SAFETY: Registration and deregistration may happen on any thread.
unsafe impl<T: MiscDevice> Send for MiscDeviceRegistration<T> {}
// SAFETY: `&MiscDeviceRegistration` gives no access to anything.
unsafe impl<T: MiscDevice> Sync for MiscDeviceRegistration<T> {}

impl<T: MiscDevice> MiscDeviceRegistration<T> {
    const FOPS: bindings::file_operations = {
        // SAFETY: All-zero is a valid `file_operations` (all callbacks `None`).
        let mut f: bindings::file_operations = unsafe { core::mem::zeroed() };
        f.open = Some(Self::open);
        f.release = Some(Self::release);
        if T::HAS_IOCTL {
            f.unlocked_ioctl = Some(Self::ioctl);
        }
        if T::HAS_MMAP {
            f.mmap = Some(Self::mmap);
        }
        f
    };

    /// The `file_operations` of `T` (for tests that open a file on them directly).
    #[cfg(CONFIG_KUNIT)]
    pub(crate) fn fops() -> &'static bindings::file_operations {
        &Self::FOPS
    }

    /// Registers `/dev/<name>` (dynamic minor, mode 0666).
    pub fn register(name: &'static CStr, flags: Flags) -> Result<Pin<KBox<Self>>> {
        // SAFETY: All-zero is a valid initial `miscdevice`.
        let mut misc: bindings::miscdevice = unsafe { core::mem::zeroed() };
        misc.minor = bindings::MISC_DYNAMIC_MINOR as _;
        misc.name = name.as_char_ptr();
        misc.fops = &Self::FOPS;
        misc.mode = 0o666;
        let this = KBox::pin(
            Self {
                misc: Opaque::new(misc),
                _t: PhantomData,
            },
            flags,
        )?;
        // SAFETY: `misc` is initialised and pinned; it stays registered until `drop`.
        crate::error::to_result(unsafe { bindings::misc_register(this.misc.get()) })?;
        // INVARIANT: Registered above.
        Ok(this)
    }

    /// # Safety
    ///
    /// Installed as `file_operations::open`: `file` is being opened on our device.
    unsafe extern "C" fn open(
        _inode: *mut bindings::inode,
        file: *mut bindings::file,
    ) -> core::ffi::c_int {
        // SAFETY: The VFS passes a valid file, alive during the call.
        let f = unsafe { File::from_raw(file) };
        match T::open(f) {
            Ok(ptr) => {
                // SAFETY: We own `private_data` of files of our device from now on.
                unsafe { bindings::rust_mm_file_set_private(file, ptr.into_foreign() as _) };
                0
            }
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// Installed as `file_operations::release`: `file` was opened by our `open`; called once.
    unsafe extern "C" fn release(
        _inode: *mut bindings::inode,
        file: *mut bindings::file,
    ) -> core::ffi::c_int {
        // SAFETY: `private_data` was set by `open` from `into_foreign`; `release` runs once.
        let ptr = unsafe { T::Ptr::from_foreign(bindings::rust_mm_file_private(file)) };
        // SAFETY: The file is valid during the call.
        T::release(ptr, unsafe { File::from_raw(file) });
        0
    }

    /// # Safety
    ///
    /// Installed as `file_operations::unlocked_ioctl`: `file` was opened by our `open`, process
    /// context, no mm lock held.
    unsafe extern "C" fn ioctl(
        file: *mut bindings::file,
        cmd: core::ffi::c_uint,
        arg: usize,
    ) -> isize {
        // SAFETY: `private_data` is ours until `release`, which cannot run during an ioctl.
        let dev = unsafe { T::Ptr::borrow(bindings::rust_mm_file_private(file)) };
        // SAFETY: `unlocked_ioctl` runs in process context without mm locks.
        let mut ctx = unsafe { Ctx::new() };
        // SAFETY: The file is valid during the call.
        let file = unsafe { File::from_raw(file) };
        match T::ioctl(dev, file, &mut ctx, cmd, arg) {
            Ok(v) => v as _,
            Err(e) => e.to_errno() as _,
        }
    }

    /// # Safety
    ///
    /// Installed as `file_operations::mmap`: `file` was opened by our `open`; `vma` is being set
    /// up with the mmap write lock held.
    unsafe extern "C" fn mmap(
        file: *mut bindings::file,
        vma: *mut bindings::vm_area_struct,
    ) -> core::ffi::c_int {
        // SAFETY: As in `ioctl`.
        let dev = unsafe { T::Ptr::borrow(bindings::rust_mm_file_private(file)) };
        let raw_vma = vma;
        // SAFETY: The VMA is valid during the call.
        let ops_before = unsafe { bindings::rust_mm_vma_ops(raw_vma) };
        // SAFETY: `f_op->mmap` runs with the mmap write lock held on a VMA not yet visible.
        let vma = unsafe { VmaNew::from_raw(raw_vma) };
        // INVARIANT: The mmap write lock is held; nothing after it in the order is.
        let mut ctx = Ctx::<MmapLock>::make();
        // SAFETY: The file is valid during the call.
        let file = unsafe { File::from_raw(file) };
        match T::mmap(dev, file, vma, &mut ctx) {
            Ok(()) => 0,
            Err(e) => {
                // The core calls no hook of a VMA whose `->mmap` failed (`mmap_file`), so the
                // private data installed by `VmaNew::set_vm_ops`, if any, is released here.
                // SAFETY: The VMA is still ours; only `set_vm_ops` changes `vm_ops`, always to a
                // `VmOpsTable` whose `close` drops exactly that data.
                unsafe {
                    if bindings::rust_mm_vma_ops(raw_vma) != ops_before {
                        bindings::rust_mm_vma_undo_ops(raw_vma);
                    }
                }
                Error::to_errno(e)
            }
        }
    }
}

impl<T: MiscDevice> Drop for MiscDeviceRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered (type invariant).
        unsafe { bindings::misc_deregister(self.misc.get()) };
    }
}
