// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_ops` is "written once on initial
//       map by f_ops->mmap()" and `vm_private_data` is "handled by driver": only a VMA whose
//       `vm_ops` is this driver's table carries this driver's private data. A VMA found by
//       address may belong to anyone, so `OwnedVma` is only made by `VmOpsTable::owns`.
// expect-error: E0451
// expect-message: fields `vma` and `_t` of struct `OwnedVma` are private
//
//! Compile-fail case: building an `OwnedVma` from a foreign VMA without `VmOpsTable::owns`.
#![allow(dead_code)]

use core::marker::PhantomData;
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
    let owned: OwnedVma<'_, BufferVma> = OwnedVma {
        vma,
        _t: PhantomData,
    };
    Some(owned.data().len)
}
