// SPDX-License-Identifier: GPL-2.0
//
// rule: include/linux/fs.h: can_mmap_file(): a file offers `->mmap` or `->mmap_prepare`, never
//       both.
// emit: obj
//
//! Control for `mmap_and_mmap_prepare.rs`: the same device with `mmap_prepare` only.
#![allow(dead_code)]

use kernel::{
    error::Result,
    fs::File,
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    mm::{
        order::{Ctx, MmapLock},
        vm_ops::VmaDesc,
    },
    prelude::*,
    sync::{Arc, ArcBorrow},
};

include!("support/driver.rs");

/// The device.
struct Dev;

#[vtable]
impl MiscDevice for Dev {
    type Ptr = Arc<Buffer>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Arc<Buffer>> {
        Err(ENODEV)
    }

    fn mmap_prepare<'a>(
        buf: ArcBorrow<'a, Buffer>,
        _file: &'a File,
        desc: VmaDesc<'a>,
        _ctx: &mut Ctx<'_, MmapLock>,
    ) -> Result {
        desc.set_mixedmap()?.set_vm_ops(&VM_OPS, buf);
        Ok(())
    }
}

/// Registers the device in `slot`.
///
/// # Safety
///
/// `slot` is valid for writes and pinned.
unsafe fn register(slot: *mut MiscDeviceRegistration<Dev>) -> Result {
    let init = MiscDeviceRegistration::register(MiscDeviceOptions { name: c"both" });
    // SAFETY: The caller provides a pinned slot.
    unsafe { init.__init(slot) }
}

/// Keeps `register` (and so the device's `file_operations`) in the object file.
#[used]
static REGISTER: unsafe fn(*mut MiscDeviceRegistration<Dev>) -> Result = register;
