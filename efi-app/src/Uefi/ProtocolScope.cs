using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// A protocol opened with OpenProtocol (UEFI 2.10 §7.3) for the span of a <c>using</c> block.
/// Dispose calls CloseProtocol with exactly the handle, GUID, agent and controller the open used,
/// and only if the open succeeded. A ref struct, so it cannot outlive the frame that opened it and
/// needs no IDisposable (pattern-based <c>using</c>).
/// </summary>
public unsafe ref struct ProtocolScope<T> where T : unmanaged, IUefiProtocol
{
    private readonly BootServices* boot;
    private readonly void* handle;
    private readonly void* agent;
    private readonly void* controller;
    private T* protocol;

    internal ProtocolScope(EfiStatus status, BootServices* boot, void* handle, void* agent, void* controller, T* protocol)
    {
        Status = status;
        this.boot = boot;
        this.handle = handle;
        this.agent = agent;
        this.controller = controller;
        this.protocol = protocol;
    }

    /// <summary>The OpenProtocol status: success, or why the protocol is not open.</summary>
    public EfiStatus Status { get; }

    public readonly bool IsOpen => protocol != null;

    /// <summary>The interface, or null when the open failed or the scope was disposed.</summary>
    public readonly T* Pointer => protocol;

    /// <summary>The interface; a fail-fast when it is not open (check <see cref="IsOpen"/> first).</summary>
    public readonly ref T Protocol
    {
        get
        {
            if (protocol == null)
            {
                Environment.FailFast("ProtocolScope.Protocol used while not open");
            }

            return ref *protocol;
        }
    }

    /// <summary>Closes the protocol with the saved parameters. Safe to call twice.</summary>
    public void Dispose()
    {
        if (protocol == null)
        {
            return;
        }

        protocol = null;
        EfiGuid guid = T.Guid;
        // A close failure leaves nothing for the caller to undo; the firmware keeps its own record.
        boot->CloseProtocol(handle, &guid, agent, controller);
    }
}
