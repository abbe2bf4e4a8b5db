namespace UefiRecovery.Testbed.Qemu;

/// <summary>Which emulated NIC the guest sees, and therefore who provides its Simple Network Protocol.</summary>
public enum NicModel
{
    /// <summary>virtio-net-pci with <c>romfile=</c>: no iPXE option ROM, OVMF's own VirtioNetDxe provides SNP.</summary>
    VirtioNetOvmfDriver,

    /// <summary>virtio-net-pci with QEMU's iPXE option ROM providing SNP.</summary>
    VirtioNetIpxe,

    /// <summary>Intel e1000; SNP comes from QEMU's iPXE option ROM.</summary>
    E1000,
}
