using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// Every handle with EFI_SIMPLE_NETWORK_PROTOCOL (LocateHandleBuffer, UEFI 2.10 §7.3), and what the app asks
/// about each before it opens one exclusively. With one NIC, OVMF still lists several: UefiPxeBcDxe
/// re-installs the NIC's own SNP interface on its IPv4/IPv6 children (docs/netstack.md), so a handle whose
/// interface an earlier handle already has is an alias of the same NIC. Dispose frees the handle array.
/// </summary>
public unsafe ref struct SimpleNetworkHandles
{
    private readonly UefiBootServices boot;
    private HandleBuffer handles;

    private SimpleNetworkHandles(UefiBootServices boot, HandleBuffer handles)
    {
        this.boot = boot;
        this.handles = handles;
    }

    public static SimpleNetworkHandles Locate(UefiBootServices boot) => new(boot, boot.LocateHandleBuffer<SimpleNetworkProtocol>());

    /// <summary>False when there is no SNP handle (no NIC, or no driver for it).</summary>
    public readonly bool IsSuccess => handles.IsSuccess && handles.Handles.Length > 0;

    public readonly int Count => handles.Handles.Length;

    public readonly EfiHandle this[int index] => handles.Handles[index];

    /// <summary>
    /// A look at handle <paramref name="index"/>'s SNP without taking it (GET_PROTOCOL, closed again): its
    /// interface address, current MAC and state. False when the handle no longer has SNP.
    /// </summary>
    public readonly bool TryPeek(int index, Span<byte> mac, out nuint interfaceAddress, out SimpleNetworkState state)
    {
        interfaceAddress = 0;
        state = default;
        using ProtocolScope<SimpleNetworkProtocol> scope = boot.OpenGetProtocol<SimpleNetworkProtocol>(handles.Handles[index]);
        if (!scope.IsOpen)
            return false;
        var snp = new UefiSimpleNetwork(scope.Pointer);
        interfaceAddress = snp.InterfaceAddress;
        state = snp.State;
        snp.CurrentAddress.CopyTo(mac);
        return true;
    }

    /// <summary>True when an earlier handle carries the same SNP interface (the NIC's own handle is the first).</summary>
    public readonly bool IsAliasOfEarlier(int index)
    {
        nuint iface = InterfaceOf(index);
        if (iface == 0)
            return false;
        for (int j = 0; j < index; j++)
            if (InterfaceOf(j) == iface) return true;
        return false;
    }

    /// <summary>Distinct SNP interfaces among the handles (handles whose SNP is gone count as none).</summary>
    public readonly int CountDistinct()
    {
        int distinct = 0;
        for (int i = 0; i < Count; i++)
            if (InterfaceOf(i) != 0 && !IsAliasOfEarlier(i)) distinct++;
        return distinct;
    }

    /// <summary>The NIC driver's name (the producer, <see cref="DriverNames.TryGetProducer"/>); false when none is found.</summary>
    public readonly bool TryGetDriverName(int index, Span<char> name, out int length) =>
        DriverNames.TryGetProducer(boot.Raw, boot.ImageHandle.Value, handles.Handles[index].Value, name, out length);

    /// <summary>The driver that holds SNP BY_DRIVER (MnpDxe, until an exclusive open disconnects it); false when none.</summary>
    public readonly bool TryGetConsumerName(int index, Span<char> name, out int length) =>
        DriverNames.TryGetConsumer(boot.Raw, boot.ImageHandle.Value, handles.Handles[index].Value, SimpleNetworkProtocol.Guid, name, out length);

    public void Dispose() => handles.Dispose();

    // The SNP interface on handle index (opened GET_PROTOCOL and closed again); 0 when it has none.
    private readonly nuint InterfaceOf(int index)
    {
        using ProtocolScope<SimpleNetworkProtocol> scope = boot.OpenGetProtocol<SimpleNetworkProtocol>(handles.Handles[index]);
        return scope.IsOpen ? (nuint)scope.Pointer : 0;
    }
}
