// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver"; only a VMA with this driver's `vm_ops` carries this driver's private data.
//
//! Control: the `OwnedVma` comes from `VmOpsTable::owns`, which checks `vm_ops`.
#![allow(dead_code)]

use kernel::{
    mm::{
        virt::VmaRef,
        vm_ops::{OwnedVma, VmOperations, VmOpsTable},
    },
    prelude::*,
    sync::Arc,
};

struct Buffer {
    len: usize,
}

struct BufferVma;

#[vtable]
impl VmOperations for BufferVma {
    type Data = Arc<Buffer>;
}

static VM_OPS: VmOpsTable<BufferVma> = VmOpsTable::new();

fn buffer_len(vma: &VmaRef) -> Option<usize> {
    let owned: OwnedVma<'_, BufferVma> = VM_OPS.owns(vma)?;
    Some(owned.data().len)
}
