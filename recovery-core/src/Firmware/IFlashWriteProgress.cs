namespace UefiRecovery.Core.Firmware;

/// <summary>
/// Told by <see cref="FlashWriter"/> before and after each block it touches (e.g. the app's
/// <c>uefirecovery.log=debug</c> lines). Never called between a block's erase and its first write, so
/// an observer cannot widen the header block's erase-to-header window.
/// </summary>
public interface IFlashWriteProgress
{
    void BlockStarting(int lba, BlockAction action);

    void BlockFinished(int lba, BlockAction action, FlashWriteStatus status, int attempts);
}
