// runtime-shim native stubs for AArch64 (AAPCS64 as Windows on Arm and UEFI use it, COFF), assembled
// by llvm-mc -triple=aarch64-pc-windows-msvc. The x64 counterparts are in RuntimeStubs.X64.S.
//
// As on x64, only what ILC calls with a non-standard register convention, or what the linker must
// place, is here. ILC's arm64 code probes the stack inline (no RhpStackProbe) and copies struct
// references without a helper in this app, so the set differs: the write barriers take their
// operands in x14/x15 instead of being ordinary calls. The generated code never touches x18, the
// platform register UEFI reserves.

// ---------------------------------------------------------------------------------------------
// Module list: ILC's .modules$I pointers lie between these markers (the linker sorts $A < $I < $Z).
    .section .modules$A, "dr"
    .p2align 3
    .globl __modules_a
__modules_a:
    .quad 0

    .section .modules$Z, "dr"
    .p2align 3
    .globl __modules_z
__modules_z:
    .quad 0

    .text

// void** ShimModulesStart() / ShimModulesEnd(): the markers' addresses, for StartupCodeHelpers.
    .globl ShimModulesStart
    .p2align 2
ShimModulesStart:
    adrp x0, __modules_a
    add x0, x0, :lo12:__modules_a
    ret

    .globl ShimModulesEnd
    .p2align 2
ShimModulesEnd:
    adrp x0, __modules_z
    add x0, x0, :lo12:__modules_z
    ret

// ---------------------------------------------------------------------------------------------
// Interface dispatch. A call site loads the cell's address into x11 and calls through the cell's
// first word, which points here. Arguments are still in x0-x7 (x0 = this), v0-v7, x8 (the address
// of an indirect result) and on the stack; lr holds the caller's return address.
//
// Fast path: once resolved, the cell's second word points to a record the C# resolver made,
// { MethodTable* type; void* target; ... } (8-byte aligned, so its low two bits are 0, unlike ILC's
// initial encodings). If the receiver's type is the recorded one, branch straight to the target.
// Only x9, x16 and x17 are used: scratch registers a call may destroy (AAPCS64 §6.1.1).
//
// Slow path: save every argument register (x0-x8, q0-q7) and fp/lr, ask
// ShimResolveInterfaceDispatch(this, cell) for the target (it also fills in the record), restore
// them and branch to the target as if called directly (lr is the original return address again).
    .globl RhpInitialDynamicInterfaceDispatch
    .globl RhpInitialInterfaceDispatch
    .p2align 2
RhpInitialInterfaceDispatch:
RhpInitialDynamicInterfaceDispatch:
    ldr x16, [x11, #8]
    tst x16, #3
    b.ne 1f
    cmp x16, #0x1000
    b.lo 1f
    // A null receiver faults here, on page 0 (not mapped in AAVMF): the runtime reports NullReference.
    ldr x17, [x0]
    ldr x9, [x16]
    cmp x17, x9
    b.ne 1f
    ldr x16, [x16, #8]
    br x16
1:
    // 16 (fp, lr) + 80 (x0-x8 and 8 bytes of padding) + 128 (q0-q7) = 224, a multiple of 16.
    stp fp, lr, [sp, #-224]!
    mov fp, sp
    stp x0, x1, [sp, #16]
    stp x2, x3, [sp, #32]
    stp x4, x5, [sp, #48]
    stp x6, x7, [sp, #64]
    str x8, [sp, #80]
    stp q0, q1, [sp, #96]
    stp q2, q3, [sp, #128]
    stp q4, q5, [sp, #160]
    stp q6, q7, [sp, #192]
    mov x1, x11
    bl ShimResolveInterfaceDispatch
    mov x16, x0
    ldp q6, q7, [sp, #192]
    ldp q4, q5, [sp, #160]
    ldp q2, q3, [sp, #128]
    ldp q0, q1, [sp, #96]
    ldr x8, [sp, #80]
    ldp x6, x7, [sp, #64]
    ldp x4, x5, [sp, #48]
    ldp x2, x3, [sp, #32]
    ldp x0, x1, [sp, #16]
    ldp fp, lr, [sp], #224
    br x16

// ---------------------------------------------------------------------------------------------
// Reference stores (CORINFO_HELP_ASSIGN_REF / CHECKED_ASSIGN_REF on arm64): x14 = destination,
// x15 = the reference; the store post-increments x14 by 8, as NativeAOT's helpers do (the JIT relies
// on it for consecutive fields). No GC, so no card marking. Only x14 changes.
    .globl RhpAssignRefArm64
    .globl RhpCheckedAssignRefArm64
    .p2align 2
RhpAssignRefArm64:
RhpCheckedAssignRefArm64:
    str x15, [x14], #8
    ret

// Copy one reference from [x13] to [x14] and advance both by 8 (CORINFO_HELP_ASSIGN_BYREF; x15 is
// scratch). The current app does not need it, but struct copies with references can.
    .globl RhpByRefAssignRefArm64
    .p2align 2
RhpByRefAssignRefArm64:
    ldr x15, [x13], #8
    str x15, [x14], #8
    ret

// ---------------------------------------------------------------------------------------------
// The JIT's stack-buffer cookie (/GS). A fixed value, as on x64: it catches linear overruns of
// stackalloc buffers; it is not a secret against an attacker.
    .data
    .p2align 3
    .globl __security_cookie
__security_cookie:
    .quad 0x2B992DDFA232

    .text
// ---------------------------------------------------------------------------------------------
// uint ShimAddressIsReadable(ulong address): 1 when a stage-1 read of x0 translates at the current
// exception level (UEFI runs at EL1 or EL2), else 0. The null-page guard (NullPageGuard.Arm64.cs)
// asks it about page 0. AT writes the result to PAR_EL1, whose bit 0 (F) is set on a fault.
    .globl ShimAddressIsReadable
    .p2align 2
ShimAddressIsReadable:
    mrs x1, CurrentEL
    ubfx x1, x1, #2, #2
    cmp x1, #2
    b.eq 1f
    at s1e1r, x0
    b 2f
1:
    at s1e2r, x0
2:
    isb
    mrs x1, PAR_EL1
    tst x1, #1
    cset w0, eq
    ret
