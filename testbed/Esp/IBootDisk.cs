namespace UefiRecovery.Testbed.Esp;

/// <summary>Something QEMU can attach as the boot disk holding the ESP.</summary>
public interface IBootDisk
{
    /// <summary>The value of QEMU's <c>-drive</c> option.</summary>
    string QemuDriveOption { get; }
}
