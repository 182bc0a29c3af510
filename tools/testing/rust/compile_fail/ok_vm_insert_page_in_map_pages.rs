// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/filesystems/locking.rst, vm_operations_struct: `->fault()` runs with the
//       mmap lock (or the VMA read lock) held and may block, so it may install the page.
//
//! Control: the same insert in `VmOperations::fault`, with the fault's `VmaLock` token.
#![allow(dead_code)]

use kernel::{
    mm::{
        fault::{VmFault, VmFaultResult},
        vm_ops::{VmOperations, VmOpsTable},
    },
    page::Page,
    prelude::*,
    sync::Arc,
    ModuleMetadata,
};

/// What `module!` would declare: `#[vtable]` impls name `crate::LocalModule` as their owner.
struct LocalModule;

impl ModuleMetadata for LocalModule {
    const NAME: &'static CStr = c"compile_fail";
    // SAFETY: This crate is only type-checked, never loaded: it has no `THIS_MODULE`, and a null
    // module pointer is what the `kernel` crate's own `LocalModule` uses.
    const THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
}

struct Buffer {
    page: Page,
}

struct BufferVma;

#[vtable]
impl VmOperations for BufferVma {
    type Owner = Buffer;
    type Data = Arc<Buffer>;

    fn fault(buf: &Buffer, vmf: &mut VmFault<'_>) -> VmFaultResult {
        let Some(vma) = vmf.as_mixedmap_vma() else {
            return VmFaultResult::SIGBUS;
        };
        let addr = vmf.address();
        if let Err(e) = vma.vm_insert_page(vmf.ctx(), addr, &buf.page) {
            return VmFaultResult::from_error(e);
        }
        // The entry is there now: this finds it (`raced`) and yields the result.
        match vmf.insert_page(&buf.page) {
            Ok(done) => done.into(),
            Err(e) => VmFaultResult::from_error(e),
        }
    }
}

static VM_OPS: VmOpsTable<BufferVma> = VmOpsTable::new();
