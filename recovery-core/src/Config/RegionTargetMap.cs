using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Firmware;

namespace UefiRecovery.Core.Config;

/// <summary>
/// <c>uefirecovery.target</c>: which firmware region an FMP image type is written to (issue #6). One entry
/// per image type, at most <see cref="Capacity"/>:
/// <code>uefirecovery.target=&lt;image-type-guid&gt;,fv=&lt;filesystem-guid&gt;,size=&lt;bytes&gt;[,block=&lt;bytes&gt;][,store=nv|raw][,base=&lt;address&gt;][,map=volume|device]</code>
/// <c>fv</c> is the FileSystemGuid in the FV header (PI 1.8 Vol. 3 §3.2.1.1; the NV store FV has no
/// extended header and so no FV name), <c>size</c> its FvLength, <c>block</c> the block size (default
/// 0x1000), <c>store=nv</c> also checks the variable store header (default: nv when fv is
/// EFI_SYSTEM_NV_DATA_FV_GUID), <c>base</c> picks the FVB instance at that physical address instead of the
/// first one carrying the GUID, <c>map=device</c> lets the FV header's block map describe the whole flash part the
/// volume starts (AAVMF's NorFlashDxe; <see cref="RegionTarget.HeaderMapsDevice"/>). Numbers are decimal or 0x hex. Without any entry the
/// built-in default the caller passes to <see cref="TrySelect"/> is used for every image type: the portable core does not know the
/// architecture, the app does (OVMF's NV store on x64, AAVMF's on AArch64: efi-app's DefaultRegionTarget).
/// </summary>
public sealed class RegionTargetMap
{
    public const int Capacity = 4;

    /// <summary>Smallest and largest accepted block size; flash parts erase in 512 B .. 1 MiB units.</summary>
    public const uint MinBlockSize = 512;
    public const uint MaxBlockSize = 1024 * 1024;

    /// <summary>Largest accepted region: 64 MiB, more than any SPI flash part holds (the app buffers the image).</summary>
    public const ulong MaxRegionSize = 64UL * 1024 * 1024;

    private const uint DefaultBlockSize = 0x1000;

    private readonly EfiGuid[] _imageTypes = new EfiGuid[Capacity];
    private readonly RegionTarget[] _regions = new RegionTarget[Capacity];
    private readonly ulong[] _bases = new ulong[Capacity];

    public int Count { get; private set; }

    public EfiGuid GetImageType(int index) => index >= 0 && index < Count ? _imageTypes[index] : default;

    public RegionTarget GetRegion(int index) => index >= 0 && index < Count ? _regions[index] : default;

    /// <summary>The FVB physical address the entry asks for; 0 = the first FVB carrying the FileSystemGuid.</summary>
    public ulong GetBaseAddress(int index) => index >= 0 && index < Count ? _bases[index] : 0;

