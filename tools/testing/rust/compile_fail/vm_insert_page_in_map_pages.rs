// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/filesystems/locking.rst, vm_operations_struct: "->map_pages() is called
//       with the RCU lock held and must not block. If it's not possible to reach a page without
//       blocking, filesystem should skip it"; vm_insert_page() may allocate page tables and
//       sleep, so `map_pages` (token at `PageTableLock` level) cannot call it.
// expect-error: E0277
// expect-message: the trait bound `PageTableLock: InstallAllowed` is not satisfied
// expect-message: required by a bound in `VmaMixedMap::vm_insert_page`
//
//! Compile-fail case: `vm_insert_page` inside a `VmOperations::map_pages` implementation.
#![allow(dead_code)]

use kernel::{
    mm::{
        fault::{Proceed, VmFault, VmFaultResult},
        order::{Ctx, PageTableLock},
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

    fn map_pages(
        buf: &Buffer,
        vmf: &VmFault<'_, Proceed>,
        ctx: &mut Ctx<'_, PageTableLock>,
        _start_pgoff: usize,
        _end_pgoff: usize,
    ) -> VmFaultResult {
        let Some(vma) = vmf.as_mixedmap_vma() else {
            return VmFaultResult::SIGBUS;
        };
        match vma.vm_insert_page(ctx, vmf.address(), &buf.page) {
            Ok(()) => vmf.proceed(),
            Err(e) => VmFaultResult::from_error(e),
        }
    }
}

static PAGE_VM_OPS: VmOpsTable<PageVma> = VmOpsTable::new();
