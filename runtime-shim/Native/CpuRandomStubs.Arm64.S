// The CPU's random number register for efi-app's entropy source (efi-app/src/Services/Entropy,
// CpuRandom.Arm64.cs): RNDR (FEAT_RNG, Arm ARM D17.2.132), the AArch64 counterpart of x64's RDRAND
// (CpuRandomStubs.X64.S). Written as its system-register encoding so no assembler feature flag is needed.

    .text

// uint EfiCpuHasRndr(): 1 when ID_AA64ISAR0_EL1.RNDR (bits [63:60]) is non-zero, else 0.
// The ID register is readable at EL1 and EL2, where UEFI runs.
    .globl EfiCpuHasRndr
    .p2align 2
EfiCpuHasRndr:
    mrs x0, ID_AA64ISAR0_EL1
    ubfx x0, x0, #60, #4
    cmp x0, #0
    cset w0, ne
    ret

// uint EfiCpuRndr64(ulong* value): 1 and *value set when RNDR delivered (NZCV = 0000), 0 after 10
// failed reads (RNDR sets Z when it could not produce a number in reasonable time; the same retry
// budget as RDRAND on x64). x0 = value.
    .globl EfiCpuRndr64
    .p2align 2
EfiCpuRndr64:
    mov w2, #10
1:
    mrs x1, s3_3_c2_c4_0        // RNDR
    b.ne 2f
    subs w2, w2, #1
    b.ne 1b
    mov w0, #0
    ret
2:
    str x1, [x0]
    mov w0, #1
    ret
