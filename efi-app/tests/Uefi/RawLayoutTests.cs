using System;
using System.Runtime.InteropServices;
using UefiRecovery.Core.Common;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>
/// Every raw struct's size and every field's offset, against the x64 layouts of the UEFI 2.10 and
/// PI 1.8 specifications (and DMTF DSP0134 for SMBIOS). The expected numbers are typed in from the
/// spec tables, not computed; <see cref="LayoutAssert"/> also checks that the struct declares exactly
/// the listed fields in this order, so a missing, extra or reordered slot fails.
/// </summary>
public sealed unsafe class RawLayoutTests
{
    /// <summary>UEFI 2.10 §4.2.1 EFI_TABLE_HEADER.</summary>
    [Fact]
    public void TableHeader_Layout_MatchesSpec()
    {
        TableHeader s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<TableHeader>(sizeof(TableHeader), 0x18,
            new FieldOffset("Signature", (byte*)&s.Signature - b, 0x0),
            new FieldOffset("Revision", (byte*)&s.Revision - b, 0x8),
            new FieldOffset("HeaderSize", (byte*)&s.HeaderSize - b, 0xC),
            new FieldOffset("Crc32", (byte*)&s.Crc32 - b, 0x10),
            new FieldOffset("Reserved", (byte*)&s.Reserved - b, 0x14));
    }

