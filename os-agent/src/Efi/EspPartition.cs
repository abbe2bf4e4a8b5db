namespace UefiRecovery.Agent.Efi;

/// <summary>The EFI system partition the recovery app lives on, as its GPT entry describes it.</summary>
/// <param name="Disk">Kernel name of the disk (vda, nvme0n1).</param>
/// <param name="Name">Kernel name of the partition (vda1, nvme0n1p1).</param>
/// <param name="PartitionNumber">GPT entry index + 1, as the HD() node and the kernel number it.</param>
/// <param name="StartLba">First logical block.</param>
/// <param name="SizeInLba">Length in logical blocks.</param>
/// <param name="UniqueGuid">The entry's unique partition GUID: the HD() node's signature.</param>
internal sealed record EspPartition(string Disk, string Name, uint PartitionNumber, ulong StartLba, ulong SizeInLba, EfiGuid UniqueGuid);
