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
    sync::{Arc, ArcBorrow},
};

struct Buffer {
    page: Page,
}

struct BufferVma;

#[vtable]
impl VmOperations for BufferVma {
    type Data = Arc<Buffer>;

    fn fault(buf: ArcBorrow<'_, Buffer>, vmf: &mut VmFault<'_>) -> VmFaultResult {
        let Some(vma) = vmf.vma().as_mixedmap_vma() else {
            return VmFaultResult::SIGBUS;
        };
        let addr = vmf.address();
        VmFaultResult::from_insert(vma.vm_insert_page(vmf.ctx(), addr, &buf.page))
    }
}

static VM_OPS: VmOpsTable<BufferVma> = VmOpsTable::new();
