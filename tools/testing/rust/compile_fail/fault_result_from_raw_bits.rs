// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c, __do_fault() and do_page_mkwrite(): the core trusts the result bits
//       (VM_FAULT_LOCKED: the page is locked; VM_FAULT_RETRY/COMPLETED: the fault's lock was
//       dropped), so safe code cannot make a `VmFaultResult` from raw bits.
// expect-error: E0599
// expect-message: no associated function or constant named `from_raw` found for struct `VmFaultResult`
// control: ok_fault_result_claims_page
//
//! Compile-fail case: a handler returns `VM_FAULT_LOCKED` built from raw bits.
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

static VM_OPS: VmOpsTable<BufferVma> = VmOpsTable::new();

#[vtable]
impl VmOperations for BufferVma {
    type Owner = Buffer;
    type Data = Arc<Buffer>;

    fn fault(buf: &Buffer, vmf: &mut VmFault<'_>) -> VmFaultResult {
        let _ = vmf.set_page(&buf.page);
        VmFaultResult::from_raw(kernel::bindings::vm_fault_reason_VM_FAULT_LOCKED)
    }
}