    /// <summary>
    /// UEFI 2.10 Appendix A EFI_GUID as EDK2 declares it (UINT32, UINT16, UINT16, UINT8[8], so 4-byte
    /// aligned): recovery-core's EfiGuid, whose fields are private, so the offsets come through the
    /// marshaller, which equals the managed layout for this blittable struct.
    /// </summary>
    [Fact]
    public void EfiGuid_Layout_MatchesSpec()
    {
        LayoutAssert.Matches<EfiGuid>(sizeof(EfiGuid), 0x10,
            new FieldOffset("_data1", (int)Marshal.OffsetOf<EfiGuid>("_data1"), 0x0),
            new FieldOffset("_data2", (int)Marshal.OffsetOf<EfiGuid>("_data2"), 0x4),
            new FieldOffset("_data3", (int)Marshal.OffsetOf<EfiGuid>("_data3"), 0x6),
            new FieldOffset("_data4Low", (int)Marshal.OffsetOf<EfiGuid>("_data4Low"), 0x8),
            new FieldOffset("_data4High", (int)Marshal.OffsetOf<EfiGuid>("_data4High"), 0xC));
        // 4-byte aligned, as EDK2's GUID (EFI_CAPSULE_HEADER is 28 bytes, a vendor device path's GUID sits at 4).
        Assert.Equal(4, (int)Marshal.OffsetOf<GuidAfterByte>(nameof(GuidAfterByte.Guid)));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct GuidAfterByte
    {
#pragma warning disable CS0649 // only its layout is used
        public byte Before;
        public EfiGuid Guid;
#pragma warning restore CS0649
    }

    /// <summary>UEFI 2.10 §4.3 EFI_SYSTEM_TABLE.</summary>
    [Fact]
    public void SystemTable_Layout_MatchesSpec()
    {
        SystemTable s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<SystemTable>(sizeof(SystemTable), 0x78,
            new FieldOffset("Hdr", (byte*)&s.Hdr - b, 0x0),
            new FieldOffset("FirmwareVendor", (byte*)&s.FirmwareVendor - b, 0x18),
            new FieldOffset("FirmwareRevision", (byte*)&s.FirmwareRevision - b, 0x20),
            new FieldOffset("ConsoleInHandle", (byte*)&s.ConsoleInHandle - b, 0x28),
            new FieldOffset("ConIn", (byte*)&s.ConIn - b, 0x30),
            new FieldOffset("ConsoleOutHandle", (byte*)&s.ConsoleOutHandle - b, 0x38),
            new FieldOffset("ConOut", (byte*)&s.ConOut - b, 0x40),
            new FieldOffset("StandardErrorHandle", (byte*)&s.StandardErrorHandle - b, 0x48),
            new FieldOffset("StdErr", (byte*)&s.StdErr - b, 0x50),
            new FieldOffset("RuntimeServices", (byte*)&s.RuntimeServices - b, 0x58),
            new FieldOffset("BootServices", (byte*)&s.BootServices - b, 0x60),
            new FieldOffset("NumberOfTableEntries", (byte*)&s.NumberOfTableEntries - b, 0x68),
            new FieldOffset("ConfigurationTable", (byte*)&s.ConfigurationTable - b, 0x70));
    }

    /// <summary>UEFI 2.10 §4.4 EFI_BOOT_SERVICES.</summary>
    [Fact]
    public void BootServices_Layout_MatchesSpec()
    {
        BootServices s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<BootServices>(sizeof(BootServices), 0x178,
            new FieldOffset("Hdr", (byte*)&s.Hdr - b, 0x0),
            new FieldOffset("RaiseTpl", (byte*)&s.RaiseTpl - b, 0x18),
            new FieldOffset("RestoreTpl", (byte*)&s.RestoreTpl - b, 0x20),
            new FieldOffset("AllocatePages", (byte*)&s.AllocatePages - b, 0x28),
            new FieldOffset("FreePages", (byte*)&s.FreePages - b, 0x30),
            new FieldOffset("GetMemoryMap", (byte*)&s.GetMemoryMap - b, 0x38),
            new FieldOffset("AllocatePool", (byte*)&s.AllocatePool - b, 0x40),
            new FieldOffset("FreePool", (byte*)&s.FreePool - b, 0x48),
            new FieldOffset("CreateEvent", (byte*)&s.CreateEvent - b, 0x50),
            new FieldOffset("SetTimer", (byte*)&s.SetTimer - b, 0x58),
            new FieldOffset("WaitForEvent", (byte*)&s.WaitForEvent - b, 0x60),
            new FieldOffset("SignalEvent", (byte*)&s.SignalEvent - b, 0x68),
            new FieldOffset("CloseEvent", (byte*)&s.CloseEvent - b, 0x70),
            new FieldOffset("CheckEvent", (byte*)&s.CheckEvent - b, 0x78),
            new FieldOffset("InstallProtocolInterface", (byte*)&s.InstallProtocolInterface - b, 0x80),
            new FieldOffset("ReinstallProtocolInterface", (byte*)&s.ReinstallProtocolInterface - b, 0x88),
            new FieldOffset("UninstallProtocolInterface", (byte*)&s.UninstallProtocolInterface - b, 0x90),
            new FieldOffset("HandleProtocol", (byte*)&s.HandleProtocol - b, 0x98),
            new FieldOffset("Reserved", (byte*)&s.Reserved - b, 0xA0),
            new FieldOffset("RegisterProtocolNotify", (byte*)&s.RegisterProtocolNotify - b, 0xA8),
            new FieldOffset("LocateHandle", (byte*)&s.LocateHandle - b, 0xB0),
            new FieldOffset("LocateDevicePath", (byte*)&s.LocateDevicePath - b, 0xB8),
            new FieldOffset("InstallConfigurationTable", (byte*)&s.InstallConfigurationTable - b, 0xC0),
            new FieldOffset("LoadImage", (byte*)&s.LoadImage - b, 0xC8),
            new FieldOffset("StartImage", (byte*)&s.StartImage - b, 0xD0),
            new FieldOffset("Exit", (byte*)&s.Exit - b, 0xD8),
            new FieldOffset("UnloadImage", (byte*)&s.UnloadImage - b, 0xE0),
            new FieldOffset("ExitBootServices", (byte*)&s.ExitBootServices - b, 0xE8),
            new FieldOffset("GetNextMonotonicCount", (byte*)&s.GetNextMonotonicCount - b, 0xF0),
            new FieldOffset("Stall", (byte*)&s.Stall - b, 0xF8),
            new FieldOffset("SetWatchdogTimer", (byte*)&s.SetWatchdogTimer - b, 0x100),
            new FieldOffset("ConnectController", (byte*)&s.ConnectController - b, 0x108),
            new FieldOffset("DisconnectController", (byte*)&s.DisconnectController - b, 0x110),
            new FieldOffset("OpenProtocol", (byte*)&s.OpenProtocol - b, 0x118),
            new FieldOffset("CloseProtocol", (byte*)&s.CloseProtocol - b, 0x120),
            new FieldOffset("OpenProtocolInformation", (byte*)&s.OpenProtocolInformation - b, 0x128),
            new FieldOffset("ProtocolsPerHandle", (byte*)&s.ProtocolsPerHandle - b, 0x130),
            new FieldOffset("LocateHandleBuffer", (byte*)&s.LocateHandleBuffer - b, 0x138),
            new FieldOffset("LocateProtocol", (byte*)&s.LocateProtocol - b, 0x140),
            new FieldOffset("InstallMultipleProtocolInterfaces", (byte*)&s.InstallMultipleProtocolInterfaces - b, 0x148),
            new FieldOffset("UninstallMultipleProtocolInterfaces", (byte*)&s.UninstallMultipleProtocolInterfaces - b, 0x150),
            new FieldOffset("CalculateCrc32", (byte*)&s.CalculateCrc32 - b, 0x158),
            new FieldOffset("CopyMem", (byte*)&s.CopyMem - b, 0x160),
            new FieldOffset("SetMem", (byte*)&s.SetMem - b, 0x168),
            new FieldOffset("CreateEventEx", (byte*)&s.CreateEventEx - b, 0x170));
    }

    /// <summary>UEFI 2.10 §4.5 EFI_RUNTIME_SERVICES.</summary>
    [Fact]
    public void RuntimeServices_Layout_MatchesSpec()
    {
        RuntimeServices s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<RuntimeServices>(sizeof(RuntimeServices), 0x88,
            new FieldOffset("Hdr", (byte*)&s.Hdr - b, 0x0),
            new FieldOffset("GetTime", (byte*)&s.GetTime - b, 0x18),
            new FieldOffset("SetTime", (byte*)&s.SetTime - b, 0x20),
            new FieldOffset("GetWakeupTime", (byte*)&s.GetWakeupTime - b, 0x28),
            new FieldOffset("SetWakeupTime", (byte*)&s.SetWakeupTime - b, 0x30),
            new FieldOffset("SetVirtualAddressMap", (byte*)&s.SetVirtualAddressMap - b, 0x38),
            new FieldOffset("ConvertPointer", (byte*)&s.ConvertPointer - b, 0x40),
            new FieldOffset("GetVariable", (byte*)&s.GetVariable - b, 0x48),
            new FieldOffset("GetNextVariableName", (byte*)&s.GetNextVariableName - b, 0x50),
            new FieldOffset("SetVariable", (byte*)&s.SetVariable - b, 0x58),
            new FieldOffset("GetNextHighMonotonicCount", (byte*)&s.GetNextHighMonotonicCount - b, 0x60),
            new FieldOffset("ResetSystem", (byte*)&s.ResetSystem - b, 0x68),
            new FieldOffset("UpdateCapsule", (byte*)&s.UpdateCapsule - b, 0x70),
            new FieldOffset("QueryCapsuleCapabilities", (byte*)&s.QueryCapsuleCapabilities - b, 0x78),
            new FieldOffset("QueryVariableInfo", (byte*)&s.QueryVariableInfo - b, 0x80));
    }

    /// <summary>UEFI 2.10 §4.6 EFI_CONFIGURATION_TABLE.</summary>
    [Fact]
    public void ConfigurationTable_Layout_MatchesSpec()
    {
        ConfigurationTable s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<ConfigurationTable>(sizeof(ConfigurationTable), 0x18,
            new FieldOffset("VendorGuid", (byte*)&s.VendorGuid - b, 0x0),
            new FieldOffset("VendorTable", (byte*)&s.VendorTable - b, 0x10));
    }

    /// <summary>UEFI 2.10 §12.4 EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL.</summary>
    [Fact]
    public void SimpleTextOutputProtocol_Layout_MatchesSpec()
    {
        SimpleTextOutputProtocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<SimpleTextOutputProtocol>(sizeof(SimpleTextOutputProtocol), 0x50,
            new FieldOffset("Reset", (byte*)&s.Reset - b, 0x0),
            new FieldOffset("OutputString", (byte*)&s.OutputString - b, 0x8),
            new FieldOffset("TestString", (byte*)&s.TestString - b, 0x10),
            new FieldOffset("QueryMode", (byte*)&s.QueryMode - b, 0x18),
            new FieldOffset("SetMode", (byte*)&s.SetMode - b, 0x20),
            new FieldOffset("SetAttribute", (byte*)&s.SetAttribute - b, 0x28),
            new FieldOffset("ClearScreen", (byte*)&s.ClearScreen - b, 0x30),
            new FieldOffset("SetCursorPosition", (byte*)&s.SetCursorPosition - b, 0x38),
            new FieldOffset("EnableCursor", (byte*)&s.EnableCursor - b, 0x40),
            new FieldOffset("Mode", (byte*)&s.Mode - b, 0x48));
    }

    /// <summary>UEFI 2.10 §12.4 SIMPLE_TEXT_OUTPUT_MODE.</summary>
    [Fact]
    public void SimpleTextOutputMode_Layout_MatchesSpec()
    {
        SimpleTextOutputMode s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<SimpleTextOutputMode>(sizeof(SimpleTextOutputMode), 0x18,
            new FieldOffset("MaxMode", (byte*)&s.MaxMode - b, 0x0),
            new FieldOffset("Mode", (byte*)&s.Mode - b, 0x4),
            new FieldOffset("Attribute", (byte*)&s.Attribute - b, 0x8),
            new FieldOffset("CursorColumn", (byte*)&s.CursorColumn - b, 0xC),
            new FieldOffset("CursorRow", (byte*)&s.CursorRow - b, 0x10),
            new FieldOffset("CursorVisible", (byte*)&s.CursorVisible - b, 0x14));
    }

    /// <summary>UEFI 2.10 §12.3 EFI_SIMPLE_TEXT_INPUT_PROTOCOL.</summary>
    [Fact]
    public void SimpleTextInputProtocol_Layout_MatchesSpec()
    {
        SimpleTextInputProtocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<SimpleTextInputProtocol>(sizeof(SimpleTextInputProtocol), 0x18,
            new FieldOffset("Reset", (byte*)&s.Reset - b, 0x0),
            new FieldOffset("ReadKeyStroke", (byte*)&s.ReadKeyStroke - b, 0x8),
            new FieldOffset("WaitForKey", (byte*)&s.WaitForKey - b, 0x10));
    }

    /// <summary>UEFI 2.10 §12.3 EFI_INPUT_KEY.</summary>
    [Fact]
    public void InputKey_Layout_MatchesSpec()
    {
        InputKey s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<InputKey>(sizeof(InputKey), 0x4,
            new FieldOffset("ScanCode", (byte*)&s.ScanCode - b, 0x0),
            new FieldOffset("UnicodeChar", (byte*)&s.UnicodeChar - b, 0x2));
    }

    /// <summary>UEFI 2.10 §9.1 EFI_LOADED_IMAGE_PROTOCOL.</summary>
    [Fact]
    public void LoadedImageProtocol_Layout_MatchesSpec()
    {
        LoadedImageProtocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<LoadedImageProtocol>(sizeof(LoadedImageProtocol), 0x60,
            new FieldOffset("Revision", (byte*)&s.Revision - b, 0x0),
            new FieldOffset("ParentHandle", (byte*)&s.ParentHandle - b, 0x8),
            new FieldOffset("SystemTable", (byte*)&s.SystemTable - b, 0x10),
            new FieldOffset("DeviceHandle", (byte*)&s.DeviceHandle - b, 0x18),
            new FieldOffset("FilePath", (byte*)&s.FilePath - b, 0x20),
            new FieldOffset("Reserved", (byte*)&s.Reserved - b, 0x28),
            new FieldOffset("LoadOptionsSize", (byte*)&s.LoadOptionsSize - b, 0x30),
            new FieldOffset("LoadOptions", (byte*)&s.LoadOptions - b, 0x38),
            new FieldOffset("ImageBase", (byte*)&s.ImageBase - b, 0x40),
            new FieldOffset("ImageSize", (byte*)&s.ImageSize - b, 0x48),
            new FieldOffset("ImageCodeType", (byte*)&s.ImageCodeType - b, 0x50),
            new FieldOffset("ImageDataType", (byte*)&s.ImageDataType - b, 0x54),
            new FieldOffset("Unload", (byte*)&s.Unload - b, 0x58));
    }

    /// <summary>UEFI 2.10 §10.2 EFI_DEVICE_PATH_PROTOCOL.</summary>
    [Fact]
    public void DevicePathProtocol_Layout_MatchesSpec()
    {
        DevicePathProtocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<DevicePathProtocol>(sizeof(DevicePathProtocol), 0x4,
            new FieldOffset("Type", (byte*)&s.Type - b, 0x0),
            new FieldOffset("SubType", (byte*)&s.SubType - b, 0x1),
            new FieldOffset("Length", (byte*)s.Length - b, 0x2));
    }

    /// <summary>UEFI 2.10 §10.3.1 End of Hardware Device Path.</summary>
    [Fact]
    public void EndDevicePath_Layout_MatchesSpec()
    {
        EndDevicePath s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<EndDevicePath>(sizeof(EndDevicePath), 0x4,
            new FieldOffset("Header", (byte*)&s.Header - b, 0x0));
    }

    /// <summary>UEFI 2.10 §10.3.2.4 Vendor Device Path (Table 10.8).</summary>
    [Fact]
    public void VendorDevicePath_Layout_MatchesSpec()
    {
        VendorDevicePath s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<VendorDevicePath>(sizeof(VendorDevicePath), 0x14,
            new FieldOffset("Header", (byte*)&s.Header - b, 0x0),
            new FieldOffset("Guid", (byte*)&s.Guid - b, 0x4));
    }

    /// <summary>UEFI 2.10 §10.3.4.11 MAC Address Device Path (Table 10.27).</summary>
    [Fact]
    public void MacAddressDevicePath_Layout_MatchesSpec()
    {
        MacAddressDevicePath s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<MacAddressDevicePath>(sizeof(MacAddressDevicePath), 0x25,
            new FieldOffset("Header", (byte*)&s.Header - b, 0x0),
            new FieldOffset("MacAddress", (byte*)&s.MacAddress - b, 0x4),
            new FieldOffset("IfType", (byte*)&s.IfType - b, 0x24));
    }

    /// <summary>UEFI 2.10 §10.3.5.4 File Path Media Device Path (Table 10.51), fixed part.</summary>
    [Fact]
    public void FilePathDevicePath_Layout_MatchesSpec()
    {
        FilePathDevicePath s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<FilePathDevicePath>(sizeof(FilePathDevicePath), 0x4,
            new FieldOffset("Header", (byte*)&s.Header - b, 0x0));
    }

    /// <summary>UEFI 2.10 §2.3.1 EFI_MAC_ADDRESS.</summary>
    [Fact]
    public void MacAddress_Layout_MatchesSpec()
    {
        MacAddress s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<MacAddress>(sizeof(MacAddress), 0x20,
            new FieldOffset("Addr", (byte*)s.Addr - b, 0x0));
    }

    /// <summary>UEFI 2.10 §2.3.1 EFI_IP_ADDRESS.</summary>
    [Fact]
    public void IpAddress_Layout_MatchesSpec()
    {
        IpAddress s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<IpAddress>(sizeof(IpAddress), 0x10,
            new FieldOffset("Addr", (byte*)s.Addr - b, 0x0));
    }

    /// <summary>UEFI 2.10 §24.1 EFI_SIMPLE_NETWORK_PROTOCOL.</summary>
    [Fact]
    public void SimpleNetworkProtocol_Layout_MatchesSpec()
    {
        SimpleNetworkProtocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<SimpleNetworkProtocol>(sizeof(SimpleNetworkProtocol), 0x80,
            new FieldOffset("Revision", (byte*)&s.Revision - b, 0x0),
            new FieldOffset("Start", (byte*)&s.Start - b, 0x8),
            new FieldOffset("Stop", (byte*)&s.Stop - b, 0x10),
            new FieldOffset("Initialize", (byte*)&s.Initialize - b, 0x18),
            new FieldOffset("Reset", (byte*)&s.Reset - b, 0x20),
            new FieldOffset("Shutdown", (byte*)&s.Shutdown - b, 0x28),
            new FieldOffset("ReceiveFilters", (byte*)&s.ReceiveFilters - b, 0x30),
            new FieldOffset("StationAddress", (byte*)&s.StationAddress - b, 0x38),
            new FieldOffset("Statistics", (byte*)&s.Statistics - b, 0x40),
            new FieldOffset("MCastIpToMac", (byte*)&s.MCastIpToMac - b, 0x48),
            new FieldOffset("NvData", (byte*)&s.NvData - b, 0x50),
            new FieldOffset("GetStatus", (byte*)&s.GetStatus - b, 0x58),
            new FieldOffset("Transmit", (byte*)&s.Transmit - b, 0x60),
            new FieldOffset("Receive", (byte*)&s.Receive - b, 0x68),
            new FieldOffset("WaitForPacket", (byte*)&s.WaitForPacket - b, 0x70),
            new FieldOffset("Mode", (byte*)&s.Mode - b, 0x78));
    }

    /// <summary>UEFI 2.10 §24.1 EFI_SIMPLE_NETWORK_MODE.</summary>
    [Fact]
    public void SimpleNetworkMode_Layout_MatchesSpec()
    {
        SimpleNetworkMode s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<SimpleNetworkMode>(sizeof(SimpleNetworkMode), 0x290,
            new FieldOffset("State", (byte*)&s.State - b, 0x0),
            new FieldOffset("HwAddressSize", (byte*)&s.HwAddressSize - b, 0x4),
            new FieldOffset("MediaHeaderSize", (byte*)&s.MediaHeaderSize - b, 0x8),
            new FieldOffset("MaxPacketSize", (byte*)&s.MaxPacketSize - b, 0xC),
            new FieldOffset("NvRamSize", (byte*)&s.NvRamSize - b, 0x10),
            new FieldOffset("NvRamAccessSize", (byte*)&s.NvRamAccessSize - b, 0x14),
            new FieldOffset("ReceiveFilterMask", (byte*)&s.ReceiveFilterMask - b, 0x18),
            new FieldOffset("ReceiveFilterSetting", (byte*)&s.ReceiveFilterSetting - b, 0x1C),
            new FieldOffset("MaxMCastFilterCount", (byte*)&s.MaxMCastFilterCount - b, 0x20),
            new FieldOffset("MCastFilterCount", (byte*)&s.MCastFilterCount - b, 0x24),
            new FieldOffset("MCastFilter", (byte*)s.MCastFilter - b, 0x28),
            new FieldOffset("CurrentAddress", (byte*)&s.CurrentAddress - b, 0x228),
            new FieldOffset("BroadcastAddress", (byte*)&s.BroadcastAddress - b, 0x248),
            new FieldOffset("PermanentAddress", (byte*)&s.PermanentAddress - b, 0x268),
            new FieldOffset("IfType", (byte*)&s.IfType - b, 0x288),
            new FieldOffset("MacAddressChangeable", (byte*)&s.MacAddressChangeable - b, 0x289),
            new FieldOffset("MultipleTxSupported", (byte*)&s.MultipleTxSupported - b, 0x28A),
            new FieldOffset("MediaPresentSupported", (byte*)&s.MediaPresentSupported - b, 0x28B),
            new FieldOffset("MediaPresent", (byte*)&s.MediaPresent - b, 0x28C));
    }

    /// <summary>UEFI 2.10 §24.1.7 EFI_NETWORK_STATISTICS.</summary>
    [Fact]
    public void NetworkStatistics_Layout_MatchesSpec()
    {
        NetworkStatistics s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<NetworkStatistics>(sizeof(NetworkStatistics), 0xD0,
            new FieldOffset("RxTotalFrames", (byte*)&s.RxTotalFrames - b, 0x0),
            new FieldOffset("RxGoodFrames", (byte*)&s.RxGoodFrames - b, 0x8),
            new FieldOffset("RxUndersizeFrames", (byte*)&s.RxUndersizeFrames - b, 0x10),
            new FieldOffset("RxOversizeFrames", (byte*)&s.RxOversizeFrames - b, 0x18),
            new FieldOffset("RxDroppedFrames", (byte*)&s.RxDroppedFrames - b, 0x20),
            new FieldOffset("RxUnicastFrames", (byte*)&s.RxUnicastFrames - b, 0x28),
            new FieldOffset("RxBroadcastFrames", (byte*)&s.RxBroadcastFrames - b, 0x30),
            new FieldOffset("RxMulticastFrames", (byte*)&s.RxMulticastFrames - b, 0x38),
            new FieldOffset("RxCrcErrorFrames", (byte*)&s.RxCrcErrorFrames - b, 0x40),
            new FieldOffset("RxTotalBytes", (byte*)&s.RxTotalBytes - b, 0x48),
            new FieldOffset("TxTotalFrames", (byte*)&s.TxTotalFrames - b, 0x50),
            new FieldOffset("TxGoodFrames", (byte*)&s.TxGoodFrames - b, 0x58),
            new FieldOffset("TxUndersizeFrames", (byte*)&s.TxUndersizeFrames - b, 0x60),
            new FieldOffset("TxOversizeFrames", (byte*)&s.TxOversizeFrames - b, 0x68),
            new FieldOffset("TxDroppedFrames", (byte*)&s.TxDroppedFrames - b, 0x70),
            new FieldOffset("TxUnicastFrames", (byte*)&s.TxUnicastFrames - b, 0x78),
            new FieldOffset("TxBroadcastFrames", (byte*)&s.TxBroadcastFrames - b, 0x80),
            new FieldOffset("TxMulticastFrames", (byte*)&s.TxMulticastFrames - b, 0x88),
            new FieldOffset("TxCrcErrorFrames", (byte*)&s.TxCrcErrorFrames - b, 0x90),
            new FieldOffset("TxTotalBytes", (byte*)&s.TxTotalBytes - b, 0x98),
            new FieldOffset("Collisions", (byte*)&s.Collisions - b, 0xA0),
            new FieldOffset("UnsupportedProtocol", (byte*)&s.UnsupportedProtocol - b, 0xA8),
            new FieldOffset("RxDuplicatedFrames", (byte*)&s.RxDuplicatedFrames - b, 0xB0),
            new FieldOffset("RxDecryptErrorFrames", (byte*)&s.RxDecryptErrorFrames - b, 0xB8),
            new FieldOffset("TxErrorFrames", (byte*)&s.TxErrorFrames - b, 0xC0),
            new FieldOffset("TxRetryFrames", (byte*)&s.TxRetryFrames - b, 0xC8));
    }

    /// <summary>PI 1.8 Vol. 3 §3.4.2 EFI_FIRMWARE_VOLUME_BLOCK2_PROTOCOL.</summary>
    [Fact]
    public void FirmwareVolumeBlock2Protocol_Layout_MatchesSpec()
    {
        FirmwareVolumeBlock2Protocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<FirmwareVolumeBlock2Protocol>(sizeof(FirmwareVolumeBlock2Protocol), 0x40,
            new FieldOffset("GetAttributes", (byte*)&s.GetAttributes - b, 0x0),
            new FieldOffset("SetAttributes", (byte*)&s.SetAttributes - b, 0x8),
            new FieldOffset("GetPhysicalAddress", (byte*)&s.GetPhysicalAddress - b, 0x10),
            new FieldOffset("GetBlockSize", (byte*)&s.GetBlockSize - b, 0x18),
            new FieldOffset("Read", (byte*)&s.Read - b, 0x20),
            new FieldOffset("Write", (byte*)&s.Write - b, 0x28),
            new FieldOffset("EraseBlocks", (byte*)&s.EraseBlocks - b, 0x30),
            new FieldOffset("ParentHandle", (byte*)&s.ParentHandle - b, 0x38));
    }

    /// <summary>PI 1.8 Vol. 3 §3.2.1 EFI_FIRMWARE_VOLUME_HEADER (with BlockMap[1]).</summary>
    [Fact]
    public void FirmwareVolumeHeader_Layout_MatchesSpec()
    {
        FirmwareVolumeHeader s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<FirmwareVolumeHeader>(sizeof(FirmwareVolumeHeader), 0x40,
            new FieldOffset("ZeroVector", (byte*)s.ZeroVector - b, 0x0),
            new FieldOffset("FileSystemGuid", (byte*)&s.FileSystemGuid - b, 0x10),
            new FieldOffset("FvLength", (byte*)&s.FvLength - b, 0x20),
            new FieldOffset("Signature", (byte*)&s.Signature - b, 0x28),
            new FieldOffset("Attributes", (byte*)&s.Attributes - b, 0x2C),
            new FieldOffset("HeaderLength", (byte*)&s.HeaderLength - b, 0x30),
            new FieldOffset("Checksum", (byte*)&s.Checksum - b, 0x32),
            new FieldOffset("ExtHeaderOffset", (byte*)&s.ExtHeaderOffset - b, 0x34),
            new FieldOffset("Reserved", (byte*)s.Reserved - b, 0x36),
            new FieldOffset("Revision", (byte*)&s.Revision - b, 0x37),
            new FieldOffset("BlockMap", (byte*)&s.BlockMap - b, 0x38));
    }

    /// <summary>PI 1.8 Vol. 3 §3.2.1 EFI_FV_BLOCK_MAP_ENTRY.</summary>
    [Fact]
    public void BlockMapEntry_Layout_MatchesSpec()
    {
        BlockMapEntry s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<BlockMapEntry>(sizeof(BlockMapEntry), 0x8,
            new FieldOffset("NumBlocks", (byte*)&s.NumBlocks - b, 0x0),
            new FieldOffset("Length", (byte*)&s.Length - b, 0x4));
    }

    /// <summary>DSP0134 3.7 §5.2.1 Table 1, SMBIOS 2.1 (32-bit) entry point.</summary>
    [Fact]
    public void SmbiosEntryPoint_Layout_MatchesSpec()
    {
        SmbiosEntryPoint s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<SmbiosEntryPoint>(sizeof(SmbiosEntryPoint), 0x1F,
            new FieldOffset("AnchorString", (byte*)s.AnchorString - b, 0x0),
            new FieldOffset("EntryPointStructureChecksum", (byte*)&s.EntryPointStructureChecksum - b, 0x4),
            new FieldOffset("EntryPointLength", (byte*)&s.EntryPointLength - b, 0x5),
            new FieldOffset("MajorVersion", (byte*)&s.MajorVersion - b, 0x6),
            new FieldOffset("MinorVersion", (byte*)&s.MinorVersion - b, 0x7),
            new FieldOffset("MaxStructureSize", (byte*)&s.MaxStructureSize - b, 0x8),
            new FieldOffset("EntryPointRevision", (byte*)&s.EntryPointRevision - b, 0xA),
            new FieldOffset("FormattedArea", (byte*)s.FormattedArea - b, 0xB),
            new FieldOffset("IntermediateAnchorString", (byte*)s.IntermediateAnchorString - b, 0x10),
            new FieldOffset("IntermediateChecksum", (byte*)&s.IntermediateChecksum - b, 0x15),
            new FieldOffset("TableLength", (byte*)&s.TableLength - b, 0x16),
            new FieldOffset("TableAddress", (byte*)&s.TableAddress - b, 0x18),
            new FieldOffset("NumberOfSmbiosStructures", (byte*)&s.NumberOfSmbiosStructures - b, 0x1C),
            new FieldOffset("SmbiosBcdRevision", (byte*)&s.SmbiosBcdRevision - b, 0x1E));
    }

    /// <summary>DSP0134 3.7 §5.2.2 Table 2, SMBIOS 3.0 (64-bit) entry point.</summary>
    [Fact]
    public void Smbios3EntryPoint_Layout_MatchesSpec()
    {
        Smbios3EntryPoint s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<Smbios3EntryPoint>(sizeof(Smbios3EntryPoint), 0x18,
            new FieldOffset("AnchorString", (byte*)s.AnchorString - b, 0x0),
            new FieldOffset("EntryPointStructureChecksum", (byte*)&s.EntryPointStructureChecksum - b, 0x5),
            new FieldOffset("EntryPointLength", (byte*)&s.EntryPointLength - b, 0x6),
            new FieldOffset("MajorVersion", (byte*)&s.MajorVersion - b, 0x7),
            new FieldOffset("MinorVersion", (byte*)&s.MinorVersion - b, 0x8),
            new FieldOffset("DocRev", (byte*)&s.DocRev - b, 0x9),
            new FieldOffset("EntryPointRevision", (byte*)&s.EntryPointRevision - b, 0xA),
            new FieldOffset("Reserved", (byte*)&s.Reserved - b, 0xB),
            new FieldOffset("TableMaximumSize", (byte*)&s.TableMaximumSize - b, 0xC),
            new FieldOffset("TableAddress", (byte*)&s.TableAddress - b, 0x10));
    }

    /// <summary>PI 1.8 Vol. 5 §13.3 EFI_CPU_IO2_PROTOCOL.</summary>
    [Fact]
    public void CpuIo2Protocol_Layout_MatchesSpec()
    {
        CpuIo2Protocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<CpuIo2Protocol>(sizeof(CpuIo2Protocol), 0x20,
            new FieldOffset("Mem", (byte*)&s.Mem - b, 0x0),
            new FieldOffset("Io", (byte*)&s.Io - b, 0x10));
    }

    /// <summary>UEFI 2.10 §37.5.1 EFI_RNG_PROTOCOL: GetInfo, GetRNG.</summary>
    [Fact]
    public void RngProtocol_Layout_MatchesSpec()
    {
        RngProtocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<RngProtocol>(sizeof(RngProtocol), 0x10,
            new FieldOffset("GetInfo", (byte*)&s.GetInfo - b, 0x0),
            new FieldOffset("GetRng", (byte*)&s.GetRng - b, 0x8));
    }

    /// <summary>UEFI 2.10 §37.5.1 EFI_RNG_PROTOCOL_GUID 3152BCA5-EADE-433D-862E-C01CDC291F44, as stored in memory.</summary>
    [Fact]
    public void RngProtocol_Guid_MatchesSpec()
    {
        EfiGuid guid = RngProtocol.Guid;

        Assert.Equal("A5BC5231DEEA3D43862EC01CDC291F44", Convert.ToHexString(new ReadOnlySpan<byte>(&guid, sizeof(EfiGuid))));
    }

    /// <summary>EDK2 MdeModulePkg FaultTolerantWrite.h EFI_FAULT_TOLERANT_WRITE_PROTOCOL: six functions in header order.</summary>
    [Fact]
    public void FaultTolerantWriteProtocol_Layout_MatchesEdk2Header()
    {
        FaultTolerantWriteProtocol s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<FaultTolerantWriteProtocol>(sizeof(FaultTolerantWriteProtocol), 0x30,
            new FieldOffset("GetMaxBlockSize", (byte*)&s.GetMaxBlockSize - b, 0x0),
            new FieldOffset("Allocate", (byte*)&s.Allocate - b, 0x8),
            new FieldOffset("Write", (byte*)&s.Write - b, 0x10),
            new FieldOffset("Restart", (byte*)&s.Restart - b, 0x18),
            new FieldOffset("Abort", (byte*)&s.Abort - b, 0x20),
            new FieldOffset("GetLastWrite", (byte*)&s.GetLastWrite - b, 0x28));
    }

    /// <summary>EFI_FAULT_TOLERANT_WRITE_PROTOCOL_GUID 3EBD9E82-2C78-4DE6-9786-8D4BFCB7C881, as stored in memory.</summary>
    [Fact]
    public void FaultTolerantWriteProtocol_Guid_MatchesEdk2Header()
    {
        EfiGuid guid = FaultTolerantWriteProtocol.Guid;

        Assert.Equal("829EBD3E782CE64D97868D4BFCB7C881", Convert.ToHexString(new ReadOnlySpan<byte>(&guid, sizeof(EfiGuid))));
    }

    /// <summary>PI 1.8 Vol. 5 §13.3 EFI_CPU_IO_PROTOCOL_ACCESS.</summary>
    [Fact]
    public void CpuIoProtocolAccess_Layout_MatchesSpec()
    {
        CpuIoProtocolAccess s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<CpuIoProtocolAccess>(sizeof(CpuIoProtocolAccess), 0x10,
            new FieldOffset("Read", (byte*)&s.Read - b, 0x0),
            new FieldOffset("Write", (byte*)&s.Write - b, 0x8));
    }

    /// <summary>UEFI 2.10 §8.3.1 EFI_TIME.</summary>
    [Fact]
    public void Time_Layout_MatchesSpec()
    {
        Time s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<Time>(sizeof(Time), 0x10,
            new FieldOffset("Year", (byte*)&s.Year - b, 0x0),
            new FieldOffset("Month", (byte*)&s.Month - b, 0x2),
            new FieldOffset("Day", (byte*)&s.Day - b, 0x3),
            new FieldOffset("Hour", (byte*)&s.Hour - b, 0x4),
            new FieldOffset("Minute", (byte*)&s.Minute - b, 0x5),
            new FieldOffset("Second", (byte*)&s.Second - b, 0x6),
            new FieldOffset("Pad1", (byte*)&s.Pad1 - b, 0x7),
            new FieldOffset("Nanosecond", (byte*)&s.Nanosecond - b, 0x8),
            new FieldOffset("TimeZone", (byte*)&s.TimeZone - b, 0xC),
            new FieldOffset("Daylight", (byte*)&s.Daylight - b, 0xE),
            new FieldOffset("Pad2", (byte*)&s.Pad2 - b, 0xF));
    }

    /// <summary>UEFI 2.10 §8.3.1 EFI_TIME_CAPABILITIES.</summary>
    [Fact]
    public void TimeCapabilities_Layout_MatchesSpec()
    {
        TimeCapabilities s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<TimeCapabilities>(sizeof(TimeCapabilities), 0xC,
            new FieldOffset("Resolution", (byte*)&s.Resolution - b, 0x0),
            new FieldOffset("Accuracy", (byte*)&s.Accuracy - b, 0x4),
            new FieldOffset("SetsToZero", (byte*)&s.SetsToZero - b, 0x8));
    }

    /// <summary>UEFI 2.10 §7.2.3 EFI_MEMORY_DESCRIPTOR.</summary>
    [Fact]
    public void MemoryDescriptor_Layout_MatchesSpec()
    {
        MemoryDescriptor s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<MemoryDescriptor>(sizeof(MemoryDescriptor), 0x28,
            new FieldOffset("Type", (byte*)&s.Type - b, 0x0),
            new FieldOffset("PhysicalStart", (byte*)&s.PhysicalStart - b, 0x8),
            new FieldOffset("VirtualStart", (byte*)&s.VirtualStart - b, 0x10),
            new FieldOffset("NumberOfPages", (byte*)&s.NumberOfPages - b, 0x18),
            new FieldOffset("Attribute", (byte*)&s.Attribute - b, 0x20));
    }

    /// <summary>UEFI 2.10 §7.3.11 EFI_OPEN_PROTOCOL_INFORMATION_ENTRY.</summary>
    [Fact]
    public void OpenProtocolInformationEntry_Layout_MatchesSpec()
    {
        OpenProtocolInformationEntry s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<OpenProtocolInformationEntry>(sizeof(OpenProtocolInformationEntry), 0x18,
            new FieldOffset("AgentHandle", (byte*)&s.AgentHandle - b, 0x0),
            new FieldOffset("ControllerHandle", (byte*)&s.ControllerHandle - b, 0x8),
            new FieldOffset("Attributes", (byte*)&s.Attributes - b, 0x10),
            new FieldOffset("OpenCount", (byte*)&s.OpenCount - b, 0x14));
    }

    /// <summary>UEFI 2.10 §8.5.3 EFI_CAPSULE_HEADER.</summary>
    [Fact]
    public void CapsuleHeader_Layout_MatchesSpec()
    {
        CapsuleHeader s = default;
        byte* b = (byte*)&s;
        LayoutAssert.Matches<CapsuleHeader>(sizeof(CapsuleHeader), 0x1C,
            new FieldOffset("CapsuleGuid", (byte*)&s.CapsuleGuid - b, 0x0),
            new FieldOffset("HeaderSize", (byte*)&s.HeaderSize - b, 0x10),
            new FieldOffset("Flags", (byte*)&s.Flags - b, 0x14),
            new FieldOffset("CapsuleImageSize", (byte*)&s.CapsuleImageSize - b, 0x18));
    }
}
