namespace UefiRecovery.Agent.Efi;

/// <summary>One used entry of a GPT partition array (UEFI 2.10 §5.3.3).</summary>
internal sealed record GptEntry(uint Number, EfiGuid TypeGuid, EfiGuid UniqueGuid, ulong FirstLba, ulong LastLba);
