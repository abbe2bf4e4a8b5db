// Test exit through Arm semihosting (QEMU -semihosting; "Semihosting for AArch32 and AArch64", SYS_EXIT).
// AAVMF has no isa-debug-exit, so this is the AArch64 test exit channel
// (efi-app/src/Services/Machine/DebugExit.Arm64.cs). Assembled like RuntimeStubs.Arm64.S.

    .text

// void EfiSemihostingExit(ulong status): SYS_EXIT (0x18) with the parameter block
// { ADP_Stopped_ApplicationExit (0x20026), status }; QEMU exits with `status` as its exit code.
// Without -semihosting the HLT is an undefined instruction (a CpuException fail-fast).
    .globl EfiSemihostingExit
    .p2align 2
EfiSemihostingExit:
    sub sp, sp, #16
    mov x1, #0x0026
    movk x1, #0x2, lsl #16
    stp x1, x0, [sp]
    mov x1, sp
    mov w0, #0x18
    hlt #0xf000
    add sp, sp, #16
    ret
