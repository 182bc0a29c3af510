// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver" and shared by every copy of the VMA; an `Arc` gives each copy its own reference
//       (`->open()`), dropped by its `->close()`.
//
//! Control: the same driver with `Arc`, one of the two `VmaData` kinds the `kernel` crate seals.
#![allow(dead_code)]

use kernel::{mm::vm_ops::VmaNew, sync::Arc};

include!("support/driver.rs");

fn mmap(vma: VmaNew<'_>, buf: Arc<Buffer>) {
    vma.set_vm_ops(&VM_OPS, buf);
}