    /// <summary>Parses and adds one entry; nothing changes unless it returns true.</summary>
    public bool TryAdd(ReadOnlySpan<char> value, out string reason)
    {
        if (Count == Capacity)
        {
            reason = "more than 4 targets";
            return false;
        }

        int comma = ConfigValueParser.IndexOf(value, ',');
        if (comma < 0)
        {
            reason = "expected <image-type-guid>,fv=<guid>,size=<bytes>";
            return false;
        }
        if (!EfiGuid.TryParse(value.Slice(0, comma), out EfiGuid imageType) || imageType.IsZero)
        {
            reason = "image type is not a nonzero GUID";
            return false;
        }
        for (int i = 0; i < Count; i++)
        {
            if (_imageTypes[i].Equals(imageType))
            {
                reason = "image type already has a target";
                return false;
            }
        }

        EfiGuid fileSystem = default;
        bool hasFileSystem = false, hasSize = false, hasBlock = false, hasStore = false, hasBase = false, hasMap = false;
        bool mapsDevice = false;
        ulong size = 0, block = DefaultBlockSize, baseAddress = 0;
        bool isStore = false;
        ReadOnlySpan<char> rest = value.Slice(comma + 1);
        while (true)
        {
            int end = ConfigValueParser.IndexOf(rest, ',');
            ReadOnlySpan<char> field = end < 0 ? rest : rest.Slice(0, end);
            int equals = ConfigValueParser.IndexOf(field, '=');
            if (equals <= 0)
            {
                reason = "field is not name=value";
                return false;
            }
            ReadOnlySpan<char> name = field.Slice(0, equals);
            ReadOnlySpan<char> text = field.Slice(equals + 1);
            if (ConfigKeyNames.TextEquals(name, "fv"))
            {
                if (hasFileSystem || !EfiGuid.TryParse(text, out fileSystem) || fileSystem.IsZero)
                {
                    reason = "fv is repeated or not a nonzero GUID";
                    return false;
                }
                hasFileSystem = true;
            }
            else if (ConfigKeyNames.TextEquals(name, "size"))
            {
                if (hasSize || !ConfigValueParser.TryParseNumber64(text, out size))
                {
                    reason = "size is repeated or not a number (decimal or 0x hex)";
                    return false;
                }
                hasSize = true;
            }
            else if (ConfigKeyNames.TextEquals(name, "block"))
            {
                if (hasBlock || !ConfigValueParser.TryParseNumber64(text, out block))
                {
                    reason = "block is repeated or not a number (decimal or 0x hex)";
                    return false;
                }
                hasBlock = true;
            }
            else if (ConfigKeyNames.TextEquals(name, "store"))
            {
                bool nv = ConfigKeyNames.TextEquals(text, "nv");
                if (hasStore || (!nv && !ConfigKeyNames.TextEquals(text, "raw")))
                {
                    reason = "store is repeated or not nv|raw";
                    return false;
                }
                isStore = nv;
                hasStore = true;
            }
            else if (ConfigKeyNames.TextEquals(name, "base"))
            {
                if (hasBase || !ConfigValueParser.TryParseNumber64(text, out baseAddress) || baseAddress == 0)
                {
                    reason = "base is repeated or not a nonzero number (decimal or 0x hex)";
                    return false;
                }
                hasBase = true;
            }
            else if (ConfigKeyNames.TextEquals(name, "map"))
            {
                bool device = ConfigKeyNames.TextEquals(text, "device");
                if (hasMap || (!device && !ConfigKeyNames.TextEquals(text, "volume")))
                {
                    reason = "map is repeated or not volume|device";
                    return false;
                }
                mapsDevice = device;
                hasMap = true;
            }
            else
            {
                reason = "unknown field (fv, size, block, store, base, map)";
                return false;
            }
            if (end < 0)
                break;
            rest = rest.Slice(end + 1);
        }

        if (!hasFileSystem || !hasSize)
        {
            reason = "fv= and size= are required";
            return false;
        }
        if (block < MinBlockSize || block > MaxBlockSize || (block & (block - 1)) != 0)
        {
            reason = "block is not a power of two from 512 to 1 MiB";
            return false;
        }
        if (size == 0 || size > MaxRegionSize || size % block != 0)
        {
            reason = "size is 0, above 64 MiB or not a whole number of blocks";
            return false;
        }
        if (!hasStore)
            isStore = fileSystem.Equals(RegionTarget.SystemNvDataFvGuid);

        _imageTypes[Count] = imageType;
        _regions[Count] = new RegionTarget(fileSystem, size, (int)block, (int)(size / block), isStore, mapsDevice);
        _bases[Count] = baseAddress;
        Count++;
        reason = "";
        return true;
    }

    /// <summary>
    /// The region for <paramref name="imageType"/>: <paramref name="builtInDefault"/> (the platform's own region,
    /// first FVB carrying its FileSystemGuid) when the map is empty, the one entry when the image type is not
    /// configured (zero) and there is exactly one, else the entry of that image type. False (with a reason) when the
    /// map has entries but none for it: nothing is written then.
    /// </summary>
    public bool TrySelect(EfiGuid imageType, in RegionTarget builtInDefault, out RegionTarget region, out ulong baseAddress, out string reason)
    {
        baseAddress = 0;
        if (Count == 0)
        {
            region = builtInDefault;
            reason = "";
            return true;
        }
        for (int i = 0; i < Count; i++)
        {
            if (_imageTypes[i].Equals(imageType) || (imageType.IsZero && Count == 1))
            {
                region = _regions[i];
                baseAddress = _bases[i];
                reason = "";
                return true;
            }
        }
        region = default;
        reason = "no uefirecovery.target for the image type";
        return false;
    }
}
