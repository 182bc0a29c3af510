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
    prelude::*,
    sync::Arc,
};

include!("support/driver.rs");

/// The driver's `vm_operations_struct`, as `BufferVma` but with the callbacks under test.
struct PageVma;

#[vtable]
impl VmOperations for PageVma {
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

static PAGE_VM_OPS: VmOpsTable<PageVma> = VmOpsTable::new();
