// SPDX-License-Identifier: GPL-2.0
//
// The minimal driver that compile-fail files which own VMAs share: `include!("support/driver.rs");`
// after the file's `use` lines. Not a case itself (the harness takes only the top-level `*.rs`
// files). Paths are spelled out, so the including file's imports neither clash with it nor go
// unused; `allow(dead_code)` because a file uses only part of it.

/// What `module!` would declare: `#[vtable]` impls name `crate::LocalModule` as their owner.
struct LocalModule;

impl kernel::ModuleMetadata for LocalModule {
    const NAME: &'static kernel::str::CStr = c"compile_fail";
    // SAFETY: This crate is only type-checked, never loaded: it has no `THIS_MODULE`, and a null
    // module pointer is what the `kernel` crate's own `LocalModule` uses.
    const THIS_MODULE: kernel::ThisModule =
        unsafe { kernel::ThisModule::from_ptr(core::ptr::null_mut()) };
}

/// The driver's state, owner of its VMAs (their `vm_private_data`).
#[allow(dead_code)]
struct Buffer {
    len: usize,
    page: kernel::page::Page,
}

/// The driver's `vm_operations_struct`, with no callbacks. A file that tests a callback declares
/// its own `VmOperations` type beside it.
struct BufferVma;

#[kernel::prelude::vtable]
impl kernel::mm::vm_ops::VmOperations for BufferVma {
    type Owner = Buffer;
    type Data = kernel::sync::Arc<Buffer>;
}

/// The table `mmap` installs (`VmaNew::set_vm_ops`); `VM_OPS.owns(vma, buf)` proves a VMA ours.
#[allow(dead_code)]
static VM_OPS: kernel::mm::vm_ops::VmOpsTable<BufferVma> = kernel::mm::vm_ops::VmOpsTable::new();
