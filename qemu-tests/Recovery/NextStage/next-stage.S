# The "next stage" of the uefirecovery.next hand-over test (NextStageHandOverTests): the smallest EFI
# application that proves it ran. It prints one line no firmware or app prints, through
# SystemTable->ConOut->OutputString (UEFI 2.10 §4.3 EFI_SYSTEM_TABLE, §12.4 OutputString; OVMF mirrors
# ConOut on serial), and returns EFI_SUCCESS to whoever started it.
# Assembled with llvm-mc (x86-64, COFF) and linked with lld-link /subsystem:efi_application by the test.

    .intel_syntax noprefix

    # EFI_SYSTEM_TABLE.ConOut: Hdr (24) + FirmwareVendor (8) + FirmwareRevision (4, padded to 8)
    # + ConsoleInHandle (8) + ConIn (8) + ConsoleOutHandle (8).
    .set SYSTEM_TABLE_CON_OUT, 64
    # EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL.OutputString follows Reset.
    .set TEXT_OUTPUT_STRING, 8

    .text
    .globl NextStageMain
    .p2align 4
# EFI_STATUS NextStageMain(EFI_HANDLE ImageHandle /* rcx */, EFI_SYSTEM_TABLE* SystemTable /* rdx */)
NextStageMain:
    # 32 bytes of shadow space for the callee + 8 to realign the stack to 16 (Microsoft x64 ABI).
    sub rsp, 40
    mov rcx, [rdx + SYSTEM_TABLE_CON_OUT]
    test rcx, rcx
    jz 1f
    lea rdx, [rip + banner]
    call [rcx + TEXT_OUTPUT_STRING]
1:
    xor eax, eax
    add rsp, 40
    ret

    .section .rdata, "dr"
    .p2align 1
# CHAR16 "UEFIRECOVERY NEXT STAGE RAN e2e-7f3a\r\n" (UCS-2, NUL-terminated).
banner:
    .short 'U', 'E', 'F', 'I', 'R', 'E', 'C', 'O', 'V', 'E', 'R', 'Y', ' '
    .short 'N', 'E', 'X', 'T', ' ', 'S', 'T', 'A', 'G', 'E', ' ', 'R', 'A', 'N', ' '
    .short 'e', '2', 'e', '-', '7', 'f', '3', 'a', 13, 10, 0
