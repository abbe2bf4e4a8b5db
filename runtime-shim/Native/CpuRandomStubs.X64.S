# The CPU's random number instruction for efi-app's entropy source (efi-app/src/Platform/EntropySource.cs).
# C# has no RDRAND intrinsic in this runtime, so these two routines are assembly (x86-64, Microsoft
# x64 ABI, COFF, assembled by llvm-mc like RuntimeStubs.X64.S).

    .intel_syntax noprefix
    .text

# uint EfiCpuHasRdRand(): 1 when CPUID.01H:ECX.RDRAND[bit 30] is set (Intel SDM Vol. 2B, RDRAND), else 0.
# CPUID writes RBX, which the Microsoft x64 ABI makes callee-saved.
    .globl EfiCpuHasRdRand
    .p2align 4
EfiCpuHasRdRand:
    push rbx
    mov eax, 1
    xor ecx, ecx
    cpuid
    xor eax, eax
    bt ecx, 30
    setc al
    pop rbx
    ret

# uint EfiCpuRdRand64(ulong* value): 1 and *value set when RDRAND delivered (CF=1), 0 after 10 failed
# tries (Intel's "Digital Random Number Generator Software Implementation Guide" §5.2.1: 10 retries;
# a failure after that means the DRNG is broken, not busy). RCX = value.
    .globl EfiCpuRdRand64
    .p2align 4
EfiCpuRdRand64:
    mov edx, 10
1:
    rdrand rax
    jc 2f
    dec edx
    jnz 1b
    xor eax, eax
    ret
2:
    mov [rcx], rax
    mov eax, 1
    ret
