# runtime-shim native stubs (x86-64, Microsoft x64 ABI, COFF), assembled by llvm-mc.
#
# These few routines cannot be written in C#: ILC's generated code calls them with register
# conventions that are not a normal call (the dispatch cell in R11, source/destination in RSI/RDI),
# or they must be data symbols the linker sorts (the module list). Everything else is C#.

    .intel_syntax noprefix

# ---------------------------------------------------------------------------------------------
# Module list. ILC puts a pointer to its ReadyToRun header in section .modules$I; the linker sorts
# .modules$A < .modules$I < .modules$Z, so the headers lie between these two markers.
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

# void** ShimModulesStart() / ShimModulesEnd(): the markers' addresses, for StartupCodeHelpers.
    .globl ShimModulesStart
    .p2align 4
ShimModulesStart:
    lea rax, [rip + __modules_a]
    ret

    .globl ShimModulesEnd
    .p2align 4
ShimModulesEnd:
    lea rax, [rip + __modules_z]
    ret

# ---------------------------------------------------------------------------------------------
# Interface dispatch. A call site does `lea r11, [cell]; call [r11]`; the cell's first word
# points here. Arguments are still in RCX, RDX, R8, R9 (and XMM0-3) and on the stack.
#
# Fast path: once resolved, the cell's second word points to a record the C# resolver made,
# { MethodTable* type; void* target; ... } (8-byte aligned, so its low two bits are 0, unlike ILC's
# initial encodings). If the receiver's type is the recorded one, jump straight to the target.
# Only RAX and R10 are used, which the calling convention leaves free here.
#
# Slow path: save the argument registers, ask ShimResolveInterfaceDispatch(this, cell) for the
# target (it also fills in the record), restore them and jump to the target as if called directly.
    .globl RhpInitialDynamicInterfaceDispatch
    .globl RhpInitialInterfaceDispatch
    .p2align 4
RhpInitialInterfaceDispatch:
RhpInitialDynamicInterfaceDispatch:
    mov rax, [r11 + 8]
    test al, 3
    jnz 1f
    cmp rax, 0x1000
    jb 1f
    # A null receiver faults here, on page 0: the runtime reports it as NullReference.
    mov r10, [rcx]
    cmp r10, [rax]
    jne 1f
    jmp qword ptr [rax + 8]
1:
    push rcx
    push rdx
    push r8
    push r9
    # 4 pushes + return address = 40 bytes: 0x68 more keeps RSP 16-byte aligned at the call,
    # leaves 32 bytes of shadow space and 64 bytes for XMM0-3.
    sub rsp, 0x68
    movdqu [rsp + 0x20], xmm0
    movdqu [rsp + 0x30], xmm1
    movdqu [rsp + 0x40], xmm2
    movdqu [rsp + 0x50], xmm3
    mov rdx, r11
    call ShimResolveInterfaceDispatch
    movdqu xmm0, [rsp + 0x20]
    movdqu xmm1, [rsp + 0x30]
    movdqu xmm2, [rsp + 0x40]
    movdqu xmm3, [rsp + 0x50]
    add rsp, 0x68
    pop r9
    pop r8
    pop rdx
    pop rcx
    jmp rax

# ---------------------------------------------------------------------------------------------
# Copy one object reference from [RSI] to [RDI] and advance both (the JIT's CORINFO_HELP_ASSIGN_BYREF,
# used for struct copies that contain references). No GC, so no card marking.
    .globl RhpByRefAssignRef
    .p2align 4
RhpByRefAssignRef:
    mov rcx, [rsi]
    mov [rdi], rcx
    add rdi, 8
    add rsi, 8
    ret

# ---------------------------------------------------------------------------------------------
# Stack probe for frames larger than a page: R11 = the lowest address the frame will use.
# Touch every page from the current stack pointer down to R11 so a too-small stack faults here
# rather than corrupting memory below it. Preserves every register except R11's page rounding.
    .globl RhpStackProbe
    .p2align 4
RhpStackProbe:
    push rax
    mov rax, rsp
    and rax, -4096
1:
    sub rax, 4096
    cmp rax, r11
    jb 2f
    test dword ptr [rax], eax
    jmp 1b
2:
    pop rax
    ret

# ---------------------------------------------------------------------------------------------
# The JIT's stack-buffer cookie (/GS). A fixed value: it catches linear overruns of stackalloc
# buffers, which is what it is for here; it is not a secret against an attacker.
    .data
    .p2align 3
    .globl __security_cookie
__security_cookie:
    .quad 0x2B992DDFA232
