using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// Tells when a handle gains protocol <typeparamref name="T"/> after the watch began (RegisterProtocolNotify, UEFI 2.10
/// §7.3): for the file sources, a USB stick that the USB bus driver connects after it is plugged in. The event has no
/// notify function (type 0), so the firmware only counts the signal and <see cref="TakeArrival"/> reads it with
/// CheckEvent from the app's own loop; no callback runs at raised TPL.
/// </summary>
public unsafe struct ProtocolArrivalWatch<T> where T : unmanaged, IUefiProtocol
{
    private readonly BootServices* _raw;
    private void* _event;

    private ProtocolArrivalWatch(BootServices* raw, void* evt)
    {
        _raw = raw;
        _event = evt;
    }

    /// <summary>False when the firmware refused the event or the registration (then only a timer rescan finds new ones).</summary>
    public readonly bool IsWatching => _event != null;

    public static ProtocolArrivalWatch<T> Start(UefiBootServices boot)
    {
        BootServices* raw = boot.Raw;
        void* evt = null;
        if (raw->CreateEvent(0, 0, null, null, &evt).IsError)
            return default;
        EfiGuid guid = T.Guid;
        void* registration = null;
        if (raw->RegisterProtocolNotify(&guid, evt, &registration).IsError)
        {
            raw->CloseEvent(evt);
            return default;
        }
        return new ProtocolArrivalWatch<T>(raw, evt);
    }

    /// <summary>True once per batch of arrivals since the last call (the firmware's signal is cleared by reading it).</summary>
    public readonly bool TakeArrival() => _event != null && !_raw->CheckEvent(_event).IsError;

    /// <summary>Closing the event also ends the registration (§7.3).</summary>
    public void Stop()
    {
        if (_event != null)
            _raw->CloseEvent(_event);
        _event = null;
    }
}
