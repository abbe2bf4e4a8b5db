using System;
using System.Buffers.Binary;
using System.Globalization;

namespace UefiRecovery.Agent.Efi;

/// <summary>
/// The recovery app's Boot#### entry and BootNext (UEFI 2.10 §3.1, §3.3). An existing entry whose device path
/// reaches the loader on the ESP is reused (whoever made it: the agent, efibootmgr, the firmware); otherwise the
/// agent creates one at the lowest free number. BootOrder is never touched: BootNext boots the app once, and
/// the firmware deletes BootNext before it boots it.
/// </summary>
internal sealed class BootEntries
{
    public const string Description = "UefiRecovery";
    private readonly EfiVariableStore _store;

    public BootEntries(EfiVariableStore store)
    {
        _store = store;
    }

    /// <summary>Boot#### number of an existing entry for the loader, or null.</summary>
    public ushort? Find(EspPartition esp, string loaderPath)
    {
        foreach (string name in _store.List("Boot", EfiGuid.GlobalVariable))
        {
            if (!TryParseNumber(name, out ushort number)
                || !_store.TryRead(name, EfiGuid.GlobalVariable, out _, out byte[] data)
                || !LoadOption.TryGetFilePathList(data, out ReadOnlySpan<byte> path))
            {
                continue;
            }
            if (DevicePath.Reaches(path, esp.UniqueGuid, loaderPath))
            {
                return number;
            }
        }
        return null;
    }

    /// <summary>Finds or creates the entry; the number in <paramref name="number"/>.</summary>
    public bool TryEnsure(EspPartition esp, string loaderPath, out ushort number, out bool created, out string error)
    {
        created = false;
        error = "";
        ushort? existing = Find(esp, loaderPath);
        if (existing != null)
        {
            number = existing.Value;
            return true;
        }
        number = 0;
        bool free = false;
        for (int candidate = 0; candidate <= 0xFFFF; candidate++)
        {
            if (!_store.Exists(VariableName((ushort)candidate), EfiGuid.GlobalVariable))
            {
                number = (ushort)candidate;
                free = true;
                break;
            }
        }
        if (!free)
        {
            error = "every Boot#### number is in use";
            return false;
        }
        byte[] option = LoadOption.Encode(LoadOption.Active, Description, DevicePath.HardDriveFile(esp, loaderPath));
        if (!_store.TryWrite(VariableName(number), EfiGuid.GlobalVariable, EfiVariableAttributes.NvBsRt, option, out error))
        {
            return false;
        }
        created = true;
        return true;
    }

    public bool TrySetBootNext(ushort number, out string error)
    {
        Span<byte> data = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(data, number);
        return _store.TryWrite("BootNext", EfiGuid.GlobalVariable, EfiVariableAttributes.NvBsRt, data, out error);
    }

    public static string VariableName(ushort number) => "Boot" + number.ToString("X4", CultureInfo.InvariantCulture);

    private static bool TryParseNumber(string name, out ushort number)
    {
        number = 0;
        return name.Length == 8 && name.StartsWith("Boot", StringComparison.Ordinal)
            && ushort.TryParse(name.AsSpan(4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number)
            && name.AsSpan(4).IndexOfAnyExcept("0123456789ABCDEF") < 0;
    }
}
