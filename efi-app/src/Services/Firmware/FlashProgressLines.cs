namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// With <c>uefirecovery.log=debug</c>: one line before and one after each block the writer touches,
///   FLASH block=N action=erase-program|program begin
///   FLASH block=N action=.. result=success|erase-failed|.. attempts=N
/// The writer never calls between a block's erase and its first write, so these lines cannot widen the
/// header block's erase-to-header window (docs/firmware-regions.md).
/// </summary>
internal sealed class FlashProgressLines : IFlashWriteProgress
{
    private readonly UefiConsole _console;

    public FlashProgressLines(UefiConsole console) => _console = console;

    public void BlockStarting(int lba, BlockAction action) =>
        new ConsoleLine(stackalloc char[80]).Append("FLASH block=").AppendDecimal((long)lba).Append(" action=")
            .Append(FirmwareNames.Action(action)).Append(" begin").WriteLine(_console);

    public void BlockFinished(int lba, BlockAction action, FlashWriteStatus status, int attempts) =>
        new ConsoleLine(stackalloc char[96]).Append("FLASH block=").AppendDecimal((long)lba).Append(" action=")
            .Append(FirmwareNames.Action(action)).Append(" result=").Append(FirmwareNames.WriteStatus(status))
            .Append(" attempts=").AppendDecimal((long)attempts).WriteLine(_console);
}
